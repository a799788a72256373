"""The waits kefu expected and the waits customers had, stored so that every app process
calibrates the range it shows on the same, shared data (not on its own memory).

While a ticket waits, the first estimate made for it (by the chat's queue updates or by the
sweep) is stored with the moment it was made; when the wait ends the row is closed, as served
(an agent was assigned) or not (solved, closed or merged while waiting). The served ones give
the errors `log(actual / expected)` that `WaitCalibration` turns into the shown range.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.permissions import SYSTEM
from kefu.domain.routing.estimate import WaitCalibrator
from kefu.store.models import Ticket, WaitEstimate
from kefu.store.repositories import routing as routing_repo
from kefu.store.repositories import waits as waits_repo

CALIBRATION_WINDOW = timedelta(days=2)  # the waits the range is calibrated on: recent ones
CALIBRATION_SIZE = 400
CALIBRATION_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class Expected:
    """The model's central estimate for a waiting ticket (seconds; only when it must wait)."""

    ticket_id: int
    channel: str
    position: int
    seconds: float


def waiting_now(ticket: Ticket) -> bool:
    return (
        ticket.assignee_id is None
        and ticket.status in routing_repo.ACTIVE
        and ticket.merged_into_id is None
    )


async def end_wait(uow: UnitOfWork, ticket: Ticket) -> None:
    """Close the ticket's open estimate now that it no longer waits (served when assigned)."""
    await uow.session.execute(
        update(WaitEstimate)
        .where(WaitEstimate.open_ticket_id == ticket.id)
        .values(open_ticket_id=None, ended_at=uow.now(), assigned=ticket.assignee_id is not None)
    )


async def do_record_expected(uow: UnitOfWork, estimates: Iterable[Expected]) -> int:
    """Store the estimate of each ticket whose current wait has none yet (and that still
    waits); the number stored. Several processes may try at once: one row wins per wait."""
    wanted = {e.ticket_id: e for e in estimates if e.seconds > 0}
    if not wanted:
        return 0
    have = await waits_repo.open_for(uow.session, list(wanted))
    still = {w.id for w in await routing_repo.waiting(uow.session, ticket_ids=list(wanted))}
    now = uow.now()
    rows = [
        WaitEstimate(
            ticket_id=e.ticket_id,
            open_ticket_id=e.ticket_id,
            channel=e.channel,
            estimated_at=now,
            position=e.position,
            expected_seconds=e.seconds,
            assigned=False,
        )
        for e in wanted.values()
        if e.ticket_id not in have and e.ticket_id in still
    ]
    uow.session.add_all(rows)
    await uow.session.flush()
    return len(rows)


async def record_expected(deps: ActionDeps, estimates: Iterable[Expected]) -> int:
    """`do_record_expected` in its own unit of work; a concurrent process that stored the same
    wait first is not an error (its estimate stands)."""
    items = list(estimates)
    for attempt in (1, 2):
        try:
            async with UnitOfWork(deps, SYSTEM) as uow:
                return await do_record_expected(uow, items)
        except IntegrityError:
            if attempt == 2:
                raise
    return 0


class WaitCalibration:
    """A process's short cache of the calibration per channel (chats and emails wait on very
    different scales), recomputed from the database every `ttl` seconds, so every process
    shows the same ranges without per-message work."""

    def __init__(
        self,
        ttl: float = CALIBRATION_CACHE_SECONDS,
        window: timedelta = CALIBRATION_WINDOW,
        size: int = CALIBRATION_SIZE,
        warm: int = 30,
    ) -> None:
        self.ttl = ttl
        self.window = window
        self.size = size
        self.warm = warm
        self._cached: dict[str, tuple[float, WaitCalibrator]] = {}

    async def get(self, session: AsyncSession, now: datetime, channel: str) -> WaitCalibrator:
        cached = self._cached.get(channel)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        errors = await waits_repo.recent_errors(session, channel, now - self.window, now, self.size)
        calibrator = WaitCalibrator.from_errors(errors, size=self.size, warm=self.warm)
        self._cached[channel] = (time.monotonic(), calibrator)
        return calibrator
