"""An event lost in transit is read from the ticket's event log when the next one arrives."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from kefu.events.bus import Event, RecordingBus
from kefu.settings import Settings
from tests.web.chat.conftest import Client, ConvView, LiveServer, is_event, open_chat, serve


class DroppingBus(RecordingBus):
    """Loses the first published event `drop` picks (as Redis might), and delivers the rest."""

    def __init__(self, drop: Callable[[Event], bool]) -> None:
        super().__init__()
        self.drop = drop
        self.dropped: list[Event] = []

    async def publish(self, events: list[Event]) -> None:
        kept = []
        for event in events:
            if not self.dropped and self.drop(event):
                self.dropped.append(event)
            else:
                kept.append(event)
        await super().publish(kept)


def _body_is(body: str) -> Callable[[Event], bool]:
    def check(event: Event) -> bool:
        message = event.payload.get("message")
        return isinstance(message, dict) and message.get("body") == body

    return check


@pytest.fixture
async def lossy(settings: Settings) -> AsyncIterator[tuple[LiveServer, DroppingBus]]:
    bus = DroppingBus(_body_is("m2"))
    async with serve(settings, bus) as server:
        yield server, bus


async def _events_until(client: Client, body: str, number: str) -> list[dict[str, Any]]:
    def done(frame: dict[str, Any]) -> bool:
        return is_event("message.created", number)(frame) and (
            frame["event"]["message"]["body"] == body
        )

    return [f for f in await client.until(done) if f["type"] == "event"]


async def test_a_lost_event_is_filled_from_the_log(
    lossy: tuple[LiveServer, DroppingBus],
) -> None:
    live, bus = lossy
    customer = await live.customer("U-gap")
    agent = await live.agent()
    number = await open_chat(live, customer, agent)
    agent_view = ConvView()
    agent_view.feed({"type": "conversation", **await live.load(number, customer=False)})
    customer_view = ConvView()
    customer_view.feed({"type": "conversation", **await live.load(number, customer=True)})
    start = agent_view.convs[number]["seq"]

    for i in (1, 2, 3):
        await customer.send({"type": "send", "cid": f"m{i}", "body": f"m{i}"})
        await customer.expect({"type": "ack", "cid": f"m{i}"})
    assert [e.payload["message"]["body"] for e in bus.dropped] == ["m2"]

    for client, view in ((agent, agent_view), (customer, customer_view)):
        events = await _events_until(client, "m3", number)
        assert [e["seq"] for e in events] == [start + 1, start + 2, start + 3]
        assert [e["event"]["message"]["body"] for e in events] == ["m1", "m2", "m3"]
        view.feed_all(events)
        assert [f for f in await client.barrier() if f["type"] == "event"] == []
    assert agent_view.convs[number] == await live.load(number, customer=False)
    assert customer_view.convs[number] == await live.load(number, customer=True)


async def test_a_lost_internal_event_is_filled_for_agents_and_skipped_for_customers(
    settings: Settings,
) -> None:
    bus = DroppingBus(_body_is("lost note"))
    async with serve(settings, bus) as live:
        customer = await live.customer("U-gap2")
        agent = await live.agent()
        number = await open_chat(live, customer, agent)
        await agent.send({"type": "send", "cid": "a1", "conversation": number, "body": "a1"})
        await agent.until(is_event("message.created", number))
        await customer.until(is_event("message.created", number))
        async with live.http("agent") as http:
            response = await http.post(
                f"/api/v1/tickets/{number}/notes", json={"body": "lost note"}
            )
            assert response.status_code == 201
        assert len(bus.dropped) == 1
        await agent.send({"type": "send", "cid": "a2", "conversation": number, "body": "a2"})
        agent_events = await _events_until(agent, "a2", number)
        assert [e["event"]["message"]["body"] for e in agent_events] == ["lost note", "a2"]
        assert agent_events[1]["seq"] == agent_events[0]["seq"] + 1
        customer_events = await _events_until(customer, "a2", number)
        assert [e["event"]["message"]["body"] for e in customer_events] == ["a2"]
