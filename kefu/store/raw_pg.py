"""A small asyncpg pool beside the engine's, for the one write that must cost next to nothing.

A plain live-chat message is kefu's hottest write (a market crash brings hundreds a second to
each app process). Through the ORM session it pays for the unit of work's bookkeeping, the
async adapter's greenlet hops and a pool checkout on every message; straight on an asyncpg
connection the same two statements cost a fraction of that. Everything else keeps using the
engine (kefu/store/db.py).

The pool is opened on first use, so processes that never write a chat message (CLI commands,
workers, most tests) never connect it; `close` is safe whether or not it was opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import make_url

MIN_SIZE = 1


def postgres_dsn(url: str) -> str | None:
    """The asyncpg DSN of a PostgreSQL database URL; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def _keep_session(connection: Any) -> None:
    """What a connection needs when it goes back to the pool: nothing. Its users run single
    statements (each its own transaction) and change no session state (no SET, LISTEN,
    advisory locks or cursors), so asyncpg's default reset (a round trip of `RESET ALL`,
    `UNLISTEN *`…) would buy nothing on every message."""


class RawPostgres:
    """Connections for hand-written statements, in the same database and schema as the engine."""

    def __init__(self, dsn: str, *, schema: str | None = None, size: int = 10) -> None:
        self.dsn = dsn
        self.schema = schema
        self.size = max(MIN_SIZE, size)
        self._pool: Any = None  # asyncpg.Pool, once opened
        self._opening = asyncio.Lock()
        self._closed = False

    async def _opened(self) -> Any:
        if self._pool is not None:
            return self._pool
        async with self._opening:
            if self._closed:
                raise RuntimeError("the raw PostgreSQL pool is closed")
            if self._pool is None:
                import asyncpg

                settings = {"search_path": self.schema} if self.schema else None
                self._pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=MIN_SIZE,
                    max_size=self.size,
                    server_settings=settings,
                    reset=_keep_session,
                )
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """An asyncpg connection, with no transaction open: each statement is its own."""
        pool = await self._opened()
        async with pool.acquire() as connection:
            yield connection

    async def close(self) -> None:
        self._closed = True
        async with self._opening:
            pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
