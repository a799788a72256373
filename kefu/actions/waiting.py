"""What a waiting customer is told: their place in the queue and a range for the wait, and
whether a language is served now (reads; nothing here changes state)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.routing.coverage import Coverage
from kefu.domain.routing.estimate import WaitCalibrator, service_rate
from kefu.domain.routing.queue import BucketKey, WaitingQueue
from kefu.store.models import Ticket
from kefu.store.repositories import routing as routing_repo
from kefu.store.serialize import iso

DEFAULT_HANDLE_SECONDS = 600.0  # until the desk has solved tickets to learn from
HANDLE_WINDOW = timedelta(hours=2)


async def queue_status(
    session: AsyncSession, ticket: Ticket, now: datetime, calibrator: WaitCalibrator | None = None
) -> dict[str, Any]:
    """Position among the tickets the same agents would take first, and the expected wait."""
    if ticket.assignee_id is not None or ticket.status not in routing_repo.ACTIVE:
        return {"waiting": False, "position": None}
    policy = await routing_repo.sla_policy(session)
    found = await routing_repo.waiting(session, channels=[ticket.channel])
    me = next((w for w in found if w.id == ticket.id), None)
    if me is None:
        return {"waiting": False, "position": None}
    deadlines = await routing_repo.first_response_deadlines(session, [w.id for w in found])
    queue = WaitingQueue()
    clock = now.timestamp()
    for item in found:
        queue.add(routing_repo.waiting_ticket(item, policy, deadlines.get(item.id)), clock)
    mine = queue.get(ticket.id)
    assert mine is not None
    agents = [
        a
        for a in await routing_repo.agent_states(session, now)
        if a.available and mine.language in a.languages and mine.skill in a.skills
    ]
    skills = {s for a in agents for s in a.skills} | {mine.skill}
    keys: list[BucketKey] = [(mine.language, s, None, mine.channel) for s in skills]
    languages = {lang for a in agents for lang in a.languages} | {mine.language}
    share_of = queue.count(keys)
    all_of = queue.count([(lang, s, None, mine.channel) for lang in languages for s in skills])
    slots = sum(a.capacity.get(mine.channel, 0) for a in agents)
    free = sum(max(a.free(mine.channel), 0) for a in agents)
    handle = await routing_repo.recent_handle_seconds(session, now - HANDLE_WINDOW, ticket.channel)
    rate = service_rate(slots, handle or [DEFAULT_HANDLE_SECONDS], share_of / max(all_of, 1))
    estimate = (calibrator or WaitCalibrator()).estimate(
        queue.position(ticket.id, clock, keys), free, rate
    )
    return {"waiting": True, "agents_on_shift": len(agents), **estimate.as_dict()}


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
