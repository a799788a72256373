"""The PostgreSQL write path for a plain live-chat message: one statement, one round trip.

A chat message in an open conversation is the hottest write kefu has (a market crash brings
hundreds of them a second to each app process). The general path (ORM unit of work: look up
the client id, lock the ticket, insert, flush the ticket, insert audit rows, insert the event)
costs eight round trips and a few milliseconds of CPU. This path, used by
`kefu.actions.chat_plain` only on PostgreSQL and only for the plain case, writes exactly the
same rows with a single statement of data-modifying CTEs, so it needs neither BEGIN nor COMMIT
(a statement is its own transaction):

- `t` locks the ticket row (`FOR UPDATE`) if the message is plain: the conversation is neither
  merged nor closed, belongs to the customer who writes, and (for a customer's message) the
  customer has no restriction on record;
- `s` reads the clock and draws the message id from the sequence once the lock is held (so
  message ids and times follow the conversation's `seq`, as on the general path, which reads
  the time after locking) and works out the ticket's new status with the domain's rule
  (`kefu.domain.ticket_status.status_after_message`, rendered into a CASE below) and its first
  response time;
- `m` inserts the message, skipping a duplicate client id with `ON CONFLICT DO NOTHING`;
- `p` and `j` build the event's payload text (the message's view is rendered in Python first,
  which leaves the id, the time, the status and the first response time to fill in; times are
  rendered as `kefu.store.serialize.iso` renders them);
- `u`, `e`, `a` update the ticket, append the event to its log and write the audit rows, each
  only if the message was new.

It returns one row when it wrote, none otherwise; the caller then takes the general path, which
finds a stored duplicate, explains what is wrong, or marks a restricted sender's message.
Statements run straight on an asyncpg connection (kefu/store/raw_pg.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.ticket_status import status_after_message
from kefu.store.models import Message
from kefu.store.serialize import message_view


def _iso_sql(column: str) -> str:
    """SQL text rendering a timestamptz as `kefu.store.serialize.iso` does in Python
    (`datetime.isoformat`, UTC as `Z`, the fraction only when there is one)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_part('microseconds', {utc})::bigint % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || 'Z'"
    )


def _status_case(direction: Direction) -> str:
    """The domain's status rule for a message in `direction`, as a SQL CASE over t.status."""
    arms = []
    for status in TicketStatus:
        if status == TicketStatus.CLOSED:
            continue  # `t` never locks a closed conversation
        after = status_after_message(status, direction)
        if after is not None:
            arms.append(f"WHEN '{status.value}' THEN '{after.value}'")
    return f"CASE t.status {' '.join(arms)} ELSE t.status END" if arms else "t.status"


