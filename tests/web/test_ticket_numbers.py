"""Ticket numbers stay unique when many tickets are opened at once."""

from __future__ import annotations

import asyncio
import re

import httpx

from kefu.domain.ticket_number import parse_number
from tests.support import Desk

N = 50


async def test_concurrent_creates_get_unique_numbers(client: httpx.AsyncClient, desk: Desk) -> None:
    async def open_one(i: int) -> httpx.Response:
        who = ("agent", "agent2", "supervisor", "customer:C1", "customer:C2")[i % 5]
        body: dict[str, object] = {"subject": f"Ticket {i}", "message": {"body": f"message {i}"}}
        if not who.startswith("customer:"):
            body["customer"] = {"uid": f"U{i % 7}"}
        return await client.post("/api/v1/tickets", json=body, headers=desk.auth(who))

    responses = await asyncio.gather(*(open_one(i) for i in range(N)))
    assert [r.status_code for r in responses] == [201] * N, [r.text for r in responses][:3]
    tickets = [r.json()["ticket"] for r in responses]
    numbers = [t["number"] for t in tickets]
    assert len(set(numbers)) == N
    assert all(re.fullmatch(r"KF-\d{6,}", n) for n in numbers)
    assert all(parse_number(t["number"]) == t["id"] for t in tickets)
    # Each response's message belongs to its own ticket.
    assert all(r.json()["message"]["ticket"] == r.json()["ticket"]["number"] for r in responses)
    # Every one of them is stored, under that number, with its own subject.
    listed = await client.get("/api/v1/tickets?limit=200", headers=desk.auth("admin"))
    stored = {t["number"]: t["subject"] for t in listed.json()["items"]}
    assert stored == {t["number"]: t["subject"] for t in tickets}
    # The burst created each customer once.
    customers = await client.get("/api/v1/customers?limit=200", headers=desk.auth("admin"))
    uids = sorted(c["uid"] for c in customers.json()["items"])
    assert uids == sorted({f"U{i}" for i in range(7)} | {"C1", "C2"})
    # And numbering carries on after the burst.
    after = await client.post(
        "/api/v1/tickets",
        json={"subject": "after", "message": {"body": "x"}, "customer": {"uid": "U1"}},
        headers=desk.auth("agent"),
    )
    assert after.json()["ticket"]["id"] > max(t["id"] for t in tickets)


async def test_concurrent_first_contact_by_email_or_phone_makes_one_customer(
    client: httpx.AsyncClient, desk: Desk
) -> None:
    refs = [{"email": "New.Person@Example.com"}, {"phone": "+44 20 7946 0958"}]
    responses = await asyncio.gather(
        *(
            client.post(
                "/api/v1/tickets",
                json={"subject": "hi", "message": {"body": "x"}, "customer": refs[i % 2]},
                headers=desk.auth("agent"),
            )
            for i in range(20)
        )
    )
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses][:3]
    by_ref: dict[int, set[int]] = {0: set(), 1: set()}
    for i, r in enumerate(responses):
        by_ref[i % 2].add(r.json()["ticket"]["customer_id"])
    assert len(by_ref[0]) == len(by_ref[1]) == 1
    assert by_ref[0] != by_ref[1]
    customers = await client.get("/api/v1/customers?limit=200", headers=desk.auth("admin"))
    identities = sorted(
        (i["kind"], i["value"]) for c in customers.json()["items"] for i in c["identities"]
    )
    assert identities == [("email", "new.person@example.com"), ("phone", "+442079460958")]
