"""A plain chat message on PostgreSQL, written in two statements straight on an asyncpg
connection (kefu/store/repositories/chat_write.py explains the SQL).

"Plain": a text message to a known conversation the caller may write to, which screening left
untouched (no redaction, no flag, no notice for the customer), from a sender who is not
restricted, in a conversation that is neither merged nor closed. Anything else returns None
having written nothing, and `kefu.actions.chat.post_chat_message` takes the general path
(`do_chat_message` in a unit of work), which handles every case. Both paths write the same rows,
audit entries and event, and publish the same event after commit; tests run the same chat
scenarios on SQLite (general path only) and PostgreSQL (both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.actions.messages import MAX_BODY_CHARS, PostedMessage
from kefu.actions.unit_of_work import ActionDeps, after_commit
from kefu.domain.enums import Channel, Direction, TicketStatus
from kefu.domain.permissions import Perm, Principal, require
from kefu.domain.restriction_policy import Level, Restriction, check, current
from kefu.domain.ticket_status import status_after_message
from kefu.events.bus import DESK_STREAM, Event, ticket_stream
from kefu.store.models import Message, utcnow
from kefu.store.repositories import chat_write
from kefu.store.serialize import iso, message_view

CHAT = Channel.WEB_CHAT.value


@dataclass(frozen=True)
class PlainPosted:
    ticket_id: int
    posted: PostedMessage
    seq: int  # the message's place in the conversation's event log


class _NotPlain(Exception):
    """Raised inside the transaction to roll it back: the general path takes the message."""


def _author(actor: Principal, direction: Direction) -> tuple[str, int | None]:
    if direction == Direction.INBOUND:
        return "customer", actor.id
    return ("agent", actor.id) if actor.id else ("system", None)


def _sender_free(row: chat_write.SenderRow | None, now: datetime) -> bool:
    """Whether the customer may write without their message being marked (as
    `restrictions.check_sender` decides on the general path, which also handles the rest)."""
    if row is None:
        return True
    state = Restriction(Level.parse(row.level), row.since, row.raised_at, row.last_message_at)
    return current(state, now).level < Level.SLOW and not check(state, now).restricted


async def do_post_plain(
    deps: ActionDeps,
    actor: Principal,
    conversation: int,
    external_id: str,
    body: str,
    request_id: str | None = None,
) -> PlainPosted | None:
    """Write the message, commit, publish; None: not plain (or already stored), nothing
    written — the general path finds a stored duplicate and acknowledges it."""
    require(actor, Perm.TICKETS_WRITE)
    if deps.raw is None:
        return None
    text = body.strip()
    if not text or len(text) > MAX_BODY_CHARS:
        return None  # the general path says what is wrong
    inbound = actor.is_customer
    if inbound:  # screened like every channel's inbound messages
        screened = deps.pipeline.screen(text, None)
        if screened.flags or screened.notices or screened.body != text:
            return None
    direction = Direction.INBOUND if inbound else Direction.OUTBOUND
    pending = inbound and deps.pipeline.wants(text)  # some enricher will look at it
    try:
        async with deps.raw.transaction() as connection:
            written = await _write(
                connection, actor, conversation, external_id, text, direction, pending
            )
            if not await chat_write.insert_message(connection, _row(written, request_id)):
                raise _NotPlain  # the same client id is stored already
    except _NotPlain:
        return None
    events = [written.event]
    await after_commit(deps, events, [written.message.id] if pending else [])
    return PlainPosted(
        written.locked.id, PostedMessage(written.message, [], created=True), written.seq
    )


@dataclass(frozen=True)
class _Written:
    locked: chat_write.LockedConversation
    actor: Principal
    message: Message
    status: str
    first_response_at: datetime | None
    seq: int
    audit: list[dict[str, Any]]
    payload: dict[str, Any]
    event: Event


async def _write(
    connection: Any,
    actor: Principal,
    conversation: int,
    external_id: str,
    text: str,
    direction: Direction,
    pending: bool,
) -> _Written:
    locked = await chat_write.lock_conversation(connection, conversation)
    now = utcnow()
    if (
        locked is None
        or locked.merged_into_id is not None
        or locked.status == TicketStatus.CLOSED.value
        or (actor.is_customer and locked.customer_id != actor.id)
        or (direction == Direction.INBOUND and not _sender_free(locked.restriction, now))
    ):
        raise _NotPlain
    new_status = status_after_message(TicketStatus(locked.status), direction)
    author_kind, author_id = _author(actor, direction)
    message = Message(
        id=locked.message_id,
        created_at=now,
        ticket_id=locked.id,
        direction=direction.value,
        author_kind=author_kind,
        author_id=author_id,
        body=text,
        html=None,
        channel=CHAT,
        external_id=external_id,
        # An inbound message no enricher wants is stored already marked as enriched (outbound
        # ones are never enriched and keep no mark, as on the general path).
        enriched_at=now if direction == Direction.INBOUND and not pending else None,
    )
    first_response_at = locked.first_response_at
    if direction == Direction.OUTBOUND and first_response_at is None:
        first_response_at = now
    status = new_status.value if new_status is not None else locked.status
    audit = []
    if new_status is not None:
        audit.append(
            {
                "action": "ticket.status",
                "entity": "ticket",
                "entity_id": locked.id,
                "before": {"status": locked.status},
                "after": {"status": status, "cause": f"message {message.id}"},
            }
        )
    audit.append(
        {
            "action": "message.create",
            "entity": "message",
            "entity_id": message.id,
            "before": None,
            "after": {"ticket_id": locked.id, "direction": direction.value, "channel": CHAT},
        }
    )
    payload = {
        "message": message_view(message, []),
        "ticket": {
            "status": status,
            "updated_at": iso(now),
            "first_response_at": iso(first_response_at),
        },
    }
    seq = locked.event_seq + 1
    also = (DESK_STREAM,) if new_status is not None else ()
    event = Event("message.created", (ticket_stream(locked.id), *also), payload, seq=seq)
    return _Written(locked, actor, message, status, first_response_at, seq, audit, payload, event)


def _row(written: _Written, request_id: str | None) -> chat_write.NewChatMessage:
    message = written.message
    return chat_write.NewChatMessage(
        message_id=message.id,
        ticket_id=written.locked.id,
        direction=message.direction,
        author_kind=message.author_kind,
        author_id=message.author_id,
        body=message.body,
        channel=CHAT,
        external_id=message.external_id or "",
        created_at=message.created_at,
        enriched_at=message.enriched_at,
        status=written.status,
        first_response_at=written.first_response_at,
        seq=written.seq,
        event_payload=written.payload,
        actor_kind=written.actor.kind.value,
        actor_id=written.actor.id or None,
        request_id=request_id,
        audit=written.audit,
    )
