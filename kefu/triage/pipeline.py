"""The inbound pipeline every channel shares.

1. **Screening**, synchronous, before anything is stored: steps that may rewrite the text
   (secret redaction plugs in here) and flag the message. It sits on the live-chat hot path, so
   steps must be fast and must not do I/O.
2. **Enrichment**, after the message is committed and delivered: slower work (language, intent,
   duplicates) that must not delay delivery. Each stored inbound message is marked pending
   (`enriched_at` is NULL) until its enrichers ran, so a process that dies mid-way loses nothing:
   `enrich_pending` picks the work up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

log = logging.getLogger("kefu.triage")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Screened:
    """The text to store, what the steps noticed, and what the customer should be told.

    `do_add_message` carries both to the ticket (kefu/actions/screening.py): flags that are
    valid tags become ticket tags (all are audited); notices become one system message to the
    customer, `secret:<kind>` rendered in their language, any other notice as its own text."""

    body: str
    html: str | None
    flags: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


class ScreeningStep(Protocol):
    def __call__(self, screened: Screened) -> Screened: ...


# An enricher gets the ids of stored inbound messages; it opens its own unit of work.
Enricher = Callable[[list[int]], Awaitable[None]]


@dataclass(frozen=True)
class SelectiveEnricher:
    """An enricher that needs only some messages: `wants(body)` is a cheap test of the stored
    text (no I/O; it runs on the send path). A message that no enricher wants is marked enriched
    when it is stored: no background task, no second write."""

    run: Enricher
    wants: Callable[[str], bool]

    async def __call__(self, message_ids: list[int]) -> None:
        await self.run(message_ids)


# Marks messages enriched (an action, handed in by the layer above).
MarkDone = Callable[[list[int]], Awaitable[None]]


BACKGROUND_NICENESS = 10


def _run_below_delivery() -> None:
    """In the enrichment thread: lower its scheduling priority (Linux schedules threads one by
    one), so model inference takes the CPU that live delivery and the database leave over."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


@dataclass
class InboundPipeline:
    screening: Sequence[ScreeningStep] = ()
    enrichers: Sequence[Enricher] = ()
    # Leave enrichment to the servers' sweep: for short-lived processes (CLI commands), whose
    # background work would be cut off when they exit.
    deferred: bool = False
    # Messages this process enriches at once; beyond that (a surge) they stay pending and the
    # sweep enriches them as capacity allows: memory stays bounded and nothing is lost.
    max_in_flight: int = 512
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)
    _in_flight: int = field(default=0, repr=False)
    _executor: ThreadPoolExecutor | None = field(default=None, repr=False)

    async def run_blocking(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Run blocking enrichment work (model inference) on the pipeline's own thread, at a
        lower priority than live delivery."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                1, thread_name_prefix="kefu-enrich", initializer=_run_below_delivery
            )
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, functools.partial(fn, *args)
        )

    def screen(self, body: str, html: str | None) -> Screened:
        screened = Screened(body=body, html=html)
        for step in self.screening:
            screened = step(screened)
        return screened

    @property
    def enriches(self) -> bool:
        return bool(self.enrichers)

    def wants(self, body: str) -> bool:
        """Whether some enricher needs this inbound message."""
        return any(not isinstance(e, SelectiveEnricher) or e.wants(body) for e in self.enrichers)

    def after_commit(self, message_ids: list[int], mark_done: MarkDone) -> None:
        """Run the enrichers in the background; delivery does not wait for them."""
        if not self.enrichers or not message_ids or self.deferred:
            return
        if self._in_flight + len(message_ids) > self.max_in_flight:
            return  # pending in the database: a sweep enriches them
        self._in_flight += len(message_ids)
        task = asyncio.get_running_loop().create_task(self.enrich(message_ids, mark_done))
        self._tasks.add(task)

        def _done(task: asyncio.Task[None]) -> None:
            self._tasks.discard(task)
            self._in_flight -= len(message_ids)

        task.add_done_callback(_done)

    async def enrich(self, message_ids: list[int], mark_done: MarkDone) -> None:
        try:
            for enricher in self.enrichers:
                await enricher(message_ids)
            await mark_done(message_ids)
        except Exception:
            # Left pending: the next sweep tries again.
            log.exception("enrichment failed", extra={"fields": {"messages": message_ids}})

    async def drain(self) -> None:
        """Wait for background enrichment (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
