"""REST: unmerge, incidents, restrictions and message marks, with their permissions."""

from __future__ import annotations

from datetime import timedelta

import httpx

from kefu.actions.incidents import do_place_ticket
from kefu.actions.restrictions import do_record_violation
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.permissions import SYSTEM
from kefu.domain.ticket_number import parse_number
from kefu.store.models import utcnow
from kefu.store.repositories import tickets as repo
from kefu.triage.incidents import Placement
from tests.support import Desk, create_ticket


async def test_merge_then_unmerge(client: httpx.AsyncClient, desk: Desk) -> None:
    src = (await create_ticket(client, desk, uid="U1", text="first try", tags=["btc"]))["ticket"]
    dst = (await create_ticket(client, desk, uid="U1", text="second try", tags=["vip"]))["ticket"]
    auth = desk.auth("agent")
    merged = await client.post(
        f"/api/v1/tickets/{src['number']}/merge", json={"into": dst["number"]}, headers=auth
    )
    assert merged.status_code == 200
    assert sorted(merged.json()["tags"]) == ["btc", "vip"]
    # Customers cannot unmerge (they lack the merge permission).
    refused = await client.post(
        f"/api/v1/tickets/{src['number']}/unmerge", headers=desk.auth("customer:U1")
    )
    assert refused.status_code == 403
    response = await client.post(f"/api/v1/tickets/{src['number']}/unmerge", headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "open"
    assert response.json()["merged_into"] is None
    target = (await client.get(f"/api/v1/tickets/{dst['number']}", headers=auth)).json()
    assert target["tags"] == ["vip"]  # the tag the merge brought is gone again
    bodies = [
        m["body"]
        for m in (
            await client.get(f"/api/v1/tickets/{dst['number']}/messages", headers=auth)
        ).json()
        if not m["internal"]
    ]
    assert bodies == ["second try"]
    again = await client.post(f"/api/v1/tickets/{src['number']}/unmerge", headers=auth)
    assert again.status_code == 422
    audit = (
        await client.get(f"/api/v1/tickets/{src['number']}/audit", headers=desk.auth("supervisor"))
    ).json()
    assert "ticket.unmerge" in [a["action"] for a in audit]


async def test_incidents_api(client: httpx.AsyncClient, desk: Desk) -> None:
    numbers = [
        (await create_ticket(client, desk, uid=f"E{i}", text="ETH withdrawals delayed"))["ticket"][
            "number"
        ]
        for i in range(4)
    ]
    ids = [parse_number(n) for n in numbers]
    async with UnitOfWork(desk.deps, SYSTEM) as uow:
        incident = await do_place_ticket(
            uow, Placement(None, tuple((t, 0.95) for t in ids[:3]), "ETH withdrawals delayed")
        )
    base = f"/api/v1/incidents/{incident.id}"
    listed = await client.get("/api/v1/incidents?status=open", headers=desk.auth("agent"))
    assert listed.status_code == 200
    assert [(i["title"], i["count"]) for i in listed.json()] == [("ETH withdrawals delayed", 3)]
    assert (
        await client.get("/api/v1/incidents", headers=desk.auth("customer:E0"))
    ).status_code == 404
    link = await client.post(
        f"{base}/tickets", json={"ticket": numbers[3]}, headers=desk.auth("agent")
    )
    assert link.json()["count"] == 4
    unlink = await client.delete(f"{base}/tickets/{numbers[0]}", headers=desk.auth("agent"))
    assert unlink.json()["count"] == 3
    assert numbers[0] not in unlink.json()["tickets"]
    missing = await client.delete(f"{base}/tickets/{numbers[0]}", headers=desk.auth("agent"))
    assert missing.status_code == 422
    note = {"note": "Node resynced; withdrawals flowing again"}
    assert (
        await client.post(f"{base}/resolve", json=note, headers=desk.auth("agent"))
    ).status_code == 403
    assert (
        await client.post(f"{base}/resolve", json={"note": ""}, headers=desk.auth("supervisor"))
    ).status_code == 422
    resolved = await client.post(f"{base}/resolve", json=note, headers=desk.auth("supervisor"))
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    messages = (
        await client.get(f"/api/v1/tickets/{numbers[3]}/messages", headers=desk.auth("agent"))
    ).json()
    assert any("Node resynced" in m["body"] and m["internal"] for m in messages)
    assert (
        await client.get("/api/v1/incidents/999", headers=desk.auth("agent"))
    ).status_code == 404
    desk_events = [e for e in desk.bus.published if e.type.startswith("incident.")]
    assert desk_events[-1].payload["incident"]["status"] == "resolved"


async def test_restrictions_api_and_restricted_replies(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    created = await create_ticket(client, desk, who="customer:R1", text="Deposit missing")
    number = created["ticket"]["number"]
    customer_id = created["ticket"]["customer_id"]
    start = utcnow() - timedelta(minutes=10)
    for step in range(4):
        at = start + timedelta(minutes=2 * step)
        async with UnitOfWork(desk.deps, SYSTEM, clock=lambda at=at: at) as uow:
            ticket = await repo.get_ticket(uow.session, parse_number(number), lock=True)
            await do_record_violation(uow, ticket, 0, "abuse")
    reply = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "why can't I write"},
        headers=desk.auth("customer:R1"),
    )
    assert reply.status_code == 201  # stored, and the customer is told why and until when
    assert reply.json()["restriction"]["outcome"] == "blocked"
    marks = await client.get(f"/api/v1/tickets/{number}/marks", headers=desk.auth("agent"))
    assert (reply.json()["id"], "blocked") in {(m["message_id"], m["kind"]) for m in marks.json()}
    assert (
        await client.get(f"/api/v1/tickets/{number}/marks", headers=desk.auth("customer:R1"))
    ).status_code == 404
    assert (await client.get("/api/v1/restrictions", headers=desk.auth("agent"))).status_code == 403
    listed = await client.get("/api/v1/restrictions", headers=desk.auth("supervisor"))
    assert [(r["customer_id"], r["level"], r["pending_review"]) for r in listed.json()] == [
        (customer_id, "blocked", True)
    ]
    one = await client.get(f"/api/v1/restrictions/{customer_id}", headers=desk.auth("supervisor"))
    assert one.json()["level"] == "blocked"
    lift = await client.post(
        f"/api/v1/restrictions/{customer_id}/lift",
        json={"note": "reviewed: customer apologised"},
        headers=desk.auth("supervisor"),
    )
    assert lift.status_code == 200
    assert lift.json()["level"] == "none"
    free = await client.post(
        f"/api/v1/tickets/{number}/messages",
        json={"body": "thanks"},
        headers=desk.auth("customer:R1"),
    )
    assert free.status_code == 201
    assert "restriction" not in free.json()
    assert (await client.get("/api/v1/restrictions", headers=desk.auth("supervisor"))).json() == []
    nobody = await client.post(
        "/api/v1/restrictions/999/lift", json={"note": "x"}, headers=desk.auth("supervisor")
    )
    assert nobody.status_code == 422
