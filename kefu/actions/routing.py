"""Routing changes: "get next" (pull), auto-assignment (push), re-routing, filling free slots.

Claims are atomic. On PostgreSQL the agent's row is locked first (so two claims by one agent
cannot overfill their capacity) and the ticket is taken with `FOR UPDATE SKIP LOCKED`, re-checked
to be unassigned under the lock, so concurrent claimers never get the same ticket and never wait
on each other. On SQLite every write transaction holds the database's single write lock (the
write gate), so a claim reads and assigns with nobody in between.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kefu.actions.tickets import do_assign
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Channel
from kefu.domain.errors import PermissionDenied
from kefu.domain.permissions import SYSTEM, Perm, has
from kefu.domain.routing.agents import AgentPool, Assigned, dispatch, to_reroute
from kefu.domain.routing.model import AgentState
from kefu.domain.routing.queue import WaitingQueue
from kefu.store.models import AgentProfile, Ticket, utcnow
from kefu.store.repositories import routing as routing_repo

log = logging.getLogger("kefu.routing")
LIVE_CHANNELS = (Channel.WEB_CHAT.value, Channel.PHONE.value)  # re-routed when the agent leaves
FILL_LIMIT = 500  # assignments per sweep


def _check_for(uow: UnitOfWork, agent_id: int) -> None:
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot take tickets")
    if uow.actor.id != agent_id and not has(uow.actor, Perm.TICKETS_ASSIGN_ANY):
        raise PermissionDenied("agents take tickets for themselves")


async def _queue_for(uow: UnitOfWork, agent: AgentState) -> WaitingQueue:
    session = uow.session
    policy = await routing_repo.sla_policy(session)
    found = await routing_repo.waiting(
        session,
        languages=agent.languages,
        channels=[c for c in agent.capacity if agent.free(c) > 0],
    )
    deadlines = await routing_repo.first_response_deadlines(session, [w.id for w in found])
    queue = WaitingQueue()
    now = uow.now().timestamp()
    for item in found:
        queue.add(routing_repo.waiting_ticket(item, policy, deadlines.get(item.id)), now)
    return queue


async def _mark_assigned(uow: UnitOfWork, agent_id: int) -> None:
    """Routing breaks ties by the longest idle: the agent's last assignment is now."""
    profile = await uow.session.get(AgentProfile, agent_id)
    if profile is None:
        profile = AgentProfile(agent_id=agent_id, certifications=[], vip_desk=False)
        profile.uses_shifts = False
        uow.session.add(profile)
        await uow.session.flush()
    profile.idle_since = uow.now()


async def do_get_next(uow: UnitOfWork, agent_id: int) -> Ticket | None:
    """Assign the agent the best ticket they may take now; None when there is none (or the
    agent is offline, off shift or full)."""
    _check_for(uow, agent_id)
    now = uow.now()
    states = await routing_repo.agent_states(uow.session, now, [agent_id], lock=True)
    if not states or not states[0].available:
        return None
    agent = states[0]
    queue = await _queue_for(uow, agent)
    clock = now.timestamp()
    while (best := queue.best_for(agent, clock)) is not None:
        # One at a time, best first: a ticket another claim holds is skipped, not waited for.
        locked = await routing_repo.lock_unassigned(uow.session, [best.id])
        if locked:
            ticket = locked[0]
            await do_assign(uow, ticket, agent_id)
            await _mark_assigned(uow, agent_id)
            uow.audit("routing.claim", "ticket", ticket.id, after={"agent_id": agent_id})
            return ticket
        queue.remove(best.id)
    return None


