"""Assembling a process's `ActionDeps`, with the inbound pipeline every channel shares.

This is the one place that says which screening steps run before an inbound message is stored
and which enrichers run after it is committed (kefu/triage/pipeline.py explains the two stages).
Enrichers open their own units of work, so they are built from the finished `ActionDeps`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kefu.actions.lookalike_check import lookalike_enricher
from kefu.actions.unit_of_work import ActionDeps
from kefu.events.bus import EventBus
from kefu.settings import Settings
from kefu.store.files import FileStore
from kefu.store.raw_pg import RawPostgres, postgres_dsn
from kefu.triage.pipeline import Enricher, InboundPipeline, ScreeningStep
from kefu.triage.redaction.step import RedactSecrets

# Builds one enricher for a process from its finished dependencies.
EnricherFactory = Callable[[ActionDeps], Enricher]


def screening_steps(settings: Settings) -> list[ScreeningStep]:
    """Synchronous steps, in order, run on every inbound message before it is stored."""
    steps: list[ScreeningStep] = []
    if settings.redaction:
        steps.append(RedactSecrets())  # first: later steps never see a secret
    return steps


def enricher_factories(settings: Settings) -> list[EnricherFactory]:
    """Enrichers, in order, run on inbound messages after they are committed."""
    factories: list[EnricherFactory] = []
    if settings.lookalike_check:
        factories.append(lookalike_enricher(settings.exchange_name, settings.default_phone_region))
    if settings.classify:
        from kefu.actions.classify import classify_enricher, service_for

        factories.append(classify_enricher(service_for(settings)))
    if settings.triage_safety:
        from kefu.actions.triage_enricher import triage_enricher

        factories.append(triage_enricher)
    if settings.auto_escalate:  # last: it reads the intent and the merges found above
        from kefu.actions.escalation import escalation_enricher

        factories.append(escalation_enricher)
    return factories


def build_deps(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    bus: EventBus,
    files: FileStore,
    *,
    screening: Sequence[ScreeningStep] | None = None,
    enrichers: Sequence[EnricherFactory] | None = None,
    defer_enrichment: bool = False,
) -> ActionDeps:
    """The dependencies actions need, with the pipeline the settings call for (or the given
    steps, for tests that want a particular pipeline). With `defer_enrichment`, stored messages
    stay pending for a server's sweep instead of being enriched by this process."""
    pipeline = InboundPipeline(
        screening=list(screening_steps(settings) if screening is None else screening),
        deferred=defer_enrichment,
    )
    dsn = postgres_dsn(settings.database_url)
    raw = (
        RawPostgres(dsn, schema=settings.database_schema, size=settings.db_pool_size)
        if dsn is not None
        else None
    )
    deps = ActionDeps(sessionmaker, bus, files, pipeline, raw=raw)
    factories = enricher_factories(settings) if enrichers is None else enrichers
    pipeline.enrichers = [make(deps) for make in factories]
    return deps
