"""Agents indexed for "the best agent for this ticket" (push), and what to re-route.

Among eligible agents: the VIP customer's dedicated account manager when online, else the VIP
desk for VIP tiers, else the general pool; within a group the least loaded on the ticket's
channel, then the least loaded overall, then the longest idle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kefu.domain.routing.model import VIP_TIERS, AgentState, WaitingTicket, eligible
from kefu.domain.routing.queue import WaitingQueue


class AgentPool:
    def __init__(self, agents: Iterable[AgentState] = ()) -> None:
        self._agents: dict[int, AgentState] = {}
        self._by_skill: dict[tuple[str, str], set[int]] = {}
        for agent in agents:
            self.put(agent)

    def __len__(self) -> int:
        return len(self._agents)

    def get(self, agent_id: int) -> AgentState | None:
        return self._agents.get(agent_id)

    def all(self) -> list[AgentState]:
        return list(self._agents.values())

    def put(self, agent: AgentState) -> None:
        """Add or update an agent (status, load, shift …)."""
        old = self._agents.get(agent.id)
        if old is not None and (old.languages, old.skills) != (agent.languages, agent.skills):
            self.drop(agent.id)
        if agent.id not in self._agents:
            for language in agent.languages:
                for skill in agent.skills:
                    self._by_skill.setdefault((language, skill), set()).add(agent.id)
        self._agents[agent.id] = agent

    def drop(self, agent_id: int) -> None:
        agent = self._agents.pop(agent_id, None)
        if agent is None:
            return
        for language in agent.languages:
            for skill in agent.skills:
                ids = self._by_skill[(language, skill)]
                ids.discard(agent_id)
                if not ids:
                    del self._by_skill[(language, skill)]

    def candidates(self, ticket: WaitingTicket) -> list[AgentState]:
        ids = self._by_skill.get((ticket.language, ticket.skill), ())
        return [a for i in ids if eligible(a := self._agents[i], ticket)]

    def best_for(self, ticket: WaitingTicket) -> AgentState | None:
        """The agent to push this ticket to now, or None when nobody eligible has room."""
        manager = ticket.account_manager_id
        if manager is not None and ticket.tier in VIP_TIERS:
            agent = self._agents.get(manager)
            if agent is not None and eligible(agent, ticket):
                return agent
        found = self.candidates(ticket)
        if not found:
            return None
        if ticket.tier in VIP_TIERS:
            desk = [a for a in found if a.vip_desk]
            found = desk or found
        return min(found, key=lambda a: _rank(a, ticket.channel))


def _rank(agent: AgentState, channel: str) -> tuple[float, int, float, int]:
    return (agent.load_fraction(channel), agent.total_load, agent.idle_since, agent.id)


@dataclass(frozen=True, slots=True)
class Assigned:
    """A conversation an agent holds, as re-routing sees it."""

    ticket_id: int
    channel: str
    assigned_at: float


def to_reroute(agent: AgentState, held: Sequence[Assigned]) -> list[int]:
    """Tickets to put back in the queue: all of them when the agent is offline; otherwise the
    most recently assigned beyond the agent's capacity on each channel."""
    if agent.status == "offline":
        return [a.ticket_id for a in held]
    out: list[int] = []
    by_channel: dict[str, list[Assigned]] = {}
    for item in held:
        by_channel.setdefault(item.channel, []).append(item)
    for channel, items in by_channel.items():
        excess = len(items) - agent.capacity.get(channel, 0)
        if excess > 0:
            newest = sorted(items, key=lambda a: (a.assigned_at, a.ticket_id), reverse=True)
            out += [a.ticket_id for a in newest[:excess]]
    return sorted(out)


def dispatch(
    queue: WaitingQueue, pool: AgentPool, now: float, *, limit: int | None = None
) -> list[tuple[int, int]]:
    """Fill every free slot: each available agent with room pulls its best ticket, the least
    loaded and longest idle first, until nothing more can be assigned. Returns (ticket id,
    agent id) pairs; the queue and the pool's loads are updated."""
    done: list[tuple[int, int]] = []
    progress = True
    while progress and (limit is None or len(done) < limit):
        progress = False
        ready = [a for a in pool.all() if a.available and any(a.free(c) > 0 for c in a.capacity)]
        ready.sort(key=lambda a: (a.total_load, a.idle_since, a.id))
        for agent in ready:
            agent = pool.get(agent.id) or agent
            ticket = queue.best_for(agent, now)
            if ticket is None:
                continue
            queue.remove(ticket.id)
            load = dict(agent.load)
            load[ticket.channel] = load.get(ticket.channel, 0) + 1
            pool.put(replace(agent, load=load))
            done.append((ticket.id, agent.id))
            progress = True
            if limit is not None and len(done) >= limit:
                break
    return done
