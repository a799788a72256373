"""Reads of the waits kefu expected and the waits customers had (the calibration's data)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.routing.estimate import wait_error
from kefu.store.models import WaitEstimate


async def open_for(session: AsyncSession, ticket_ids: Sequence[int]) -> set[int]:
    """Of these tickets, those whose current wait already has an estimate."""
    if not ticket_ids:
        return set()
    stmt = select(WaitEstimate.open_ticket_id).where(
        WaitEstimate.open_ticket_id.in_(list(ticket_ids))
    )
    return {i for (i,) in await session.execute(stmt) if i is not None}


async def recent_errors(
    session: AsyncSession, channel: str, since: datetime, until: datetime, limit: int = 400
) -> list[float]:
    """`wait_error` of the latest waits on a channel that ended in an assignment between
    `since` and `until`, oldest first: what the range shown next is calibrated on."""
    stmt = (
        select(WaitEstimate.expected_seconds, WaitEstimate.estimated_at, WaitEstimate.ended_at)
        .where(
            WaitEstimate.channel == channel,
            WaitEstimate.assigned.is_(True),
            WaitEstimate.ended_at.is_not(None),
            WaitEstimate.ended_at >= since,
            WaitEstimate.ended_at <= until,
        )
        .order_by(WaitEstimate.ended_at.desc(), WaitEstimate.id.desc())
        .limit(limit)
    )
    out = []
    for expected, started, ended in await session.execute(stmt):
        if ended is not None and expected > 0:
            out.append(wait_error(expected, (ended - started).total_seconds()))
    out.reverse()
    return out
