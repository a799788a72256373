"""Reconnecting: `resume` replays exactly what was missed; the same `cid` is stored once."""

from __future__ import annotations

from sqlalchemy import func, select

from kefu.store.models import Message
from tests.web.chat.conftest import LiveServer, is_event, open_chat


async def _messages_with_cid(live: LiveServer, cid: str) -> int:
    async with live.app_state.sessionmaker() as session:
        stmt = select(func.count()).select_from(Message).where(Message.external_id.like(f"%:{cid}"))
        return int((await session.execute(stmt)).scalar_one())


async def test_resume_replays_exactly_the_missed_events(live: LiveServer) -> None:
    customer = await live.customer("U-resume")
    agent = await live.agent()
    number = await open_chat(live, customer, agent)
    seen = (await live.load(number, customer=True))["seq"]  # the claim's event was the last
    await customer.close()

    for i in range(3):
        await agent.send({"type": "send", "cid": f"a{i}", "conversation": number, "body": f"m{i}"})
        await agent.expect({"type": "ack", "cid": f"a{i}"})

    back = await live.customer("U-resume")
    [conv] = back.welcome["conversations"]
    assert conv["seq"] == seen + 3
    await back.send({"type": "resume", "conversation": number, "after": seen})
    events = [f for f in await back.barrier() if f["type"] == "event"]
    assert [e["seq"] for e in events] == [seen + 1, seen + 2, seen + 3]
    assert [e["event"]["message"]["body"] for e in events] == ["m0", "m1", "m2"]
    assert all(e["conversation"] == number for e in events)

    # Live again, with nothing repeated: the next message arrives once, with the next seq.
    await agent.send({"type": "send", "cid": "a3", "conversation": number, "body": "m3"})
    frames = await back.until(is_event("message.created", number))
    assert [f["seq"] for f in frames if f["type"] == "event"] == [seen + 4]
    assert [f for f in await back.barrier() if f["type"] == "event"] == []

    # after=0: everything, in order, once.
    await back.send({"type": "resume", "conversation": number, "after": 0})
    events = [f for f in await back.barrier() if f["type"] == "event"]
    assert [e["seq"] for e in events] == list(range(1, seen + 5))
    kinds = [e["event"]["type"] for e in events]
    assert kinds[:2] == ["ticket.created", "message.created"]
    assert kinds.count("message.created") == 5


async def test_resume_a_conversation_the_welcome_did_not_list(live: LiveServer) -> None:
    customer = await live.customer("U-closed")
    agent = await live.agent()
    number = await open_chat(live, customer, agent)
    async with live.http("agent") as http:
        for status in ("solved", "closed"):
            response = await http.post(f"/api/v1/tickets/{number}/status", json={"status": status})
            assert response.status_code == 200, response.text
    await customer.close()

    back = await live.customer("U-closed")
    assert back.welcome["conversations"] == []  # closed: not listed any more
    await back.send({"type": "resume", "conversation": number, "after": 0})
    events = [f for f in await back.barrier() if f["type"] == "event"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["event"]["ticket"]["status"] == "closed"


async def test_same_cid_is_stored_once_even_across_a_reconnect(live: LiveServer) -> None:
    customer = await live.customer("U-idem")
    await customer.send({"type": "send", "cid": "c-1", "body": "once"})
    first = await customer.expect({"type": "ack", "cid": "c-1"})
    assert first["duplicate"] is False
    await customer.send({"type": "send", "cid": "c-1", "body": "once"})
    again = await customer.expect({"type": "ack", "cid": "c-1"})
    assert again["duplicate"] is True
    assert again["message_id"] == first["message_id"]
    assert again["conversation"] == first["conversation"]
    await customer.close()

    back = await live.customer("U-idem")
    # Resent after the reconnect, as a client does for messages it saw no ack for.
    await back.send({"type": "send", "cid": "c-1", "body": "once"})
    third = await back.expect({"type": "ack", "cid": "c-1"})
    assert third["duplicate"] is True
    assert third["message_id"] == first["message_id"]
    assert await _messages_with_cid(live, "c-1") == 1
    conv = await live.load(first["conversation"], customer=True)
    assert [m["body"] for m in conv["messages"]] == ["once"]

    # Agents too, and one sender's cid does not collide with another's.
    agent = await live.agent()
    number = first["conversation"]
    for _ in range(2):
        await agent.send({"type": "send", "cid": "c-1", "conversation": number, "body": "hi"})
    a1 = await agent.expect({"type": "ack", "cid": "c-1"})
    a2 = await agent.expect({"type": "ack", "cid": "c-1"})
    assert (a1["duplicate"], a2["duplicate"]) == (False, True)
    assert a1["message_id"] == a2["message_id"] != first["message_id"]
    assert await _messages_with_cid(live, "c-1") == 2
