"""The app factory: `create_app(settings)` builds a FastAPI app; nothing happens at import."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kefu import __version__
from kefu.actions.inbound import build_deps
from kefu.actions.router import route_on_events
from kefu.actions.sweeps import sweep_forever
from kefu.events.bus import EventBus
from kefu.events.factory import create_bus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.web import problems
from kefu.web.chat.queue_watch import QueueWatch
from kefu.web.limits import create_limiter
from kefu.web.request_context import RequestContextMiddleware
from kefu.web.routes import (
    auth,
    chat,
    chat_pages,
    customers,
    health,
    intents,
    official,
    pages,
    routing,
    safety,
    staff,
    ticket_actions,
    tickets,
    verify_page,
    wfm,
)
from kefu.web.state import AppState
from kefu.web.token_cache import TokenCache

DESCRIPTION = """
kefu's REST API. Authenticate with an agent session cookie (plus `X-CSRF-Token` on changes), an
API token (`Authorization: Bearer kefu_…`) or a customer token signed by the exchange
(`Authorization: Bearer v1.…`). Errors are `application/problem+json`.
"""


def create_app(settings: Settings | None = None, bus: EventBus | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url, settings.db_pool_size, schema=settings.database_schema
        )
        event_bus = bus or create_bus(settings)
        sessionmaker = make_sessionmaker(engine)
        files = FileStore(settings.attachments_dir)
        app.state.kefu = AppState(
            settings=settings,
            engine=engine,
            sessionmaker=sessionmaker,
            bus=event_bus,
            deps=build_deps(
                settings,
                sessionmaker,
                event_bus,
                files,
                defer_enrichment=not settings.enrich_in_server,
            ),
            tokens=TokenCache(settings.token_cache_seconds),
            limiter=create_limiter(settings),
        )
        state = app.state.kefu
        state.queue_watch = QueueWatch(state.deps, state.waits)
        watcher = asyncio.create_task(state.queue_watch.run())
        sweeper = (
            asyncio.create_task(
                sweep_forever(
                    app.state.kefu.deps,
                    settings.sweep_seconds,
                    auto_assign=settings.routing_auto_assign,
                )
            )
            if settings.sweep_seconds > 0
            else None
        )
        router = (
            asyncio.create_task(route_on_events(app.state.kefu.deps))
            if settings.routing_auto_assign
            else None
        )
        try:
            yield
        finally:
            for task in (sweeper, router, watcher):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            await app.state.kefu.deps.pipeline.drain()
            await app.state.kefu.deps.close()
            await app.state.kefu.limiter.close()
            await event_bus.close()
            await engine.dispose()

    app = FastAPI(
        title="kefu",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    problems.install(app)
    for module in (tickets, ticket_actions, customers, staff, auth, health, pages, chat, safety):
        app.include_router(module.router)
    app.include_router(chat_pages.router)
    app.include_router(official.router)
    app.include_router(verify_page.router)
    app.include_router(ticket_actions.attachments)
    app.include_router(routing.router)
    app.include_router(intents.router)
    app.include_router(wfm.router)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


def tune_gc() -> None:
    """Keep full garbage collections out of the request path.

    A process holding thousands of chat connections keeps hundreds of thousands of live objects;
    with CPython's default thresholds a full collection (100+ ms) lands every few seconds under
    load and sets the tail latency. Start-up objects are frozen (never scanned again) and the
    youngest generation is collected less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def app_factory() -> FastAPI:
    """For `uvicorn --factory kefu.web.app:app_factory` (each worker builds its own app)."""
    from kefu.logs import configure

    settings = Settings()
    configure(settings.log_level, settings.log_json)
    app = create_app(settings)
    tune_gc()
    return app
