"""Idempotency-Key on creating POSTs, and inbound messages deduplicated by external id."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson

from tests.support import Desk, create_ticket
from tests.web.helpers import assert_problem

BODY: dict[str, Any] = {
    "subject": "Card payment failed",
    "customer": {"uid": "U1"},
    "message": {"body": "Declined twice"},
}


async def _count_tickets(client: httpx.AsyncClient, desk: Desk) -> int:
    response = await client.get("/api/v1/tickets?limit=200", headers=desk.auth("admin"))
    return len(response.json()["items"])


async def test_retry_returns_the_same_ticket(client: httpx.AsyncClient, desk: Desk) -> None:
    headers = {**desk.auth("agent"), "Idempotency-Key": "order-42-complaint"}
    first = await client.post("/api/v1/tickets", json=BODY, headers=headers)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    events = len(desk.bus.published)
    second = await client.post("/api/v1/tickets", json=BODY, headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert await _count_tickets(client, desk) == 1
    assert len(desk.bus.published) == events  # a replay publishes nothing
    # The key belongs to its caller: another principal with the same key creates anew.
    same_key = {**desk.auth("agent2"), "Idempotency-Key": headers["Idempotency-Key"]}
    other = await client.post("/api/v1/tickets", json=BODY, headers=same_key)
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers
    assert other.json()["ticket"]["id"] != first.json()["ticket"]["id"]
    # Without a key, every POST creates.
    plain = await client.post("/api/v1/tickets", json=BODY, headers=desk.auth("agent"))
    assert plain.json()["ticket"]["id"] not in (
        first.json()["ticket"]["id"],
        other.json()["ticket"]["id"],
    )
    assert await _count_tickets(client, desk) == 3


async def test_key_reused_with_a_different_body_is_422(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    headers = {**desk.auth("agent"), "Idempotency-Key": "k1"}
    assert (await client.post("/api/v1/tickets", json=BODY, headers=headers)).status_code == 201
    changed = {**BODY, "subject": "Something else"}
    response = await client.post("/api/v1/tickets", json=changed, headers=headers)
    assert_problem(response, 422, "Idempotency-Key")
    # Same key on another endpoint is a different request too.
    number = (await client.get("/api/v1/tickets", headers=headers)).json()["items"][0]["number"]
    other_path = await client.post(
        f"/api/v1/tickets/{number}/messages", json={"body": "x"}, headers=headers
    )
    assert_problem(other_path, 422, "Idempotency-Key")
    assert await _count_tickets(client, desk) == 1


async def test_bad_keys(client: httpx.AsyncClient, desk: Desk) -> None:
    for key in ("   ", "k" * 201):
        response = await client.post(
            "/api/v1/tickets", json=BODY, headers={**desk.auth("agent"), "Idempotency-Key": key}
        )
        assert_problem(response, 422, "Idempotency-Key")
    assert await _count_tickets(client, desk) == 0


async def test_failed_request_does_not_burn_the_key(client: httpx.AsyncClient, desk: Desk) -> None:
    headers = {**desk.auth("agent"), "Idempotency-Key": "retry-after-fix"}
    bad = {**BODY, "team_id": 999999}
    assert_problem(await client.post("/api/v1/tickets", json=bad, headers=headers), 404)
    good = await client.post("/api/v1/tickets", json=bad | {"team_id": None}, headers=headers)
    # A different body under the same key: allowed, since nothing was stored for the failure.
    assert good.status_code == 201
    assert "idempotent-replayed" not in good.headers


async def test_concurrent_identical_requests_create_one_ticket(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    content = orjson.dumps(BODY)
    for who in ("agent", "customer:U5"):
        body = (
            content
            if who == "agent"
            else orjson.dumps({k: v for k, v in BODY.items() if k != "customer"})
        )
        headers = {
            **desk.auth(who),
            "Idempotency-Key": f"burst-{who}",
            "Content-Type": "application/json",
        }
        responses = await asyncio.gather(
            *(client.post("/api/v1/tickets", content=body, headers=headers) for _ in range(10))
        )
        assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
        assert len({r.json()["ticket"]["id"] for r in responses}) == 1
        assert len({r.json()["message"]["id"] for r in responses}) == 1
        assert sum("idempotent-replayed" not in r.headers for r in responses) == 1
    assert await _count_tickets(client, desk) == 2
    created = [e for e in desk.bus.published if e.type == "ticket.created"]
    assert len(created) == 2  # the losers' work was rolled back and never announced


async def test_customer_create_is_idempotent(client: httpx.AsyncClient, desk: Desk) -> None:
    headers = {**desk.auth("agent"), "Idempotency-Key": "new-customer-1"}
    body = {"uid": "UX", "name": "Xia", "identities": [{"kind": "email", "value": "X@EX.com"}]}
    first = await client.post("/api/v1/customers", json=body, headers=headers)
    second = await client.post("/api/v1/customers", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert first.json() == second.json()
    assert first.json()["identities"] == [{"kind": "email", "value": "x@ex.com", "verified": False}]
    # Without the key, the duplicate uid is a conflict.
    dup = await client.post("/api/v1/customers", json=body, headers=desk.auth("agent"))
    assert_problem(dup, 409, "already exists")


# -- inbound messages by external id -------------------------------------------------------


async def test_same_external_id_twice_is_one_message(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    msg = {
        "body": "sent from email",
        "direction": "inbound",
        "channel": "email",
        "external_id": "<abc@mail.example>",
    }
    first = await client.post(
        f"/api/v1/tickets/{number}/messages", json=msg, headers=desk.auth("agent")
    )
    assert first.status_code == 201
    assert first.json()["author_kind"] == "customer"
    second = await client.post(
        f"/api/v1/tickets/{number}/messages", json=msg, headers=desk.auth("agent")
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    messages = await client.get(f"/api/v1/tickets/{number}/messages", headers=desk.auth("agent"))
    assert [m["body"] for m in messages.json()].count("sent from email") == 1
    # The same external id on another channel is another message.
    other = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={**msg, "channel": "telegram"},
        headers=desk.auth("agent"),
    )
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]


async def test_concurrent_redeliveries_are_one_message(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    number = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    msg = {
        "body": "webhook retry",
        "direction": "inbound",
        "channel": "telegram",
        "external_id": "tg-1001",
    }
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v1/tickets/{number}/messages", json=msg, headers=desk.auth("agent"))
            for _ in range(10)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 9 + [201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    messages = await client.get(f"/api/v1/tickets/{number}/messages", headers=desk.auth("agent"))
    assert [m["body"] for m in messages.json()].count("webhook retry") == 1
    created = [e for e in desk.bus.published if e.type == "message.created"]
    assert sum(e.payload["message"]["body"] == "webhook retry" for e in created) == 1


async def test_external_id_of_another_ticket_is_not_returned(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    """A reused external id must never hand back (leak) a message of another ticket."""
    mine = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    theirs = (await create_ticket(client, desk, uid="U2"))["ticket"]["number"]
    secret = {"body": "my seed phrase is …", "channel": "web_chat", "external_id": "m-1"}
    stored = await client.post(
        f"/api/v1/tickets/{theirs}/messages", json=secret, headers=desk.auth("customer:U2")
    )
    assert stored.status_code == 201
    probe = {"body": "hi", "channel": "web_chat", "external_id": "m-1"}
    for who, number in (("customer:U1", mine), ("agent", mine)):
        response = await client.post(
            f"/api/v1/tickets/{number}/messages", json=probe, headers=desk.auth(who)
        )
        assert_problem(response, 409, "external_id")
        assert "seed phrase" not in response.text
    opened = await client.post(
        "/api/v1/tickets",
        json={
            "subject": "probe",
            "channel": "web_chat",
            "message": {"body": "hi", "external_id": "m-1"},
        },
        headers=desk.auth("customer:U1"),
    )
    assert_problem(opened, 409, "external_id")
    assert "seed phrase" not in opened.text
    listed = await client.get("/api/v1/tickets", headers=desk.auth("customer:U1"))
    assert [t["number"] for t in listed.json()["items"]] == [mine]


async def test_redelivery_after_a_merge_is_still_one_message(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    src = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    dst = (await create_ticket(client, desk, uid="U1"))["ticket"]["number"]
    msg = {"body": "from email", "direction": "inbound", "channel": "email", "external_id": "e-7"}
    agent = desk.auth("agent")
    first = await client.post(f"/api/v1/tickets/{src}/messages", json=msg, headers=agent)
    assert first.status_code == 201
    merged = await client.post(f"/api/v1/tickets/{src}/merge", json={"into": dst}, headers=agent)
    assert merged.status_code == 200
    for number in (src, dst):
        again = await client.post(f"/api/v1/tickets/{number}/messages", json=msg, headers=agent)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
