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
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("kefu.triage")


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


@dataclass
class InboundPipeline:
    screening: Sequence[ScreeningStep] = ()
    enrichers: Sequence[Enricher] = ()
    # Leave enrichment to the servers' sweep: for short-lived processes (CLI commands), whose
    # background work would be cut off when they exit.
    deferred: bool = False
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

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
        task = asyncio.get_running_loop().create_task(self.enrich(message_ids, mark_done))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
