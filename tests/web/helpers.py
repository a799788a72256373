"""Small helpers shared by the web tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import Desk

PROBLEM = "application/problem+json"


def assert_problem(
    response: httpx.Response, status: int, detail_contains: str = ""
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and a detail mentioning this)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert detail_contains.lower() in body["detail"].lower(), body
    return body


async def create_token(
    client: httpx.AsyncClient, desk: Desk, who: str, scopes: list[str] | None, by: str = "admin"
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": f"{who} scoped"}
    if scopes is not None:
        body["scopes"] = scopes
    response = await client.post(
        f"/api/v1/agents/{desk.agent_ids[who]}/tokens", json=body, headers=desk.auth(by)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def login(
    client: httpx.AsyncClient, desk: Desk, email: str, password: str = "correct horse battery"
) -> tuple[str, str, int]:
    """Create an agent with a password, log in; returns (cookie value, CSRF token, agent id).

    The client's cookie jar is emptied again so other requests stay unauthenticated."""
    created = await client.post(
        "/api/v1/agents",
        json={"email": email, "name": "Session Agent", "password": password},
        headers=desk.auth("admin"),
    )
    assert created.status_code == 201, created.text
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    cookie = response.cookies["kefu_session"]
    client.cookies.clear()
    return cookie, response.json()["csrf_token"], created.json()["id"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ticket_audit(client: httpx.AsyncClient, desk: Desk, number: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/tickets/{number}/audit", headers=desk.auth("supervisor"))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
