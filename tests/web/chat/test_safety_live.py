"""Live chat with the triage enricher on: a duplicate chat joins the open ticket and the
customer is told; a threatening customer is slowed down, told so with the ack, and nothing they
send is lost."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kefu.settings import Settings
from kefu.store.repositories import safety as safety_repo
from kefu.store.repositories import tickets as repo
from tests.support import create_ticket
from tests.web.chat.conftest import LiveServer, RecordingBus, is_event, serve


@pytest.fixture
async def triage_live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(settings.model_copy(update={"triage_safety": True}), RecordingBus()) as live:
        yield live


async def test_a_duplicate_chat_joins_the_open_ticket(triage_live: LiveServer) -> None:
    live = triage_live
    async with live.http() as http:
        email = await create_ticket(
            http,
            live.desk,
            who="customer:D1",
            subject="BTC withdrawal",
            text="My BTC withdrawal has been pending for 3 hours",
        )
    await live.app_state.deps.pipeline.drain()  # the open ticket is embedded
    customer = await live.customer("D1")
    await customer.send(
        {"type": "send", "cid": "c1", "body": "Where is my bitcoin withdrawal? Still not arrived"}
    )
    ack = await customer.expect({"type": "ack", "cid": "c1"})
    chat = ack["conversation"]
    await live.app_state.deps.pipeline.drain()
    notice = (await customer.until(is_event("notice", chat)))[-1]
    assert notice["event"]["into"] == email["ticket"]["number"]
    assert email["ticket"]["number"] in notice["event"]["text"]
    conv = await live.load(email["ticket"]["number"], customer=True)
    assert [m["body"] for m in conv["messages"]] == [
        "My BTC withdrawal has been pending for 3 hours",
        "Where is my bitcoin withdrawal? Still not arrived",
    ]
    # The customer writes on in the same chat: it goes to the open ticket.
    await customer.send({"type": "send", "cid": "c2", "conversation": chat, "body": "any news?"})
    again = await customer.expect({"type": "ack", "cid": "c2"})
    assert again["conversation"] == email["ticket"]["number"]


async def test_a_threat_slows_the_customer_down_and_nothing_is_lost(
    triage_live: LiveServer,
) -> None:
    live = triage_live
    customer = await live.customer("T1")
    await customer.send({"type": "send", "cid": "c1", "body": "My deposit is missing"})
    number = (await customer.expect({"type": "ack", "cid": "c1"}))["conversation"]
    await customer.send(
        {"type": "send", "cid": "c2", "conversation": number, "body": "I will hurt you, idiot"}
    )
    await customer.expect({"type": "ack", "cid": "c2"})
    await live.app_state.deps.pipeline.drain()
    notice = (await customer.until(is_event("notice", number)))[-1]
    assert notice["event"]["kind"] == "restriction"
    assert notice["event"]["level"] == "slow"
    await customer.send({"type": "send", "cid": "c3", "conversation": number, "body": "hello?"})
    ack = await customer.expect({"type": "ack", "cid": "c3"})
    assert ack["restriction"]["outcome"] == "slowed"
    assert ack["restriction"]["retry_at"]
    async with live.app_state.sessionmaker() as session:
        ticket_id = int(number.removeprefix("KF-"))
        stored = [
            m.body for m, _ in await repo.transcript(session, ticket_id, include_internal=False)
        ]
        marks = {
            (m.message_id, m.kind) for m in await safety_repo.marks_of(session, [ack["message_id"]])
        }
    assert stored == ["My deposit is missing", "I will hurt you, idiot", "hello?"]
    assert (ack["message_id"], "slowed") in marks
