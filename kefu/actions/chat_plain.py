"""A plain chat message on PostgreSQL, written in two statements (kefu/store/repositories/
chat_write.py explains the SQL).

"Plain": a text message to a known conversation the caller may write to, which screening left
untouched (no redaction, no flag, no notice for the customer), in a conversation that is neither
merged nor closed. Anything else returns None before writing, and `do_chat_message` takes the
general path, which handles every case. Both paths write the same rows, audit entries and event;
tests run the same chat scenarios on SQLite (general path only) and PostgreSQL (both).
"""

from __future__ import annotations

from kefu.actions.messages import MAX_BODY_CHARS, PostedMessage, author_of
from kefu.actions.restrictions import check_sender, mark_message
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Channel, Direction, TicketStatus
from kefu.domain.ticket_status import status_after_message
from kefu.events.bus import DESK_STREAM, Event, ticket_stream
from kefu.store.models import Message
from kefu.store.repositories import chat_write
from kefu.store.serialize import iso, message_view

CHAT = Channel.WEB_CHAT.value


def available(uow: UnitOfWork) -> bool:
    """Whether this unit of work's database has the two-statement path (PostgreSQL)."""
    return uow.session.get_bind().dialect.name == "postgresql"


async def post_plain(
    uow: UnitOfWork, conversation: int, external_id: str, body: str
) -> tuple[int, PostedMessage] | None:
    """Write the message and return (conversation, posted); None: not plain, nothing written.

    A message with the same external id already stored also returns None (the general path
    finds it and acknowledges it as a duplicate)."""
    text = body.strip()
    if uow.actor.is_customer:  # inbound: screened like every channel's inbound messages
        screened = uow.deps.pipeline.screen(text, None)
        if screened.flags or screened.notices or screened.body != text:
            return None
    if not text or len(text) > MAX_BODY_CHARS:
        return None  # the general path says what is wrong
    locked = await chat_write.lock_conversation(uow.session, conversation)
    if (
        locked is None
        or locked.merged_into_id is not None
        or locked.status == TicketStatus.CLOSED.value
        or (uow.actor.is_customer and locked.customer_id != uow.actor.id)
    ):
        return None
    direction = Direction.INBOUND if uow.actor.is_customer else Direction.OUTBOUND
    new_status = status_after_message(TicketStatus(locked.status), direction)
    author_kind, author_id = author_of(uow, direction)
    now = uow.now()
    inbound = direction == Direction.INBOUND
    pending = inbound and uow.deps.pipeline.wants(text)  # some enricher will look at it
    # A restricted sender's message is stored and marked, as on the general path.
    verdict = await check_sender(uow, locked.customer_id) if inbound else None
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
        enriched_at=None if pending or not inbound else now,
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
    written = await chat_write.insert_message(
        uow.session,
        chat_write.NewChatMessage(
            message_id=message.id,
            ticket_id=locked.id,
            direction=message.direction,
            author_kind=author_kind,
            author_id=author_id,
            body=text,
            channel=CHAT,
            external_id=external_id,
            created_at=now,
            enriched_at=message.enriched_at,
            status=status,
            first_response_at=first_response_at,
            seq=seq,
            event_payload=payload,
            actor_kind=uow.actor.kind.value,
            actor_id=uow.actor_id,
            request_id=uow.request_id,
            audit=audit,
        ),
    )
    if not written:
        return None
    if verdict is not None:
        mark_message(uow, message.id, verdict.outcome, None, {"retry_at": iso(verdict.retry_at)})
    also = (DESK_STREAM,) if new_status is not None else ()
    uow.emit(Event("message.created", (ticket_stream(locked.id), *also), payload, seq=seq))
    if pending:
        uow.to_enrich.append(message.id)
    return locked.id, PostedMessage(message, [], created=True, restriction=verdict)
