"""The PostgreSQL write path for a plain live-chat message: two statements in one transaction.

A chat message in an open conversation is the hottest write kefu has (a market crash brings
thousands of them a second), and the general path (ORM unit of work: look up the client id, lock
the ticket, insert, flush the ticket, insert audit rows, insert the event) costs eight round
trips and a few milliseconds of CPU. This path, used by `kefu.actions.chat` only on PostgreSQL
and only for the plain case, writes exactly the same rows with:

1. `lock_conversation`: the ticket row, locked (`FOR UPDATE`), with a message id drawn from the
   messages' sequence while the lock is held (so message ids follow the conversation's `seq`).
2. `insert_message`: one statement whose data-modifying CTEs insert the message (skipping a
   duplicate client id with `ON CONFLICT DO NOTHING`), update the ticket, append the event to the
   ticket's log and write the audit rows, each only if the message was new.

Statements go to the driver as SQL text (no ORM flush, no statement compilation); the caller's
unit of work still owns the transaction, so a failure rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

_LOCK = (
    "SELECT status, merged_into_id, customer_id, channel, event_seq, first_response_at,"
    " nextval(pg_get_serial_sequence('messages', 'id'))"
    " FROM tickets WHERE id = $1 FOR UPDATE"
)

_INSERT = """
WITH m AS (
    INSERT INTO messages (id, ticket_id, direction, author_kind, author_id, body, html, channel,
                          external_id, created_at, enriched_at)
    VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10)
    ON CONFLICT ON CONSTRAINT uq_messages_channel_external_id DO NOTHING
    RETURNING id
), t AS (
    UPDATE tickets SET status = $11, updated_at = $9, first_response_at = $12, event_seq = $13
    WHERE id = $2 AND EXISTS (SELECT 1 FROM m)
), e AS (
    INSERT INTO ticket_events (ticket_id, seq, type, payload, public, created_at)
    SELECT $2, $13, 'message.created', $14::json, TRUE, $9 FROM m
), a AS (
    INSERT INTO audit_log (at, actor_kind, actor_id, action, entity, entity_id, before, after,
                           request_id)
    SELECT $9, $15, $16, r.action, r.entity, r.entity_id, r.before, r.after, $17
    FROM m, json_to_recordset($18::json)
         AS r(action text, entity text, entity_id bigint, before json, after json)
)
SELECT count(*) FROM m
"""


@dataclass(frozen=True)
class LockedConversation:
    """The ticket row as locked, and the id the new message will get."""

    id: int
    status: str
    merged_into_id: int | None
    customer_id: int
    channel: str
    event_seq: int
    first_response_at: datetime | None
    message_id: int


@dataclass(frozen=True)
class NewChatMessage:
    """Every row the message writes, with values computed by the action."""

    message_id: int
    ticket_id: int
    direction: str
    author_kind: str
    author_id: int | None
    body: str
    channel: str
    external_id: str
    created_at: datetime
    enriched_at: datetime | None
    status: str
    first_response_at: datetime | None
    seq: int
    event_payload: dict[str, Any]
    actor_kind: str
    actor_id: int | None
    request_id: str | None
    audit: list[dict[str, Any]]  # action, entity, entity_id, before, after


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    return connection.exec_driver_sql


async def lock_conversation(session: AsyncSession, ticket_id: int) -> LockedConversation | None:
    """The ticket, row-locked until the transaction ends; None when there is no such ticket."""
    execute = await _driver(session)
    row = (await execute(_LOCK, (ticket_id,))).first()
    if row is None:
        return None
    return LockedConversation(ticket_id, *row)


async def insert_message(session: AsyncSession, new: NewChatMessage) -> bool:
    """Write the message and what it changes; False (and nothing written) when a message with
    the same channel and external id is already stored."""
    execute = await _driver(session)
    params = (
        new.message_id,
        new.ticket_id,
        new.direction,
        new.author_kind,
        new.author_id,
        new.body,
        new.channel,
        new.external_id,
        new.created_at,
        new.enriched_at,
        new.status,
        new.first_response_at,
        new.seq,
        orjson.dumps(new.event_payload).decode(),
        new.actor_kind,
        new.actor_id,
        new.request_id,
        orjson.dumps(new.audit).decode(),
    )
    inserted = (await execute(_INSERT, params)).scalar_one()
    return bool(inserted)
