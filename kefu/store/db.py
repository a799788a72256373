"""Engines and sessions: one async engine per process, built from settings, never at import."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from kefu.store.write_gate import SqliteWriteGate, WriteGate

# Execution option that marks a connection whose transaction will write. On SQLite such a
# transaction starts with BEGIN IMMEDIATE so two processes queue on the write lock (honouring
# busy_timeout) instead of failing with "database is locked" when a read lock cannot be upgraded.
WRITE_OPTION = "kefu_write"
# Key of the engine's write gate in each session's `info`.
GATE_KEY = "kefu_write_gate"

_gates: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def async_url(url: str) -> URL:
    """Accept plain `sqlite:///PATH` and `postgresql://…` URLs and pick the async driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://…")


def _sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(
    url: str, pool_size: int = 10, schema: str | None = None, **kwargs: Any
) -> AsyncEngine:
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        database = target.database or ""
        engine = create_async_engine(target, pool_size=pool_size, max_overflow=pool_size, **kwargs)
        _sqlite_hooks(engine)
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            _gates[engine.sync_engine] = SqliteWriteGate(Path(database))
        return engine
    if schema:
        if not schema.replace("_", "").isalnum():
            raise ValueError(f"invalid schema name {schema!r}")
        kwargs.setdefault("connect_args", {})["server_settings"] = {"search_path": schema}
    return create_async_engine(target, pool_size=pool_size, max_overflow=pool_size, **kwargs)


def write_gate(engine: AsyncEngine) -> WriteGate:
    """The gate this engine's write transactions pass through (see write_gate.py)."""
    return _gates.get(engine.sync_engine) or WriteGate()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, info={GATE_KEY: write_gate(engine)}
    )


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
