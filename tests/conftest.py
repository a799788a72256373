"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is `KEFU_TEST_DATABASE_URL` (default postgresql://127.0.0.1:5432/test), in a schema of
its own. Where it is unreachable its tests are skipped, except with CI=true, where that fails.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from kefu.actions.unit_of_work import ActionDeps
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.web.app import create_app
from tests import support

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    await support.make_sqlite_template(path)
    return path


@pytest.fixture(scope="session")
async def pg_ready() -> AsyncIterator[bool]:
    why = await support.pg_reachable()
    if why is not None:
        if support.in_ci():
            pytest.fail(f"PostgreSQL unreachable in CI at {support.PG_URL}: {why}")
        yield False
        return
    await support.prepare_pg_schema()
    yield True
    await support.drop_pg_schema()


@pytest.fixture(params=BACKENDS)
async def settings(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_ready: bool
) -> Settings:
    backend: str = request.param
    if backend == "postgresql":
        if not pg_ready:
            pytest.skip("PostgreSQL unreachable")
        url = support.PG_URL
    else:
        url = support.fresh_sqlite(sqlite_template, tmp_path)
    s = support.settings_for(url, tmp_path / "data", backend)
    if backend == "postgresql":
        engine, _, _ = support.deps_for(s)
        await support.truncate_pg(engine)
        await engine.dispose()
    return s


@pytest.fixture
async def deps(settings: Settings) -> AsyncIterator[tuple[ActionDeps, RecordingBus]]:
    engine, action_deps, bus = support.deps_for(settings)
    yield action_deps, bus
    await action_deps.pipeline.drain()  # enrichment the test started, before the pool closes
    await action_deps.close()
    await engine.dispose()


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, support.Desk]]:
    bus = RecordingBus()
    app = create_app(settings, bus=bus)
    async with app.router.lifespan_context(app):
        state = app.state.kefu
        desk = await support.seed_desk(state.deps, bus)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kefu.test") as client:
            yield client, desk


@pytest.fixture
async def client(app_client: tuple[httpx.AsyncClient, support.Desk]) -> httpx.AsyncClient:
    return app_client[0]


@pytest.fixture
async def desk(app_client: tuple[httpx.AsyncClient, support.Desk]) -> support.Desk:
    return app_client[1]


@pytest.fixture(scope="session")
def intent_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kefu's intent model trained once on the shipped examples (whose vectors ship too), with
    the second encoder offered as a service offers it by default."""
    from kefu.triage.embedding import ENGLISH_EMBEDDER, get_embedder
    from kefu.triage.intents.model import save_model, train_model
    from kefu.triage.intents.service import offered_second

    path = tmp_path_factory.mktemp("intents") / "intents.model"
    save_model(train_model(get_embedder(), second=offered_second(ENGLISH_EMBEDDER)), path)
    return path