@cache
def statement(direction: Direction) -> str:
    """The statement for a message in `direction` (inbound: a customer's; outbound: staff's)."""
    inbound = direction == Direction.INBOUND
    sender_free = (
        " AND NOT EXISTS (SELECT 1 FROM customer_restrictions r"
        " WHERE r.customer_id = tickets.customer_id AND r.level <> 'none')"
        if inbound
        else ""
    )
    # Staff replying to a ticket with no first response yet are its first response.
    first_response = "t.first_response_at" if inbound else "COALESCE(t.first_response_at, x.ts)"
    return f"""
WITH t AS MATERIALIZED (
    SELECT id, status, event_seq, first_response_at FROM tickets
    WHERE id = $1 AND merged_into_id IS NULL AND status <> 'closed'
      AND ($2::bigint IS NULL OR customer_id = $2){sender_free}
    FOR UPDATE
), s AS MATERIALIZED (
    SELECT t.id, t.status, t.event_seq + 1 AS seq, x.ts,
           nextval(pg_get_serial_sequence('messages', 'id')) AS message_id,
           {_status_case(direction)} AS new_status,
           {first_response} AS first_response_at
    FROM t, LATERAL (SELECT clock_timestamp() AS ts) x
), m AS (
    INSERT INTO messages (id, ticket_id, direction, author_kind, author_id, body, html, channel,
                          external_id, created_at, enriched_at)
    SELECT s.message_id, s.id, $3, $4, $5, $6, NULL, $7, $8, s.ts,
           CASE WHEN $9::boolean THEN s.ts END
    FROM s
    ON CONFLICT ON CONSTRAINT uq_messages_channel_external_id DO NOTHING
    RETURNING id, direction, channel, enriched_at
), p AS MATERIALIZED (
    SELECT s.*, m.direction, m.channel, m.enriched_at, {_iso_sql("s.ts")} AS at,
           CASE WHEN s.first_response_at IS NULL THEN 'null'
                ELSE '"' || {_iso_sql("s.first_response_at")} || '"' END AS first_response_json
    FROM s JOIN m ON m.id = s.message_id
), j AS MATERIALIZED (
    SELECT p.*,
           '{{"message":{{"id":' || p.message_id || ',"created_at":"' || p.at || '",'
           || substr($10::text, 2)
           || ',"ticket":{{"status":"' || p.new_status || '","updated_at":"' || p.at
           || '","first_response_at":' || p.first_response_json || '}}}}' AS payload
    FROM p
), u AS (
    UPDATE tickets SET status = j.new_status, updated_at = j.ts,
                       first_response_at = j.first_response_at, event_seq = j.seq
    FROM j WHERE tickets.id = j.id
), e AS (
    INSERT INTO ticket_events (ticket_id, seq, type, payload, public, created_at)
    SELECT j.id, j.seq, 'message.created', j.payload::json, TRUE, j.ts FROM j
), a AS (
    INSERT INTO audit_log (at, actor_kind, actor_id, action, entity, entity_id, before, after,
                           request_id)
    SELECT j.ts, $11, $12, x.action, x.entity, x.entity_id, x.before, x.after, $13
    FROM j, LATERAL (
        SELECT 1 AS n, 'ticket.status' AS action, 'ticket' AS entity, j.id AS entity_id,
               json_build_object('status', j.status) AS before,
               json_build_object('status', j.new_status, 'cause', 'message ' || j.message_id)
                   AS after
        WHERE j.new_status <> j.status
        UNION ALL
        SELECT 2, 'message.create', 'message', j.message_id, NULL,
               json_build_object('ticket_id', j.id, 'direction', j.direction, 'channel', j.channel)
        ORDER BY 1
    ) x
)
SELECT j.id, j.seq, j.message_id, j.status, j.new_status, j.ts, j.enriched_at, j.payload
FROM j
"""


@dataclass(frozen=True)
class NewChatMessage:
    """The message as it will be stored (its id, time and enrichment mark are the statement's
    to fill in), and what the write needs besides."""

    message: Message
    customer_id: int | None  # a customer writing: the conversation must be theirs
    mark_enriched: bool  # stored as enriched already (no enricher wants it)
    actor_kind: str
    actor_id: int | None
    request_id: str | None


@dataclass(frozen=True)
class WrittenChatMessage:
    seq: int
    status_before: str
    status: str
    payload: dict[str, Any]  # the event's payload, as stored


async def write_plain(connection: Any, new: NewChatMessage) -> WrittenChatMessage | None:
    """Write the message and what it changes, in one statement, and fill in the message's id,
    time and enrichment mark; None (nothing written) when it is not plain or a message with the
    same channel and external id is already stored."""
    message = new.message
    view = message_view(message, [])
    del view["id"], view["created_at"]  # the statement fills them in
    if not view:
        raise ValueError("the message view must be a non-empty JSON object")
    row = await connection.fetchrow(
        statement(Direction(message.direction)),
        message.ticket_id,
        new.customer_id,
        message.direction,
        message.author_kind,
        message.author_id,
        message.body,
        message.channel,
        message.external_id,
        new.mark_enriched,
        orjson.dumps(view).decode(),
        new.actor_kind,
        new.actor_id,
        new.request_id,
    )
    if row is None:
        return None
    message.id, message.created_at, message.enriched_at = row[2], row[5], row[6]
    return WrittenChatMessage(
        seq=row[1],
        status_before=row[3],
        status=row[4],
        payload=orjson.loads(row[7]),
    )
