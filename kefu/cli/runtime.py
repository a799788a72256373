"""What every CLI command needs: settings, an engine, the dependencies of actions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.actions.unit_of_work import ActionDeps
from kefu.events.bus import InProcessBus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore


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


def deps_for(engine: AsyncEngine, settings: Settings) -> ActionDeps:
    return ActionDeps(
        make_sessionmaker(engine), InProcessBus(), FileStore(settings.attachments_dir)
    )


@asynccontextmanager
async def open_deps(settings: Settings) -> AsyncIterator[ActionDeps]:
    async with open_engine(settings) as engine:
        yield deps_for(engine, settings)
