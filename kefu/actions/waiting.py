"""What a waiting customer is told: their place in the queue and a range for the wait, and
whether a language is served now (reads; nothing here changes state)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.wait_estimates import Expected
from kefu.domain.routing.coverage import Coverage
from kefu.domain.routing.estimate import WaitCalibrator, WaitEstimate, service_rate
from kefu.domain.routing.queue import BucketKey, WaitingQueue
from kefu.store.models import Ticket
from kefu.store.repositories import routing as routing_repo
from kefu.store.serialize import iso

DEFAULT_HANDLE_SECONDS = 600.0  # until the desk has solved tickets to learn from
HANDLE_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class QueueStatus:
    """Where a ticket stands: waiting or not; if waiting, its place and the range shown."""

    ticket_id: int
    channel: str
    estimate: WaitEstimate | None = None  # None: not waiting
    agents_on_shift: int = 0

    @property
    def waiting(self) -> bool:
        return self.estimate is not None

    def as_dict(self) -> dict[str, Any]:
        if self.estimate is None:
            return {"waiting": False, "position": None}
        return {"waiting": True, "agents_on_shift": self.agents_on_shift, **self.estimate.as_dict()}

    def expected(self) -> Expected | None:
        """The central estimate to store for calibration (only when the customer must wait)."""
        est = self.estimate
        if est is None or not math.isfinite(est.expected) or est.expected <= 0:
            return None
        return Expected(self.ticket_id, self.channel, est.position, est.expected)


@dataclass(frozen=True)
class _Served:
    """What the agents who can take a kind of ticket offer it."""

    agents: int
    keys: list[BucketKey]
    free: int
    rate: float


async def queue_statuses(
    session: AsyncSession,
    ticket_ids: Sequence[int],
    now: datetime,
    calibrators: Mapping[str, WaitCalibrator] | None = None,
) -> dict[int, QueueStatus]:
    """The queue status of each of these tickets, from one snapshot of the queue and the agents
    (a ticket not waiting is absent from the result); ranges calibrated per channel."""
    if not ticket_ids:
        return {}
    calibrators = calibrators or {}
    uncalibrated = WaitCalibrator()
    found = await routing_repo.waiting(session)
    wanted = set(ticket_ids)
    if not any(w.id in wanted for w in found):
        return {}
    policy = await routing_repo.sla_policy(session)
    deadlines = await routing_repo.first_response_deadlines(session, [w.id for w in found])
    queue = WaitingQueue()
    clock = now.timestamp()
    for item in found:
        queue.add(routing_repo.waiting_ticket(item, policy, deadlines.get(item.id)), clock)
    available = [a for a in await routing_repo.agent_states(session, now) if a.available]
    handle: dict[str, list[float]] = {}
    served: dict[tuple[str, str, str], _Served] = {}
    for ticket_id in wanted:
        mine = queue.get(ticket_id)
        if mine is None:
            continue
        kind = (mine.language, mine.skill, mine.channel)
        if kind in served:
            continue
        agents = [a for a in available if mine.language in a.languages and mine.skill in a.skills]
        skills = {s for a in agents for s in a.skills} | {mine.skill}
        keys: list[BucketKey] = [(mine.language, s, None, mine.channel) for s in skills]
        languages = {lang for a in agents for lang in a.languages} | {mine.language}
        share_of = queue.count(keys)
        all_of = queue.count([(lang, s, None, mine.channel) for lang in languages for s in skills])
        if mine.channel not in handle:
            handle[mine.channel] = await routing_repo.recent_handle_seconds(
                session, now - HANDLE_WINDOW, mine.channel
            )
        slots = sum(a.capacity.get(mine.channel, 0) for a in agents)
        rate = service_rate(
            slots, handle[mine.channel] or [DEFAULT_HANDLE_SECONDS], share_of / max(all_of, 1)
        )
        free = sum(max(a.free(mine.channel), 0) for a in agents)
        served[kind] = _Served(len(agents), keys, free, rate)
    of: dict[int, tuple[str, _Served]] = {}
    for ticket_id in wanted:
        mine = queue.get(ticket_id)
        if mine is not None:
            of[ticket_id] = (mine.channel, served[(mine.language, mine.skill, mine.channel)])
    positions = queue.positions(((i, s.keys) for i, (_, s) in of.items()), clock)
    out = {}
    for ticket_id, (channel, offer) in of.items():
        calibrator = calibrators.get(channel, uncalibrated)
        estimate = calibrator.estimate(positions[ticket_id], offer.free, offer.rate)
        out[ticket_id] = QueueStatus(ticket_id, channel, estimate, offer.agents)
    return out


async def queue_status(
    session: AsyncSession, ticket: Ticket, now: datetime, calibrator: WaitCalibrator | None = None
) -> dict[str, Any]:
    """Position among the tickets the same agents would take first, and the expected wait."""
    if ticket.assignee_id is not None or ticket.status not in routing_repo.ACTIVE:
        return {"waiting": False, "position": None}
    calibrators = {ticket.channel: calibrator} if calibrator is not None else None
    found = await queue_statuses(session, [ticket.id], now, calibrators)
    status = found.get(ticket.id) or QueueStatus(ticket.id, ticket.channel)
    return status.as_dict()


async def availability(session: AsyncSession, language: str, now: datetime) -> dict[str, Any]:
    """Is the language served now (someone who speaks it is online and on shift), when does it
    open next (from the shifts of those who speak it), and which fallbacks are served now."""
    rows = await routing_repo.agent_rows(session)
    held = await routing_repo.loads(session, [r.agent.id for r in rows])
    states = {r.agent.id: routing_repo.agent_state(r, held.get(r.agent.id, {}), now) for r in rows}
    serving = {lang for s in states.values() if s.available for lang in s.languages}
    coverage = Coverage.from_agents(
        (r.agent.languages or (), r.schedule) for r in rows if r.schedule is not None
    )
    online = language in serving
    next_opening = now if online else coverage.next_opening(language, now)
    fallbacks = [c for c in coverage.fallback_order(language) if c in serving]
    return {
        "language": language,
        "online": online,
        "next_opening": iso(next_opening),
        "closes_at": iso(coverage.closes_at(language, now, timedelta(days=7))) if online else None,
        "fallbacks": fallbacks,
        "leave_message": not online,
    }
