"""The intent taxonomy over the API, and agents correcting a ticket's intent."""

from __future__ import annotations

from typing import get_args

import httpx

from kefu.domain.intents import INTENTS
from kefu.web.routes.intents import IntentName
from tests.support import Desk, create_ticket
from tests.web.helpers import assert_problem, ticket_audit


def test_the_api_accepts_exactly_the_taxonomy() -> None:
    assert get_args(IntentName) == INTENTS


async def test_list_intents_with_their_skills(client: httpx.AsyncClient, desk: Desk) -> None:
    response = await client.get("/api/v1/intents", headers=desk.auth("agent"))
    assert response.status_code == 200
    rows = response.json()
    assert [r["intent"] for r in rows] == list(INTENTS)
    assert {"intent": "withdrawal_issue", "skill": "withdrawals"} in rows


async def test_an_agent_corrects_the_intent(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, intent="kyc"))["ticket"]["number"]
    response = await client.post(
        f"/api/v1/tickets/{number}/intent",
        json={"intent": "withdrawal_issue"},
        headers=desk.auth("agent"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["intent"] == "withdrawal_issue"
    (entry,) = [a for a in await ticket_audit(client, desk, number) if "intent" in a["action"]]
    assert entry["action"] == "ticket.intent_correct"
    assert entry["before"]["intent"] == "kyc"
    assert entry["after"]["intent"] == "withdrawal_issue"


async def test_bad_corrections_are_refused(client: httpx.AsyncClient, desk: Desk) -> None:
    number = (await create_ticket(client, desk, uid="U9"))["ticket"]["number"]
    url = f"/api/v1/tickets/{number}/intent"
    agent = desk.auth("agent")
    assert_problem(await client.post(url, json={"intent": "kyc"}, headers=agent), 422)
    assert_problem(await client.post(url, json={"intent": "other", "x": 1}, headers=agent), 422)
    wrong_message = {"intent": "other", "message_id": 999_999}
    assert_problem(
        await client.post(url, json=wrong_message, headers=agent), 422, "not a customer message"
    )
    customer = desk.auth("customer:U9")
    assert_problem(await client.post(url, json={"intent": "other"}, headers=customer), 403)
    missing = "/api/v1/tickets/KF-999999/intent"
    assert_problem(await client.post(missing, json={"intent": "other"}, headers=agent), 404)
