"""Alembic environment: migrations run on the async engine kefu uses everywhere.

`kefu.store.migrate` hands in a live (sync-facing) connection via `config.attributes`; the
`alembic` command line (with `-x url=…` or `sqlalchemy.url`) builds its own engine.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from kefu.store.db import make_engine
from kefu.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


shared = config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database URL: alembic -x url=sqlite:///var/kefu.db upgrade head")
    asyncio.run(_run_standalone(url))
