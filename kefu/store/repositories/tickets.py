"""Reads of tickets, messages and their parts. No writes here: those are actions."""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.errors import InvalidInput, NotFound
from kefu.domain.ticket_number import format_number
from kefu.store.models import Attachment, Escalation, Message, Ticket, TicketTag


async def get_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> Ticket:
    stmt = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        stmt = stmt.with_for_update()
    ticket = (await session.execute(stmt)).scalar_one_or_none()
    if ticket is None:
        raise NotFound(f"ticket {format_number(ticket_id)} does not exist")
    return ticket


async def tags_of(session: AsyncSession, ticket_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not ticket_ids:
        return out
    rows = await session.execute(
        select(TicketTag.ticket_id, TicketTag.tag).where(TicketTag.ticket_id.in_(ticket_ids))
    )
    for ticket_id, tag in rows:
        out[ticket_id].append(tag)
    return out


@dataclass(frozen=True)
class TicketFilter:
    status: list[str] | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    team_id: int | None = None
    customer_id: int | None = None
    priority: str | None = None
    channel: str | None = None
    language: str | None = None
    tag: str | None = None
    escalated: bool | None = None
    q: str | None = None


MAX_ID = 2**63 - 1  # ids are 64-bit signed integers on every back end


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"t:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        kind, value = raw.split(":", 1)
        if kind != "t":
            raise ValueError(kind)
        last_id = int(value)
        if not 0 < last_id <= MAX_ID:  # the database could not compare a larger number
            raise ValueError(value)
        return last_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("invalid cursor; pass the next_cursor of a previous page") from exc


def _apply_filter(stmt: Select[Any], f: TicketFilter) -> Select[Any]:
    if f.status:
        stmt = stmt.where(Ticket.status.in_(f.status))
    if f.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    elif f.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == f.assignee_id)
    if f.team_id is not None:
        stmt = stmt.where(Ticket.team_id == f.team_id)
    if f.customer_id is not None:
        stmt = stmt.where(Ticket.customer_id == f.customer_id)
    if f.priority:
        stmt = stmt.where(Ticket.priority == f.priority)
    if f.channel:
        stmt = stmt.where(Ticket.channel == f.channel)
    if f.language:
        stmt = stmt.where(Ticket.language == f.language)
    if f.tag:
        stmt = stmt.where(
            Ticket.id.in_(select(TicketTag.ticket_id).where(TicketTag.tag == f.tag.lower()))
        )
    if f.escalated is True:
        stmt = stmt.where(Ticket.escalation_level > 0)
    elif f.escalated is False:
        stmt = stmt.where(Ticket.escalation_level == 0)
    if f.q:
        pattern = "%" + like_escape(f.q) + "%"
        stmt = stmt.where(
            or_(
                Ticket.subject.ilike(pattern, escape="\\"),
                Ticket.id.in_(
                    select(Message.ticket_id).where(
                        Message.body.ilike(pattern, escape="\\"), Message.direction != "internal"
                    )
                ),
            )
        )
    return stmt


async def list_tickets(
    session: AsyncSession, f: TicketFilter, limit: int, cursor: str | None
) -> tuple[list[Ticket], str | None]:
    """Newest first, keyset-paginated on id (stable under concurrent inserts)."""
    stmt = _apply_filter(select(Ticket), f)
    if cursor:
        stmt = stmt.where(Ticket.id < decode_cursor(cursor))
    stmt = stmt.order_by(Ticket.id.desc()).limit(limit + 1)
    rows = list((await session.execute(stmt)).scalars())
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


async def merged_ids(session: AsyncSession, ticket_id: int) -> list[int]:
    """The ticket and every ticket merged into it, transitively."""
    ids = [ticket_id]
    frontier = [ticket_id]
    while frontier:
        rows = await session.execute(select(Ticket.id).where(Ticket.merged_into_id.in_(frontier)))
        frontier = [r for (r,) in rows if r not in ids]
        ids.extend(frontier)
    return ids


async def transcript(
    session: AsyncSession, ticket_id: int, *, include_internal: bool
) -> list[tuple[Message, list[Attachment]]]:
    """Messages of the ticket and of tickets merged into it, oldest first."""
    ids = await merged_ids(session, ticket_id)
    stmt = select(Message).where(Message.ticket_id.in_(ids))
    if not include_internal:
        stmt = stmt.where(Message.direction != "internal")
    messages = list(
        (await session.execute(stmt.order_by(Message.created_at, Message.id))).scalars()
    )
    atts = await attachments_of(session, [m.id for m in messages])
    return [(m, atts.get(m.id, [])) for m in messages]


async def attachments_of(
    session: AsyncSession, message_ids: list[int]
) -> dict[int, list[Attachment]]:
    out: dict[int, list[Attachment]] = defaultdict(list)
    if not message_ids:
        return out
    rows = await session.execute(
        select(Attachment).where(Attachment.message_id.in_(message_ids)).order_by(Attachment.id)
    )
    for att in rows.scalars():
        out[att.message_id].append(att)
    return out


async def get_attachment(session: AsyncSession, attachment_id: int) -> tuple[Attachment, Message]:
    row = (
        await session.execute(
            select(Attachment, Message)
            .join(Message, Message.id == Attachment.message_id)
            .where(Attachment.id == attachment_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"attachment {attachment_id} does not exist")
    return row[0], row[1]


async def message_by_external_id(
    session: AsyncSession, channel: str, external_id: str
) -> Message | None:
    stmt = select(Message).where(Message.channel == channel, Message.external_id == external_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def escalations_of(session: AsyncSession, ticket_id: int) -> list[Escalation]:
    stmt = select(Escalation).where(Escalation.ticket_id == ticket_id).order_by(Escalation.id)
    return list((await session.execute(stmt)).scalars())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    from sqlalchemy import func

    rows = await session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))
    return {status: int(n) for status, n in rows}
