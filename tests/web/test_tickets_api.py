from __future__ import annotations

import httpx

from tests.support import Desk, create_ticket


async def test_create_and_get_ticket(client: httpx.AsyncClient, desk: Desk) -> None:
    created = await create_ticket(client, desk)
    number = created["ticket"]["number"]
    assert number.startswith("KF-")
    assert len(number) == 9
    assert created["ticket"]["status"] == "new"
    assert created["message"]["direction"] == "inbound"
    got = await client.get(f"/api/v1/tickets/{number}", headers=desk.auth("agent"))
    assert got.status_code == 200
    assert got.json()["subject"] == "Withdrawal pending"
