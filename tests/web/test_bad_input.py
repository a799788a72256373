"""Bad input gets a clear 4xx problem, never a 500; plus health, readiness, metrics, request ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.web.app import create_app
from tests import support
from tests.support import Desk, create_ticket
from tests.web.helpers import PROBLEM, assert_problem

HUGE = 10**30
BEYOND_BIGINT = 2**63


def assert_clean_4xx(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["detail"]


# -- unknown fields, malformed JSON, wrong types ----------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"subject": "s", "message": {"body": "b"}, "customer_id": 1, "sneaky": 1}, "sneaky"),
        ({"subject": "s", "message": {"body": "b", "is_admin": True}, "customer_id": 1},
         "message.is_admin"),
        ({"subject": "s", "message": {"body": "b"}, "customer": {"uid": "U", "role": "x"}},
         "customer.role"),
    ],
)  # fmt: skip
async def test_unknown_fields_are_422(
    client: httpx.AsyncClient, desk: Desk, body: dict[str, Any], where: str
) -> None:
    response = await client.post("/api/v1/tickets", json=body, headers=desk.auth("agent"))
    problem = assert_problem(response, 422, where)
    assert "extra inputs are not permitted" in problem["detail"].lower()
    assert problem["errors"][0]["type"] == "extra_forbidden"


async def test_validation_detail_names_each_problem(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    response = await client.post(
        f"/api/v1/tickets/{number}/notes", json={"text": "x"}, headers=desk.auth("agent")
    )
    problem = assert_problem(response, 422)
    assert problem["detail"] == ("body: Field required; text: Extra inputs are not permitted"), (
        problem
    )  # the field called "body" is named, not dropped as the location
    query = await client.get("/api/v1/tickets?limit=0", headers=desk.auth("agent"))
    assert assert_problem(query, 422)["detail"].startswith("query.limit: ")


async def test_unknown_fields_everywhere(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk))["ticket"]["number"]
    admin = desk.auth("admin")
    for method, path in [
        ("POST", f"/api/v1/tickets/{number}/messages"),
        ("POST", f"/api/v1/tickets/{number}/notes"),
        ("POST", f"/api/v1/tickets/{number}/status"),
        ("POST", f"/api/v1/tickets/{number}/assign"),
        ("POST", f"/api/v1/tickets/{number}/escalate"),
        ("POST", f"/api/v1/tickets/{number}/merge"),
        ("POST", f"/api/v1/tickets/{number}/tags"),
        ("PATCH", f"/api/v1/tickets/{number}"),
        ("POST", "/api/v1/customers"),
        ("PATCH", "/api/v1/customers/1"),
        ("POST", "/api/v1/agents"),
        ("PATCH", f"/api/v1/agents/{desk.agent_ids['agent']}"),
        ("POST", "/api/v1/teams"),
        ("POST", "/api/v1/auth/login"),
    ]:
        response = await client.request(method, path, json={"zzz_unknown": 1}, headers=admin)
        assert_problem(response, 422, "zzz_unknown")


@pytest.mark.parametrize(
    "content",
    [b"{", b'{"subject": "x",}', b"not json", b"\xff\xfe", b"[]", b'"text"', b"null", b"42", b""],
)
async def test_malformed_json_is_4xx(client: httpx.AsyncClient, desk: Desk, content: bytes) -> None:
    headers = {**desk.auth("agent"), "Content-Type": "application/json"}
    response = await client.post("/api/v1/tickets", content=content, headers=headers)
    assert_clean_4xx(response)


async def test_wrong_content_type_is_4xx(client: httpx.AsyncClient, desk: Desk) -> None:
    headers = {**desk.auth("agent"), "Content-Type": "text/plain"}
    response = await client.post(
        "/api/v1/tickets", content=b'{"subject": "x", "message": {"body": "y"}}', headers=headers
    )
    assert_clean_4xx(response)


@pytest.mark.parametrize(
    "patch",
    [
        {"subject": 123},
        {"subject": ["x"]},
        {"priority": "meh"},
        {"customer_id": "abc"},
        {"customer_id": 0},
        {"customer_id": -5},
        {"customer_id": 1.5},
        {"tags": "vip"},
        {"tags": [1, 2]},
        {"message": "just a string"},
        {"message": {"body": {"nested": True}}},
        {"channel": "carrier-pigeon"},
        {"team_id": "one"},
    ],
)
async def test_wrong_types_are_422(
    client: httpx.AsyncClient, desk: Desk, patch: dict[str, Any]
) -> None:
    body = {"subject": "s", "message": {"body": "b"}, "customer": {"uid": "U1"}} | patch
    response = await client.post("/api/v1/tickets", json=body, headers=desk.auth("agent"))
    assert_problem(response, 422)


async def test_huge_strings_are_422(client: httpx.AsyncClient, desk: Desk) -> None:
    agent = desk.auth("agent")
    number = (await create_ticket(client, desk))["ticket"]["number"]
    cases = [
        ("POST", "/api/v1/tickets", {"subject": "x" * 301, "message": {"body": "b"}}),
        ("POST", f"/api/v1/tickets/{number}/messages", {"body": "x" * 20_001}),
        ("POST", f"/api/v1/tickets/{number}/messages", {"body": "b", "html": "<p>" * 40_000}),
        ("POST", f"/api/v1/tickets/{number}/notes", {"body": "x" * 1_000_000}),
        ("POST", f"/api/v1/tickets/{number}/escalate", {"reason": "x" * 2001}),
        ("POST", f"/api/v1/tickets/{number}/tags", {"add": ["x" * 65]}),
        ("POST", "/api/v1/customers", {"uid": "u" * 129}),
        ("POST", "/api/v1/customers", {"flags": ["f"] * 51}),
    ]
    for method, path, body in cases:
        response = await client.request(method, path, json=body, headers=agent)
        assert_problem(response, 422)
    long_query = await client.get("/api/v1/tickets?q=" + "x" * 201, headers=agent)
    assert_problem(long_query, 422)


async def test_huge_numbers_never_reach_the_database(client: httpx.AsyncClient, desk: Desk) -> None:
    """Ids beyond 64 bits used to overflow the database driver (a 500)."""
    admin = desk.auth("admin")
    number = (await create_ticket(client, desk))["ticket"]["number"]
    for n in (BEYOND_BIGINT, HUGE):
        for path in (
            f"/api/v1/customers/{n}",
            f"/api/v1/agents/{n}",
            f"/api/v1/agents/{n}/tokens",
            f"/api/v1/teams/{n}",
            f"/api/v1/attachments/{n}",
            f"/api/v1/tickets?assignee_id={n}",
            f"/api/v1/tickets?team_id={n}",
            f"/api/v1/tickets?customer_id={n}",
            f"/api/v1/tickets/{n}",
        ):
            assert_clean_4xx(await client.get(path, headers=admin))
        assert_clean_4xx(await client.delete(f"/api/v1/tokens/{n}", headers=admin))
        for method, path, body in [
            ("POST", "/api/v1/tickets", {"subject": "s", "message": {"body": "b"},
                                         "customer_id": n}),
            ("POST", "/api/v1/tickets", {"subject": "s", "message": {"body": "b"}, "team_id": n,
                                         "customer": {"uid": "U1"}}),
            ("POST", f"/api/v1/tickets/{number}/assign", {"assignee_id": n}),
            ("POST", f"/api/v1/tickets/{number}/assign", {"team_id": n}),
            ("PUT", f"/api/v1/teams/{desk.team_id}/members", {"agent_ids": [n]}),
            ("PATCH", "/api/v1/customers/1", {"account_manager_id": n}),
            ("PATCH", f"/api/v1/customers/{n}", {"name": "x"}),
            ("POST", f"/api/v1/customers/{n}/identities", {"kind": "email", "value": "a@b.co"}),
        ]:  # fmt: skip
            assert_clean_4xx(await client.request(method, path, json=body, headers=admin))
    # Still fine at the top of the range.
    top = BEYOND_BIGINT - 1
    assert_problem(await client.get(f"/api/v1/customers/{top}", headers=admin), 404)


async def test_nul_characters_and_odd_text(client: httpx.AsyncClient, desk: Desk) -> None:
    """PostgreSQL refuses NUL in text; a NUL in input is a 422 there and everywhere else."""
    agent = desk.auth("agent")
    number = (await create_ticket(client, desk))["ticket"]["number"]
    for method, path, body in [
        ("POST", "/api/v1/tickets", {"subject": "a\x00b", "message": {"body": "b"},
                                     "customer": {"uid": "U1"}}),
        ("POST", "/api/v1/tickets", {"subject": "s", "message": {"body": "b"},
                                     "customer": {"uid": "U\x00"}}),
        ("POST", f"/api/v1/tickets/{number}/messages", {"body": "\x00"}),
        ("POST", f"/api/v1/tickets/{number}/notes", {"body": "x\x00"}),
        ("PATCH", f"/api/v1/tickets/{number}", {"intent": "\x00"}),
        ("POST", "/api/v1/customers", {"name": "\x00"}),
        ("POST", "/api/v1/customers", {"flags": ["\x00"]}),
    ]:  # fmt: skip
        response = await client.request(method, path, json=body, headers=agent)
        assert_problem(response, 422, "NUL")
    for query in ("q=%00", "language=%00", "tag=%00"):
        response = await client.get(f"/api/v1/tickets?{query}", headers=agent)
        assert_problem(response, 422, "NUL")
    assert_problem(await client.get("/api/v1/customers?q=%00", headers=agent), 422, "NUL")
    # Lone surrogates (valid JSON escapes, but not Unicode text) are refused too.
    raw = b'{"subject": "\\ud800", "message": {"body": "b"}, "customer": {"uid": "U1"}}'
    response = await client.post(
        "/api/v1/tickets", content=raw, headers={**agent, "Content-Type": "application/json"}
    )
    assert_problem(response, 422, "subject")
    # Other unusual text is kept as it is.
    odd = "Ünïcödé ✓ 提款 🚀 \u200b RTL \u202e"
    created = await create_ticket(client, desk, subject=odd, text=odd)
    assert created["ticket"]["subject"] == odd
    assert created["message"]["body"] == odd


async def test_customer_fields_cannot_be_nulled(client: httpx.AsyncClient, desk: Desk) -> None:
    customer_id = (await create_ticket(client, desk))["ticket"]["customer_id"]
    for field in ("name", "tier", "kyc_level", "flags"):
        response = await client.patch(
            f"/api/v1/customers/{customer_id}", json={field: None}, headers=desk.auth("agent")
        )
        assert_problem(response, 422, field)
    # Nullable ones can be cleared.
    for field in ("uid", "language", "region", "account_manager_id"):
        response = await client.patch(
            f"/api/v1/customers/{customer_id}", json={field: None}, headers=desk.auth("agent")
        )
        assert response.status_code == 200, response.text
        assert response.json()[field] is None


@pytest.mark.parametrize(
    "number",
    ["KF-0", "abc", "KF-999999", "999999999999999999", "9" * 40, "KF-1.0", "-1", "%00", "KF%2D1x",
     "KF-٤٢"],
)  # fmt: skip
async def test_invalid_ticket_numbers_are_404(
    client: httpx.AsyncClient, desk: Desk, number: str
) -> None:
    for path in ("", "/messages", "/transcript", "/audit"):
        response = await client.get(f"/api/v1/tickets/{number}{path}", headers=desk.auth("admin"))
        assert_problem(response, 404)
    response = await client.post(
        f"/api/v1/tickets/{number}/messages", json={"body": "x"}, headers=desk.auth("admin")
    )
    assert_problem(response, 404)


async def test_wrong_method_and_unknown_path(client: httpx.AsyncClient, desk: Desk) -> None:
    assert_problem(await client.delete("/api/v1/tickets", headers=desk.auth("admin")), 405)
    assert_problem(await client.get("/api/v1/nothing-here", headers=desk.auth("admin")), 404)


# -- body size ---------------------------------------------------------------------------


@pytest.fixture
async def small_app(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Desk]]:
    small = settings.model_copy(update={"max_body_bytes": 2048})
    bus = RecordingBus()
    app = create_app(small, bus=bus)
    async with app.router.lifespan_context(app):
        desk = await support.seed_desk(app.state.kefu.deps, bus)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kefu.test") as client:
            yield client, desk


async def test_oversized_body_is_413(small_app: tuple[httpx.AsyncClient, Desk]) -> None:
    client, desk = small_app
    body = {"subject": "s", "message": {"body": "x" * 3000}, "customer": {"uid": "U1"}}
    response = await client.post("/api/v1/tickets", json=body, headers=desk.auth("agent"))
    problem = assert_problem(response, 413, "2048 bytes")
    assert problem["title"] == "Request body too large"
    assert response.headers["x-request-id"]
    # Just under the limit is fine.
    fits = {**body, "message": {"body": "x" * 1500}}
    assert (
        await client.post("/api/v1/tickets", json=fits, headers=desk.auth("agent"))
    ).status_code == 201


async def test_oversized_streamed_body_is_413(small_app: tuple[httpx.AsyncClient, Desk]) -> None:
    """Without Content-Length the body is counted as it arrives."""
    client, desk = small_app

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"subject": "s", "customer": {"uid": "U1"}, "message": {"body": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}}'

    headers = {**desk.auth("agent"), "Content-Type": "application/json"}
    response = await client.post("/api/v1/tickets", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    problem = assert_problem(response, 413, "2048 bytes")
    assert problem["title"] == "Request body too large"
    listed = await client.get("/api/v1/tickets", headers=desk.auth("agent"))
    assert listed.json()["items"] == []


# -- health, readiness, metrics, request ids ---------------------------------------------


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert ready.json()["database"] in ("sqlite", "postgresql")
    assert ready.json()["revision"]


async def test_metrics(client: httpx.AsyncClient, desk: Desk) -> None:
    await create_ticket(client, desk)
    await client.get("/api/v1/tickets", headers=desk.auth("agent"))
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "kefu_http_request_duration_seconds_bucket" in text
    assert 'route="/api/v1/tickets"' in text
    assert 'kefu_tickets{status="new"} 1.0' in text
    assert 'kefu_tickets{status="closed"} 0.0' in text


async def test_request_id_is_echoed(client: httpx.AsyncClient, desk: Desk) -> None:
    mine = await client.get("/healthz", headers={"X-Request-ID": "req-abc.123_x"})
    assert mine.headers["x-request-id"] == "req-abc.123_x"
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    for bad in ("has spaces", "x" * 65, "<script>"):
        response = await client.get("/healthz", headers={"X-Request-ID": bad})
        assert response.headers["x-request-id"] != bad
    # The request id lands in the audit trail of what the request changed.
    created = await client.post(
        "/api/v1/tickets",
        json={"subject": "s", "message": {"body": "b"}, "customer": {"uid": "U1"}},
        headers={**desk.auth("agent"), "X-Request-ID": "trace-777"},
    )
    assert created.headers["x-request-id"] == "trace-777"
    audit = await client.get(
        f"/api/v1/tickets/{created.json()['ticket']['number']}/audit",
        headers=desk.auth("admin"),
    )
    assert audit.json()[0]["request_id"] == "trace-777"
    problem = await client.get("/api/v1/tickets", headers={"X-Request-ID": "err-1"})
    assert problem.status_code == 401
    assert problem.headers["x-request-id"] == "err-1"


async def test_text_that_grows_when_lowercased(client: httpx.AsyncClient, desk: Desk) -> None:
    """ "İ".lower() is two characters: a value within the limit can exceed its column after."""
    admin = desk.auth("admin")
    team = await client.post("/api/v1/teams", json={"slug": "İ" * 64, "name": "x"}, headers=admin)
    assert_clean_4xx(team)
    agent = await client.post(
        "/api/v1/agents", json={"email": "İ" * 200 + "@ex.io", "name": "x"}, headers=admin
    )
    assert_clean_4xx(agent)
    ident = await client.post(
        "/api/v1/customers", json={"identities": [{"kind": "email", "value": "İ" * 200 + "@e.io"}]},
        headers=admin,
    )  # fmt: skip
    assert_clean_4xx(ident)
