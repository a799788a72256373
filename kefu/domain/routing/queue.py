"""Waiting tickets indexed so that "the best ticket for this agent" takes microseconds.

Tickets sit in buckets by what an agent must have to take them: (language, skill,
certification, channel). Inside a bucket, one lane per tier holds two max-heaps (see
`priority`): one for the tickets whose score grows at the tier's rate (before their urgency
window, or breached), keyed on their phase's constant, one for those inside the window, plus a
min-heap of the times tickets change phase. The top of each heap is the best of its slope, so
the best ticket an agent can take is the best of a few heap tops over the agent's buckets:
exact, not a sample. Removed or moved tickets leave stale heap entries behind, skipped when they
surface and compacted when they outnumber live ones.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kefu.domain.routing.model import AgentState, WaitingTicket, Weights, eligible
from kefu.domain.routing.priority import URGENT, key, phase, phase_changes, score

BucketKey = tuple[str, str, str | None, str]  # language, skill, certification, channel
_Entry = tuple[float, int, int, int]  # (−key, version, ticket id, phase)
_Change = tuple[float, int, int]  # (time, version, ticket id)


def bucket_of(ticket: WaitingTicket) -> BucketKey:
    return (ticket.language, ticket.skill, ticket.certification, ticket.channel)


@dataclass
class _Lane:
    slow: list[_Entry] = field(default_factory=list)  # phases 1 and 3: the tier's rate
    fast: list[_Entry] = field(default_factory=list)  # phase 2: rate + urgency rate
    changes: list[_Change] = field(default_factory=list)
    live: int = 0

    def heap(self, which: int) -> list[_Entry]:
        return self.fast if which == URGENT else self.slow


class WaitingQueue:
    def __init__(self, weights: Weights | None = None) -> None:
        self.weights = weights or Weights()
        self._tickets: dict[int, WaitingTicket] = {}
        self._version: dict[int, int] = {}
        self._phase: dict[int, int] = {}
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
        """Queue a ticket (again: replaces the earlier entry). `now` defaults to its arrival."""
        if ticket.id in self._tickets:
            self.remove(ticket.id)
        self._next_version += 1
        version = self._next_version
        self._tickets[ticket.id] = ticket
        self._version[ticket.id] = version
        lane = self._buckets.setdefault(bucket_of(ticket), {}).setdefault(ticket.tier, _Lane())
        lane.live += 1
        at = ticket.enqueued_at if now is None else now
        self._place(lane, ticket, phase(ticket, at, self.weights), version)
        for change in phase_changes(ticket, self.weights) or ():
            if change > at:  # changes already past are in the phase placed above
                heapq.heappush(lane.changes, (change, version, ticket.id))
        if ticket.account_manager_id is not None:
            self._by_manager.setdefault(ticket.account_manager_id, set()).add(ticket.id)

    def _place(self, lane: _Lane, ticket: WaitingTicket, which: int, version: int) -> None:
        self._phase[ticket.id] = which
        entry = (-key(ticket, which, self.weights), version, ticket.id, which)
        heapq.heappush(lane.heap(which), entry)

    def remove(self, ticket_id: int) -> WaitingTicket | None:
        ticket = self._tickets.pop(ticket_id, None)
        if ticket is None:
            return None
        del self._version[ticket_id]
        del self._phase[ticket_id]
        lanes = self._buckets[bucket_of(ticket)]
        lane = lanes[ticket.tier]
        lane.live -= 1
        if lane.live == 0:
            del lanes[ticket.tier]
            if not lanes:
                del self._buckets[bucket_of(ticket)]
        elif len(lane.slow) + len(lane.fast) > 4 * lane.live + 16:
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

    def count(self, keys: Iterable[BucketKey]) -> int:
        """Waiting tickets in these buckets."""
        return sum(lane.live for k in keys for lane in self._buckets.get(k, {}).values())

    def position(self, ticket_id: int, now: float, among: Iterable[BucketKey] | None = None) -> int:
        """1 + the tickets that would be served before this one: of its own bucket, or of the
        buckets `among` (those the agents who can take it also serve)."""
        ticket = self._tickets[ticket_id]
        rank = (self.score(ticket, now), -ticket.enqueued_at, -ticket.id)
        ahead = 0
        for key_ in set(among or ()) | {bucket_of(ticket)}:
            for lane in self._buckets.get(key_, {}).values():
                for heap in (lane.slow, lane.fast):
                    for entry in heap:
                        if self._valid(entry) and entry[2] != ticket_id:
                            other = self._tickets[entry[2]]
                            if (self.score(other, now), -other.enqueued_at, -other.id) > rank:
                                ahead += 1
        return ahead + 1

    def positions(
        self, wanted: Iterable[tuple[int, Iterable[BucketKey]]], now: float
    ) -> dict[int, int]:
        """`position` of many tickets at once (ticket id, buckets `among`): each set of buckets
        is ranked once, so a whole queue costs O(n log n) per set instead of O(n) per ticket."""
        groups: dict[frozenset[BucketKey], list[int]] = {}
        for ticket_id, among in wanted:
            ticket = self._tickets.get(ticket_id)
            if ticket is not None:
                keys = frozenset(among) | {bucket_of(ticket)}
                groups.setdefault(keys, []).append(ticket_id)
        out: dict[int, int] = {}
        for keys, ids in groups.items():
            ranks = sorted(
                self._rank(t, now) for t in self._tickets.values() if bucket_of(t) in keys
            )
            for ticket_id in ids:
                out[ticket_id] = (
                    len(ranks) - bisect_right(ranks, self._rank(self._tickets[ticket_id], now)) + 1
                )
        return out

    def _rank(self, ticket: WaitingTicket, now: float) -> tuple[float, float, int]:
        return (self.score(ticket, now), -ticket.enqueued_at, -ticket.id)

    def ordered(self, now: float) -> list[WaitingTicket]:
        """Every waiting ticket, highest priority first (for positions and tests; O(n log n))."""
        return sorted(
            self._tickets.values(),
            key=lambda t: (-self.score(t, now), t.enqueued_at, t.id),
        )

    # -- heaps --------------------------------------------------------------------------
    def _valid(self, entry: _Entry) -> bool:
        ticket_id = entry[2]
        return self._version.get(ticket_id) == entry[1] and self._phase[ticket_id] == entry[3]

    def _tops(self, lane: _Lane, now: float) -> list[WaitingTicket]:
        changes = lane.changes
        while changes and changes[0][0] <= now:
            _, version, ticket_id = heapq.heappop(changes)
            if self._version.get(ticket_id) == version:
                ticket = self._tickets[ticket_id]
                which = phase(ticket, now, self.weights)
                if which != self._phase[ticket_id]:
                    self._place(lane, ticket, which, version)
        out = []
        for heap in (lane.slow, lane.fast):
            while heap and not self._valid(heap[0]):
                heapq.heappop(heap)
            if heap:
                out.append(self._tickets[heap[0][2]])
        return out

    def _compact(self, lane: _Lane) -> None:
        lane.slow = [e for e in lane.slow if self._valid(e)]
        lane.fast = [e for e in lane.fast if self._valid(e)]
        lane.changes = [e for e in lane.changes if self._version.get(e[2]) == e[1]]
        for heap in (lane.slow, lane.fast):
            heapq.heapify(heap)
        heapq.heapify(lane.changes)
