"""The event bus: actions publish after commit; live views subscribe to streams.

`InProcessBus` is the embedded default (one process). A Redis implementation for several app
processes plugs in behind the same interface.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

DESK_STREAM = "desk"  # every staff-visible change, for agent and supervisor views


def ticket_stream(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def customer_stream(customer_id: int) -> str:
    return f"customer:{customer_id}"


@dataclass(frozen=True)
class Event:
    type: str
    streams: tuple[str, ...]
    payload: dict[str, Any] = field(default_factory=dict)
    # Whether a customer watching one of the streams may see it (never for internal notes).
    public: bool = True


class EventBus(Protocol):
    async def publish(self, events: list[Event]) -> None: ...

    def subscribe(self, stream: str) -> AsyncIterator[Event]: ...

    async def close(self) -> None: ...


class InProcessBus:
    """Fan-out to asyncio queues in this process. Slow subscribers lose nothing up to `maxsize`;
    past it the subscription is dropped and its iterator ends, so the client resyncs."""

    def __init__(self, maxsize: int = 10_000) -> None:
        self._subs: dict[str, set[asyncio.Queue[Event | None]]] = defaultdict(set)
        self._maxsize = maxsize

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            for stream in event.streams:
                for queue in list(self._subs.get(stream, ())):
                    if queue.qsize() >= self._maxsize:
                        # Too far behind: end the subscription (the sentinel has its own slot).
                        self._subs[stream].discard(queue)
                        queue.put_nowait(None)
                    else:
                        queue.put_nowait(event)

    async def subscribe(self, stream: str) -> AsyncIterator[Event]:  # type: ignore[override]
        queue: asyncio.Queue[Event | None] = asyncio.Queue(self._maxsize + 1)
        self._subs[stream].add(queue)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    return
                yield item
        finally:
            self._subs[stream].discard(queue)
            if not self._subs[stream]:
                self._subs.pop(stream, None)

    def subscriber_count(self, stream: str) -> int:
        return len(self._subs.get(stream, ()))

    async def close(self) -> None:
        for queues in self._subs.values():
            for queue in queues:
                queue.put_nowait(None)
        self._subs.clear()


class RecordingBus(InProcessBus):
    """An in-process bus that also keeps every published event (for tests and the CLI)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    async def publish(self, events: list[Event]) -> None:
        self.published.extend(events)
        await super().publish(events)
