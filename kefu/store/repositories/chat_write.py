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

The lock also reads the customer's restriction row (kefu/actions/restrictions.py), so checking
the sender costs no extra round trip. Statements run straight on an asyncpg connection
(kefu/store/raw_pg.py: no ORM flush, no statement compilation, no adapter); the caller owns the
transaction, so a failure rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

_LOCK = (
    "SELECT t.status, t.merged_into_id, t.customer_id, t.channel, t.event_seq,"
    " t.first_response_at, nextval(pg_get_serial_sequence('messages', 'id')),"
    " r.level, r.since, r.raised_at, r.last_message_at"
    " FROM tickets t LEFT JOIN customer_restrictions r ON r.customer_id = t.customer_id"
    " WHERE t.id = $1 FOR UPDATE OF t"
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
    restriction: SenderRow | None  # the customer's restriction row, if they have one


@dataclass(frozen=True)
class SenderRow:
    """The columns of `customer_restrictions` the restriction policy reads."""

    level: str
    since: datetime
    raised_at: datetime | None
    last_message_at: datetime | None


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


async def lock_conversation(connection: Any, ticket_id: int) -> LockedConversation | None:
    """The ticket, row-locked until the transaction ends; None when there is no such ticket."""
    row = await connection.fetchrow(_LOCK, ticket_id)
    if row is None:
        return None
    sender = None if row[7] is None else SenderRow(*row[7:11])
    return LockedConversation(
        id=ticket_id,
        status=row[0],
        merged_into_id=row[1],
        customer_id=row[2],
        channel=row[3],
        event_seq=row[4],
        first_response_at=row[5],
        message_id=row[6],
        restriction=sender,
    )


async def insert_message(connection: Any, new: NewChatMessage) -> bool:
    """Write the message and what it changes; False (and nothing written) when a message with
    the same channel and external id is already stored."""
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
    inserted = await connection.fetchval(_INSERT, *params)
    return bool(inserted)