async def do_route_ticket(uow: UnitOfWork, ticket: Ticket) -> int | None:
    """Push a waiting ticket to the best eligible agent with room; the agent's id, or None when
    it stays queued. The caller holds the ticket's row lock."""
    if ticket.assignee_id is not None or ticket.status not in routing_repo.ACTIVE:
        return None
    session = uow.session
    now = uow.now()
    policy = await routing_repo.sla_policy(session)
    items = await routing_repo.waiting(session, ticket_ids=[ticket.id])
    if not items:
        return None
    waiting = routing_repo.waiting_ticket(items[0], policy)
    pool = AgentPool(await routing_repo.agent_states(session, now))
    while True:
        agent = pool.best_for(waiting)
        if agent is None:
            return None
        # Lock the agent and count again: a concurrent claim may have taken the last slot.
        fresh = await routing_repo.agent_states(session, now, [agent.id], lock=True)
        if fresh and fresh[0].available and fresh[0].free(waiting.channel) > 0:
            await do_assign(uow, ticket, agent.id)
            await _mark_assigned(uow, agent.id)
            uow.audit("routing.push", "ticket", ticket.id, after={"agent_id": agent.id})
            return agent.id
        pool.drop(agent.id)


async def do_reroute_agent(uow: UnitOfWork, agent_id: int) -> list[int]:
    """Put back in the queue what an agent can no longer handle: every live conversation when
    they are offline, or the newest beyond their capacity. Returns the ticket ids."""
    states = await routing_repo.agent_states(uow.session, uow.now(), [agent_id], lock=True)
    if not states:
        return []
    agent = states[0]
    held = [
        t for t in await routing_repo.held_by(uow.session, agent_id) if t.channel in LIVE_CHANNELS
    ]
    if agent.status != "offline":
        agent = replace(agent, status="online")  # away keeps its chats; only capacity counts
    back = set(
        to_reroute(agent, [Assigned(t.id, t.channel, t.updated_at.timestamp()) for t in held])
    )
    for ticket in held:
        if ticket.id not in back:
            continue
        await uow.session.refresh(ticket, with_for_update=True)  # lock, and re-read under it
        if ticket.assignee_id == agent_id:
            await do_assign(uow, ticket, None)
            uow.audit("routing.requeue", "ticket", ticket.id, after={"from_agent_id": agent_id})
    return sorted(back)


async def do_claim_for(uow: UnitOfWork, ticket_id: int, agent_id: int) -> bool:
    """Assign this ticket to this agent if both still allow it: the agent online, on shift
    and with room (their row locked), the ticket unassigned (locked, skipping a ticket another
    claim holds). False when either changed since the decision was made."""
    _check_for(uow, agent_id)
    states = await routing_repo.agent_states(uow.session, uow.now(), [agent_id], lock=True)
    locked = await routing_repo.lock_unassigned(uow.session, [ticket_id])
    if not states or not locked:
        return False
    ticket = locked[0]
    if not states[0].available or states[0].free(ticket.channel) <= 0:
        return False
    await do_assign(uow, ticket, agent_id)
    await _mark_assigned(uow, agent_id)
    uow.audit("routing.push", "ticket", ticket.id, after={"agent_id": agent_id})
    return True


async def route_waiting(deps: ActionDeps, limit: int = FILL_LIMIT, *, fill: bool = True) -> int:
    """Re-route from agents who went offline, then (`fill`) every free slot: the routing policy
    decides on one snapshot (kefu/domain/routing/agents.py `dispatch`), and each decision is
    claimed in its own transaction, re-checked under locks. Returns the assignments made."""
    async with deps.sessionmaker() as session:
        gone = await routing_repo.offline_holders(session, LIVE_CHANNELS)
    for agent_id in gone:
        async with UnitOfWork(deps, SYSTEM) as uow:
            await do_reroute_agent(uow, agent_id)
    if not fill:
        return 0
    async with deps.sessionmaker() as session:
        now = utcnow()
        pool = AgentPool(await routing_repo.agent_states(session, now))
        ready = [a for a in pool.all() if a.available and any(a.free(c) > 0 for c in a.capacity)]
        if not ready:
            return 0
        policy = await routing_repo.sla_policy(session)
        found = await routing_repo.waiting(session)
        deadlines = await routing_repo.first_response_deadlines(session, [w.id for w in found])
    queue = WaitingQueue()
    for item in found:
        queue.add(
            routing_repo.waiting_ticket(item, policy, deadlines.get(item.id)),
            now.timestamp(),
        )
    done = 0
    for ticket_id, agent_id in dispatch(queue, pool, now.timestamp(), limit=limit):
        async with UnitOfWork(deps, SYSTEM) as uow:
            done += await do_claim_for(uow, ticket_id, agent_id)
    return done
