from __future__ import annotations

from tests.web.chat.conftest import LiveServer


async def test_customer_and_agent_chat(live: LiveServer) -> None:
    customer = await live.customer("U100")
    assert customer.welcome["type"] == "welcome"
    assert customer.welcome["conversations"] == []
    agent = await live.agent()
    assert agent.welcome["queue"] == []

    await customer.send({"type": "send", "cid": "c1", "body": "Hello, my deposit is missing"})
    ack = await customer.expect({"type": "ack", "cid": "c1"})
    number = ack["conversation"]
    assert ack["duplicate"] is False
    conv = await customer.expect({"type": "conversation"})
    assert conv["ticket"]["number"] == number
    assert [m["body"] for m in conv["messages"]] == ["Hello, my deposit is missing"]

    waiting = await agent.expect({"type": "queue", "event": "waiting"})
    assert waiting["ticket"]["number"] == number
    await agent.send({"type": "claim", "conversation": number})
    got = await agent.expect({"type": "conversation"})
    assert got["ticket"]["assignee_id"] == live.desk.agent_ids["agent"]

    await agent.send(
        {"type": "send", "cid": "a1", "conversation": number, "body": "Hi! Let me check."}
    )
    await agent.expect({"type": "ack", "cid": "a1"})
    while True:
        event = await customer.expect({"type": "event", "conversation": number})
        if event["event"]["type"] == "message.created":
            break
    assert event["event"]["message"]["body"] == "Hi! Let me check."
    assert event["event"]["message"]["direction"] == "outbound"
    await customer.close()
    await agent.close()
