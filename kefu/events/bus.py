"""The event bus: actions publish after commit; live connections subscribe to streams.

A `Subscription` belongs to one consumer (say, one WebSocket connection) and follows any number
of streams, added and removed as the consumer's interest changes. `InProcessBus` is the embedded
default (one process); `RedisBus` (kefu/events/redis_bus.py) carries the same events between the
app processes of a deployment.

Delivery is at most once and in publish order per publisher; what must not be lost is in the
database (ticket events carry a per-ticket `seq`, and consumers replay gaps from there).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

DESK_STREAM = "desk"  # staff-wide changes (new tickets, status, presence) for supervisors' views
QUEUE_STREAM = "queue"  # chats waiting for an agent


def ticket_stream(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def customer_stream(customer_id: int) -> str:
    return f"customer:{customer_id}"


def agent_stream(agent_id: int) -> str:
    return f"agent:{agent_id}"


@dataclass(frozen=True)
class Event:
    type: str
    streams: tuple[str, ...]
    payload: dict[str, Any] = field(default_factory=dict)
    # Whether a customer watching one of the streams may see it (never for internal notes).
    public: bool = True
    # Position in its ticket's stream (1, 2, 3 …), for events stored in the ticket's event log;
    # None for events that are not (presence, typing, desk-wide notices).
    seq: int | None = None


class Subscription(Protocol):
    """One consumer's view of the bus: the streams it follows and the events that arrive."""

    async def add(self, stream: str) -> None:
        """Follow a stream; events published after this returns are delivered."""

    async def remove(self, stream: str) -> None: ...

    async def get(self) -> Event | None:
        """The next event, or None once the subscription is closed (or fell too far behind:
        the consumer must then resynchronise from the database)."""

    async def close(self) -> None: ...


class EventBus(Protocol):
    async def publish(self, events: list[Event]) -> None: ...

    def subscription(self) -> Subscription: ...

    async def close(self) -> None: ...


class LocalFanout:
    """Delivers events to this process's subscriptions by stream; shared by every bus."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.by_stream: dict[str, set[QueueSubscription]] = defaultdict(set)

    def deliver(self, event: Event) -> None:
        seen: set[int] = set()
        for stream in event.streams:
            for sub in list(self.by_stream.get(stream, ())):
                if id(sub) not in seen:  # one copy per subscription, however many streams match
                    seen.add(id(sub))
                    sub.offer(event)

    def attach(self, sub: QueueSubscription, stream: str) -> bool:
        """Returns True when this is the stream's first local subscriber."""
        first = stream not in self.by_stream or not self.by_stream[stream]
        self.by_stream[stream].add(sub)
        return first

    def detach(self, sub: QueueSubscription, stream: str) -> bool:
        """Returns True when the stream has no local subscriber left."""
        subs = self.by_stream.get(stream)
        if subs is None:
            return False
        subs.discard(sub)
        if not subs:
            del self.by_stream[stream]
            return True
        return False

    def streams(self) -> set[str]:
        return set(self.by_stream)


class QueueSubscription:
    """A subscription fed by a `LocalFanout` through a bounded queue."""

    def __init__(self, bus: _FanoutBus) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._streams: set[str] = set()
        self._closed = False

    @property
    def streams(self) -> frozenset[str]:
        return frozenset(self._streams)

    def offer(self, event: Event) -> None:
        if self._closed:
            return
        if self._queue.qsize() >= self._bus.fanout.maxsize:
            self.end()  # too far behind
            return
        self._queue.put_nowait(event)

    def end(self) -> None:
        """Tell the consumer (`get()` returns None) it may have missed events: resynchronise."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(None)

    async def add(self, stream: str) -> None:
        if stream in self._streams or self._closed:
            return
        self._streams.add(stream)
        if self._bus.fanout.attach(self, stream):
            await self._bus.first_subscriber(stream)

    async def remove(self, stream: str) -> None:
        if stream not in self._streams:
            return
        self._streams.discard(stream)
        if self._bus.fanout.detach(self, stream):
            await self._bus.last_subscriber_gone(stream)

    async def get(self) -> Event | None:
        if self._closed and self._queue.empty():
            return None
        return await self._queue.get()

    async def close(self) -> None:
        for stream in list(self._streams):
            await self.remove(stream)
        self.end()


class _FanoutBus:
    """Base of the buses: local fan-out plus hooks for a transport between processes."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self.fanout = LocalFanout(maxsize)

    def subscription(self) -> QueueSubscription:
        return QueueSubscription(self)

    async def first_subscriber(self, stream: str) -> None:
        """A stream gained its first subscriber in this process."""

    async def last_subscriber_gone(self, stream: str) -> None:
        """A stream lost its last subscriber in this process."""


class InProcessBus(_FanoutBus):
    """Events reach the subscriptions of this process only: the embedded, one-process default."""

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.fanout.deliver(event)

    async def close(self) -> None:
        for subs in list(self.fanout.by_stream.values()):
            for sub in list(subs):
                await sub.close()


class RecordingBus(InProcessBus):
    """An in-process bus that also keeps every published event (for tests and tools)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    async def publish(self, events: list[Event]) -> None:
        self.published.extend(events)
        await super().publish(events)
