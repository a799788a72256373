"""Waiting customers are told their place in the queue over the WebSocket, live."""

from __future__ import annotations

from typing import Any

from tests.web.chat.conftest import Client, LiveServer


async def _position(client: Client, number: str, **match: Any) -> dict[str, Any]:
    return await client.expect({"type": "queue_position", "conversation": number, **match})


async def _open_chat(client: Client, cid: str, body: str) -> str:
    await client.send({"type": "send", "cid": cid, "body": body})
    ack = await client.expect({"type": "ack", "cid": cid})
    number: str = ack["conversation"]
    return number


async def test_waiting_customers_learn_their_place_until_an_agent_joins(live: LiveServer) -> None:
    first = await live.customer("U300")
    second = await live.customer("U301")
    agent = await live.agent()
    one = await _open_chat(first, "c1", "Hello, my deposit is missing")
    shown = await _position(first, one, waiting=True)
    assert shown["position"] == 1
    high = shown["wait_high_seconds"]
    assert high is None or 0 <= shown["wait_low_seconds"] <= high
    two = await _open_chat(second, "c2", "Hello, my deposit is missing too")
    assert (await _position(second, two, waiting=True))["position"] == 2

    # A reconnecting customer is told at once, with its welcome's conversations.
    again = await live.customer("U301")
    assert (await _position(again, two, waiting=True))["position"] == 2
    await again.close()

    # The chat ahead is taken: the one behind moves up; the taken one's line goes away.
    await agent.send({"type": "claim", "conversation": one})
    await agent.expect({"type": "conversation"})
    assert (await _position(second, two, waiting=True))["position"] == 1
    assert await _position(first, one, waiting=False) == {
        "type": "queue_position",
        "conversation": one,
        "waiting": False,
    }
    await agent.send({"type": "claim", "conversation": two})
    await _position(second, two, waiting=False)
    # Nothing more is said about chats that no longer wait.
    await first.barrier_keep()
    assert not [f for f in first.frames if f["type"] == "queue_position"]
    for client in (first, second, agent):
        await client.close()
