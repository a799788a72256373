"""Live-chat changes: messages by client id, read receipts, picking up a waiting chat."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from kefu.actions import chat_plain
from kefu.actions.chat_plain import ChatPosted
from kefu.actions.messages import MessageInput, PostedMessage, do_add_message
from kefu.actions.tickets import TicketInput, do_assign, do_create_ticket
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Channel, Direction
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.domain.permissions import Perm, Principal
from kefu.domain.ticket_number import format_number
from kefu.store.models import Message, Ticket
from kefu.store.repositories import chat as chat_repo
from kefu.store.repositories import tickets as repo

CHAT = Channel.WEB_CHAT.value
SUBJECT_CHARS = 80


def external_id_for(actor: Principal, cid: str) -> str:
    """The stored external id of a chat message: the sender plus the client's id for it."""
    return f"{actor.kind.value}:{actor.id}:{cid}"


async def post_chat_message(
    deps: ActionDeps,
    actor: Principal,
    conversation: int | None,
    cid: str,
    body: str,
    request_id: str | None = None,
) -> ChatPosted:
    """A chat message from `actor`, the way a live connection sends one: the plain two-statement
    write when it applies (kefu/actions/chat_plain.py), else `do_chat_message` in a unit of work.
    The same `cid` again returns the first message."""
    if conversation is not None:
        plain = await chat_plain.do_post_plain(
            deps, actor, conversation, external_id_for(actor, cid), body, request_id
        )
        if plain is not None:
            return plain
    for attempt in (1, 2):
        try:
            async with UnitOfWork(deps, actor, request_id) as uow:
                result = await do_chat_message(uow, conversation, cid, body)
                created = result.posted.created and uow.events
                seq = uow.events[-1].seq if created else None
            return ChatPosted(result.ticket_id, result.posted, result.started, seq)
        except IntegrityError:
            # The same cid committed concurrently (two tabs, a quick re-send): run it again,
            # which finds that message and acknowledges it as a duplicate.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def lock_chat(uow: UnitOfWork, ticket_id: int) -> Ticket:
    """The conversation, row-locked, if the caller may write to it."""
    ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
    if uow.actor.is_customer and ticket.customer_id != uow.actor.id:
        raise NotFound(f"conversation {format_number(ticket_id)} does not exist")
    return ticket


async def do_chat_message(
    uow: UnitOfWork, conversation: int | None, cid: str, body: str
) -> ChatPosted:
    """A chat message from the caller. The same `cid` again returns the first message.

    Customers may omit the conversation: the message goes to their open chat, or opens one.
    """
    uow.require(Perm.TICKETS_WRITE)
    external_id = external_id_for(uow.actor, cid)
    existing = await repo.message_by_external_id(uow.session, CHAT, external_id)
    if existing is not None:
        ticket = await lock_chat(uow, existing.ticket_id)
        atts = (await repo.attachments_of(uow.session, [existing.id])).get(existing.id, [])
        return ChatPosted(ticket.id, PostedMessage(existing, atts, created=False), started=False)
    direction = Direction.INBOUND if uow.actor.is_customer else Direction.OUTBOUND
    data = MessageInput(body=body, channel=CHAT, external_id=external_id)
    if conversation is None:
        if not uow.actor.is_customer:
            raise InvalidInput("say which conversation the message is for")
        found = await chat_repo.latest_open_chat(uow.session, uow.actor.id)
        if found is None:
            # From the text as it will be stored: screening may have redacted a secret.
            screened = uow.deps.pipeline.screen(body.strip(), None).body
            subject = " ".join(screened.split())[:SUBJECT_CHARS] or "Chat"
            created = await do_create_ticket(
                uow, TicketInput(customer_id=uow.actor.id, subject=subject, message=data)
            )
            return ChatPosted(created.ticket.id, created.first, started=True)
        ticket = found
    else:
        ticket = await lock_chat(uow, conversation)
    if ticket.merged_into_id is not None:
        ticket = await lock_chat(uow, ticket.merged_into_id)
    posted = await do_add_message(uow, ticket, direction, data, looked_up=True)
    return ChatPosted(ticket.id, posted, started=False)


async def do_mark_read(uow: UnitOfWork, ticket: Ticket, message_id: int) -> bool:
    """The caller has seen the conversation up to `message_id`; False when nothing changed."""
    uow.require(Perm.TICKETS_READ)
    if uow.actor.is_customer and ticket.customer_id != uow.actor.id:
        raise NotFound(f"conversation {format_number(ticket.id)} does not exist")
    reader = "customer" if uow.actor.is_customer else "agent"
    column = "customer_read_message_id" if reader == "customer" else "agent_read_message_id"
    current = getattr(ticket, column)
    if current is not None and message_id <= current:
        return False
    ids = await repo.merged_ids(uow.session, ticket.id)
    message = await uow.session.get(Message, message_id)
    hidden = message is not None and uow.actor.is_customer and message.direction == "internal"
    if message is None or message.ticket_id not in ids or hidden:
        # A customer cannot tell an internal note's id from any other id that is not theirs.
        raise NotFound(f"message {message_id} is not in {format_number(ticket.id)}")
    setattr(ticket, column, message_id)
    uow.ticket_event(ticket, "message.read", {"reader": reader, "message_id": message_id})
    return True


async def do_claim(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    """An agent takes a waiting chat."""
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot pick up chats")
    if ticket.assignee_id == uow.actor.id:
        return ticket
    if ticket.assignee_id is not None:
        raise InvalidInput(f"{format_number(ticket.id)} has already been picked up")
    await do_assign(uow, ticket, uow.actor.id)
    return ticket
