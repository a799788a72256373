"""Property-based API tests generated from the app's own OpenAPI schema, run in process.

Every operation is called with an admin API token and with a customer token; responses must
never be server errors and must match the documented status codes, content types and schemas.
SQLite only, and a bounded number of examples, to keep this well under two minutes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kefu.web.app import create_app
from tests import support

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _in_thread(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine on a loop of its own (the test's loop is not running in a sync test)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, make()).result()


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[FastAPI, dict[str, Any]]]:
    """The app under test on a seeded SQLite database, and the desk's tokens and ids."""
    root = tmp_path_factory.mktemp("schemathesis")
    url = support.fresh_sqlite(sqlite_template, root)
    app_settings = support.settings_for(url, root / "data", "sqlite")

    async def seed() -> dict[str, Any]:
        engine, deps, bus = support.deps_for(app_settings)
        try:
            desk = await support.seed_desk(deps, bus)
        finally:
            await engine.dispose()
        return {"tokens": dict(desk.tokens), "agent_ids": dict(desk.agent_ids)}

    seeded = _in_thread(seed)
    yield create_app(app_settings), seeded
    from schemathesis.python import asgi

    asgi.shutdown_lifespans()  # dispose of the app's engine now, not at interpreter exit


# The schema is the app's own, taken without starting it (no database needed at import).
_SCHEMA_APP = create_app(support.settings_for("sqlite:///unused.db", Path("unused"), "sqlite"))
schema = schemathesis.openapi.from_dict(_SCHEMA_APP.openapi())


def _keep_admin_usable(case: Any, seeded: dict[str, Any]) -> None:
    """Generated ids may hit the admin's own token or agent; revoking or demoting them would
    turn every later call into a 401 and hide the rest of the API from the run."""
    admin_id = seeded["agent_ids"]["admin"]
    params = case.path_parameters or {}
    if case.method == "DELETE" and params.get("token_id") in (1, 2, 3, 4):
        params["token_id"] = 1000 + params["token_id"]
    if case.method == "PATCH" and params.get("agent_id") == admin_id:
        params["agent_id"] = seeded["agent_ids"]["agent2"]


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, api: tuple[FastAPI, dict[str, Any]]) -> None:
    app, seeded = api
    _keep_admin_usable(case, seeded)
    admin = {"Authorization": f"Bearer {seeded['tokens']['admin']}"}
    customer = {"Authorization": f"Bearer {support.customer_token_for('U-schemathesis')}"}
    for headers in (admin, customer):
        case.call_and_validate(headers=headers, checks=CHECKS, app=app)
