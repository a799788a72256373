"""Reads for workforce management: one light row per ticket created in a time window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.store.models import Ticket


@dataclass(frozen=True)
class ContactRow:
    created_at: datetime
    language: str | None
    channel: str
    intent: str | None
    status: str
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None


async def contacts_between(
    session: AsyncSession, since: datetime, until: datetime, *, batch: int = 5000
) -> list[ContactRow]:
    """Tickets created in ``[since, until)``, oldest first, merged tickets left out."""
    stmt = (
        select(
            Ticket.created_at,
            Ticket.language,
            Ticket.channel,
            Ticket.intent,
            Ticket.status,
            Ticket.first_response_at,
            Ticket.solved_at,
            Ticket.closed_at,
        )
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .where(Ticket.merged_into_id.is_(None))
        .order_by(Ticket.created_at, Ticket.id)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(stmt)
    return [ContactRow(*row) async for row in result]
