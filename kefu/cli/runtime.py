"""What every CLI command needs: settings, an engine, the dependencies of actions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.actions.inbound import build_deps
from kefu.actions.unit_of_work import ActionDeps
from kefu.events.factory import create_bus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.migrate import upgrade


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.echo(f"invalid settings: {exc}", err=True)
        raise typer.Exit(2) from exc


def safe_url(settings: Settings) -> str:
    """The database URL without its password, for printing."""
    return make_url(settings.database_url).render_as_string(hide_password=True)


@asynccontextmanager
async def open_engine(settings: Settings, pool_size: int = 2) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings.database_url, pool_size, schema=settings.database_schema)
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_deps(settings: Settings, *, migrate: bool = False) -> AsyncIterator[ActionDeps]:
    """Dependencies for actions run from the command line. Their events go on the configured
    bus (Redis when KEFU_REDIS_URL is set), so running app processes see the changes live."""
    async with open_engine(settings) as engine:
        if migrate:
            await upgrade(engine)
        bus = create_bus(settings)
        # A command ends before background work would: inbound messages it stores stay
        # pending, and a server's sweep enriches them.
        deps = build_deps(
            settings,
            make_sessionmaker(engine),
            bus,
            FileStore(settings.attachments_dir),
            defer_enrichment=True,
        )
        try:
            yield deps
        finally:
            await deps.pipeline.drain()
            await deps.close()
            await bus.close()
