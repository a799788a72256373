"""The chat's pages over HTTP (no browser): widget script, agent page, the development demo."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from kefu.domain import customer_token
from kefu.settings import DEV_CUSTOMER_SECRET, Settings
from kefu.web.app import create_app
from tests import support


@pytest.fixture
async def dev_client(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        env="development",
        database_url=support.fresh_sqlite(sqlite_template, tmp_path),
        data_dir=tmp_path / "data",
        log_json=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kefu.test") as client:
            yield client


async def test_widget_script_and_agent_page_are_served(client: httpx.AsyncClient) -> None:
    widget = await client.get("/widget.js")
    assert widget.status_code == 200
    assert widget.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in widget.text
    assert widget.text.count("innerHTML") == 1  # the constant skeleton; user text: textContent
    agent = await client.get("/agent")
    assert agent.status_code == 200
    assert "default-src 'self'" in agent.headers["content-security-policy"]
    assert '<script src="/static/agent.js"' in agent.text
    for asset in ("/static/agent.js", "/static/agent.css"):
        assert (await client.get(asset)).status_code == 200, asset


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/..%2Fapp.py", "/static/a.py"])
async def test_unknown_assets_are_problems(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_chat_demo_exists_only_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/demo/chat")  # the test app runs with KEFU_ENV=test
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "development" in response.json()["detail"]


async def test_chat_demo_signs_a_customer_token(dev_client: httpx.AsyncClient) -> None:
    response = await dev_client.get("/demo/chat", params={"uid": "vip-42"})
    assert response.status_code == 200
    found = re.search(r'data-kefu-token="([^"]+)"', response.text)
    assert found is not None
    claim = customer_token.verify(found.group(1), DEV_CUSTOMER_SECRET, int(time.time()))
    assert claim.uid == "vip-42"
    assert 3500 < claim.expires_at - time.time() <= 3600
    assert "/demo/chat?visitor=1" in response.text

    default = await dev_client.get("/demo/chat")
    assert "demo-customer-1" in default.text

    visitor = await dev_client.get("/demo/chat", params={"visitor": "1"})
    assert "data-kefu-token" not in visitor.text
    assert '<script src="/widget.js" async></script>' in visitor.text


async def test_chat_demo_escapes_the_uid(dev_client: httpx.AsyncClient) -> None:
    response = await dev_client.get("/demo/chat", params={"uid": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert (await dev_client.get("/demo/chat", params={"uid": "x" * 129})).status_code == 422
    assert (await dev_client.get("/demo/chat", params={"uid": " "})).status_code == 422
