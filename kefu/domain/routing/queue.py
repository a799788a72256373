"""Waiting tickets indexed so that "the best ticket for this agent" takes microseconds.

Tickets sit in buckets by what an agent must have to take them: (language, skill,
certification, channel). Inside a bucket, one lane per tier holds two max-heaps (see
`priority`): phase 1 keyed on the aging key, phase 2 (inside the urgency window) on the urgent
key, plus a min-heap of promotion times. The top of each heap is the best of its phase, so the
best ticket an agent can take is the best of a few heap tops over the agent's buckets: exact, not
a sample. Removed or promoted tickets leave stale heap entries behind, skipped when they surface
and compacted when they outnumber live ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field

from kefu.domain.routing.model import AgentState, WaitingTicket, Weights, eligible
from kefu.domain.routing.priority import aging_key, promote_at, score, urgent_key

BucketKey = tuple[str, str, str | None, str]  # language, skill, certification, channel
_Entry = tuple[float, int, int]  # (−key or time, version, ticket id)


def bucket_of(ticket: WaitingTicket) -> BucketKey:
    return (ticket.language, ticket.skill, ticket.certification, ticket.channel)


@dataclass
class _Lane:
    aging: list[_Entry] = field(default_factory=list)
    urgent: list[_Entry] = field(default_factory=list)
    pending: list[_Entry] = field(default_factory=list)  # (promote_at, version, id)
    live: int = 0


class WaitingQueue:
    def __init__(self, weights: Weights | None = None) -> None:
        self.weights = weights or Weights()
        self._tickets: dict[int, WaitingTicket] = {}
        self._version: dict[int, int] = {}
        self._urgent: set[int] = set()  # ids in phase 2
        self._buckets: dict[BucketKey, dict[str, _Lane]] = {}
        self._by_manager: dict[int, set[int]] = {}
        self._next_version = 0

    # -- contents -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, ticket_id: int) -> bool:
        return ticket_id in self._tickets

    def __iter__(self) -> Iterator[WaitingTicket]:
        return iter(list(self._tickets.values()))

    def get(self, ticket_id: int) -> WaitingTicket | None:
        return self._tickets.get(ticket_id)

    def add(self, ticket: WaitingTicket, now: float | None = None) -> None:
        """Queue a ticket (again: replaces the earlier entry)."""
        if ticket.id in self._tickets:
            self.remove(ticket.id)
        self._next_version += 1
        version = self._next_version
        self._tickets[ticket.id] = ticket
        self._version[ticket.id] = version
        lane = self._buckets.setdefault(bucket_of(ticket), {}).setdefault(ticket.tier, _Lane())
        lane.live += 1
        start = promote_at(ticket, self.weights)
        if start is not None and now is not None and start <= now:
            self._urgent.add(ticket.id)
            heapq.heappush(lane.urgent, (-urgent_key(ticket, self.weights), version, ticket.id))
        else:
            heapq.heappush(lane.aging, (-aging_key(ticket, self.weights), version, ticket.id))
            if start is not None:
                heapq.heappush(lane.pending, (start, version, ticket.id))
        if ticket.account_manager_id is not None:
            self._by_manager.setdefault(ticket.account_manager_id, set()).add(ticket.id)

    def remove(self, ticket_id: int) -> WaitingTicket | None:
        ticket = self._tickets.pop(ticket_id, None)
        if ticket is None:
            return None
        del self._version[ticket_id]
        self._urgent.discard(ticket_id)
        lanes = self._buckets[bucket_of(ticket)]
        lane = lanes[ticket.tier]
        lane.live -= 1
        if lane.live == 0:
            del lanes[ticket.tier]
            if not lanes:
                del self._buckets[bucket_of(ticket)]
        elif len(lane.aging) + len(lane.urgent) > 4 * lane.live + 16:
            self._compact(lane)
        if ticket.account_manager_id is not None:
            own = self._by_manager[ticket.account_manager_id]
            own.discard(ticket_id)
            if not own:
                del self._by_manager[ticket.account_manager_id]
        return ticket

    # -- decisions ----------------------------------------------------------------------
    def score(self, ticket: WaitingTicket, now: float) -> float:
        return score(ticket, now, self.weights)

    def best_for(self, agent: AgentState, now: float) -> WaitingTicket | None:
        """The highest-priority ticket this agent may take now (pull / "get next").

        The agent's own VIP customers come first: a dedicated account manager takes theirs
        before anyone else's.
        """
        if not agent.available:
            return None
        own = self._by_manager.get(agent.id)
        if own:
            mine = [self._tickets[i] for i in own if eligible(agent, self._tickets[i])]
            if mine:
                return max(mine, key=lambda t: (self.score(t, now), -t.enqueued_at, -t.id))
        best: WaitingTicket | None = None
        best_rank = (float("-inf"), 0.0, 0)
        certs: tuple[str | None, ...] = (None, *agent.certifications)
        channels = [ch for ch in agent.capacity if agent.free(ch) > 0]
        for language in agent.languages:
            for skill in agent.skills:
                for cert in certs:
                    for channel in channels:
                        lanes = self._buckets.get((language, skill, cert, channel))
                        if lanes is None:
                            continue
                        for lane in lanes.values():
                            for ticket in self._tops(lane, now):
                                rank = (self.score(ticket, now), -ticket.enqueued_at, -ticket.id)
                                if rank > best_rank:
                                    best, best_rank = ticket, rank
        return best

    def position(self, ticket_id: int, now: float) -> int:
        """1 + the tickets of the same bucket that would be served before this one."""
        ticket = self._tickets[ticket_id]
        rank = (self.score(ticket, now), -ticket.enqueued_at, -ticket.id)
        ahead = 0
        for lane in self._buckets[bucket_of(ticket)].values():
            for heap, urgent in ((lane.aging, False), (lane.urgent, True)):
                for entry in heap:
                    if self._valid(entry, urgent) and entry[2] != ticket_id:
                        other = self._tickets[entry[2]]
                        if (self.score(other, now), -other.enqueued_at, -other.id) > rank:
                            ahead += 1
        return ahead + 1

    def ordered(self, now: float) -> list[WaitingTicket]:
        """Every waiting ticket, highest priority first (for positions and tests; O(n log n))."""
        return sorted(
            self._tickets.values(),
            key=lambda t: (-self.score(t, now), t.enqueued_at, t.id),
        )

    # -- heaps --------------------------------------------------------------------------
    def _valid(self, entry: _Entry, urgent: bool) -> bool:
        ticket_id = entry[2]
        return self._version.get(ticket_id) == entry[1] and (ticket_id in self._urgent) == urgent

    def _tops(self, lane: _Lane, now: float) -> list[WaitingTicket]:
        pending, weights = lane.pending, self.weights
        while pending and pending[0][0] <= now:
            _, version, ticket_id = heapq.heappop(pending)
            if self._version.get(ticket_id) == version and ticket_id not in self._urgent:
                self._urgent.add(ticket_id)
                ticket = self._tickets[ticket_id]
                heapq.heappush(lane.urgent, (-urgent_key(ticket, weights), version, ticket_id))
        out = []
        for heap, urgent in ((lane.aging, False), (lane.urgent, True)):
            while heap and not self._valid(heap[0], urgent):
                heapq.heappop(heap)
            if heap:
                out.append(self._tickets[heap[0][2]])
        return out

    def _compact(self, lane: _Lane) -> None:
        lane.aging = [e for e in lane.aging if self._valid(e, False)]
        lane.urgent = [e for e in lane.urgent if self._valid(e, True)]
        lane.pending = [
            e for e in lane.pending if self._version.get(e[2]) == e[1] and e[2] not in self._urgent
        ]
        for heap in (lane.aging, lane.urgent, lane.pending):
            heapq.heapify(heap)
