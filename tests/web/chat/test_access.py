"""Who sees what: customers only their own conversations and never internal notes; typing."""

from __future__ import annotations

from kefu.actions.chat import lock_chat
from kefu.actions.messages import do_add_note
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Role
from kefu.domain.permissions import PrincipalKind, make_principal
from kefu.domain.ticket_number import parse_number
from tests.web.chat.conftest import LiveServer, is_event, open_chat


async def test_customers_reach_only_their_own_conversations(live: LiveServer) -> None:
    alice = await live.customer("U-alice")
    bob = await live.customer("U-bob")
    agent = await live.agent()
    theirs = await open_chat(live, alice, agent, body="Alice's secret problem")
    message_id = (await live.load(theirs, customer=False))["messages"][0]["id"]

    attempts = [
        {"type": "resume", "conversation": theirs, "after": 0},
        {"type": "read", "conversation": theirs, "message_id": message_id},
        {"type": "typing", "conversation": theirs, "active": True},
        {"type": "send", "cid": "b1", "conversation": theirs, "body": "let me in"},
        {"type": "resume", "conversation": "KF-999999", "after": 0},
        {"type": "read", "conversation": "KF-999999", "message_id": 1},
    ]
    for frame in attempts:
        await bob.send(frame)
        error = await bob.expect({"type": "error"})
        assert error["code"] == "not_found", (frame, error)
        assert error.get("cid") == frame.get("cid")
    await bob.send({"type": "claim", "conversation": theirs})
    assert (await bob.expect({"type": "error"}))["code"] == "forbidden"
    # Nothing of Alice's reached Bob, before or after her next message.
    await alice.send({"type": "send", "cid": "a2", "body": "more secrets"})
    await agent.until(is_event("message.created", theirs))
    bob_frames = [*bob.frames, *await bob.barrier()]
    assert all(f.get("conversation") != theirs for f in bob_frames), bob_frames
    assert "secret" not in str(bob_frames)
    conv = await live.load(theirs, customer=False)
    assert [m["body"] for m in conv["messages"]] == ["Alice's secret problem", "more secrets"]
    assert conv["read"] == {"customer": None, "agent": None}

    # Bob still chats normally in his own conversation.
    await bob.send({"type": "send", "cid": "b2", "body": "my own problem"})
    ack = await bob.expect({"type": "ack", "cid": "b2"})
    assert ack["conversation"] != theirs


async def test_a_ticket_number_seen_before_it_exists_does_not_break_the_connection(
    live: LiveServer,
) -> None:
    """Asking for a conversation that does not exist yet must not subscribe to it: when someone
    else's chat later gets that number, its events must neither reach the asker nor end its
    connection."""
    bob = await live.customer("U-bob")
    await bob.send({"type": "resume", "conversation": "KF-000001", "after": 0})
    assert (await bob.expect({"type": "error"}))["code"] == "not_found"
    alice = await live.customer("U-alice")
    await alice.send({"type": "send", "cid": "a1", "body": "Alice's secret problem"})
    ack = await alice.expect({"type": "ack", "cid": "a1"})
    assert ack["conversation"] == "KF-000001"
    frames = await bob.barrier()  # Bob's connection is still there
    assert all(f.get("conversation") != "KF-000001" for f in frames), frames
    assert "secret" not in str(frames)


async def test_internal_notes_never_reach_the_customer(live: LiveServer) -> None:
    customer = await live.customer("U-notes")
    agent = await live.agent()
    number = await open_chat(live, customer, agent)
    async with live.http("agent") as http:
        response = await http.post(
            f"/api/v1/tickets/{number}/notes", json={"body": "ZZNOTE-1: VIP, be nice"}
        )
        assert response.status_code == 201, response.text
    note = await agent.expect({"type": "event", "conversation": number})
    assert note["event"]["type"] == "message.created"
    assert note["event"]["message"]["internal"] is True
    assert note["event"]["message"]["body"] == "ZZNOTE-1: VIP, be nice"

    # The same by the action.
    principal = make_principal(
        PrincipalKind.AGENT, live.desk.agent_ids["agent"], Role.AGENT, name="Agent"
    )
    async with UnitOfWork(live.app_state.deps, principal) as uow:
        ticket = await lock_chat(uow, parse_number(number))
        await do_add_note(uow, ticket, "ZZNOTE-2: check KYC")
    note2 = await agent.expect({"type": "event", "conversation": number})
    assert note2["event"]["message"]["body"] == "ZZNOTE-2: check KYC"
    assert note2["seq"] == note["seq"] + 1
    # Nor can the customer learn a note's id by marking it read.
    await customer.send(
        {"type": "read", "conversation": number, "message_id": note["event"]["message"]["id"]}
    )
    assert (await customer.expect({"type": "error"}))["code"] == "not_found"

    # A public message after the notes: the customer gets it, and nothing before it.
    await agent.send({"type": "send", "cid": "a1", "conversation": number, "body": "Hello!"})
    frames = await customer.until(is_event("message.created", number))
    events = [f for f in frames if f["type"] == "event"]
    assert [e["event"]["message"]["body"] for e in events] == ["Hello!"]
    assert events[0]["seq"] == note2["seq"] + 1
    assert "ZZNOTE" not in str(frames)
    # Nor on resume, nor in a fresh welcome.
    await customer.send({"type": "resume", "conversation": number, "after": 0})
    replayed = await customer.barrier()
    assert "ZZNOTE" not in str(replayed)
    assert note["seq"] not in [f["seq"] for f in replayed if f["type"] == "event"]
    back = await live.customer("U-notes")
    assert "ZZNOTE" not in str(back.welcome)
    assert [m["body"] for m in back.welcome["conversations"][0]["messages"]] == [
        "Hello",
        "Hello!",
    ]


async def test_typing_reaches_the_other_side_only(live: LiveServer) -> None:
    customer = await live.customer("U-typing")
    agent = await live.agent()
    other_agent = await live.agent("agent2")
    number = await open_chat(live, customer, agent)

    await customer.send({"type": "typing", "conversation": number, "active": True})
    typing = await agent.expect({"type": "typing"})
    assert typing["conversation"] == number
    assert typing["active"] is True
    assert typing["who"]["kind"] == "customer"
    await customer.send({"type": "typing", "conversation": number, "active": False})
    assert (await agent.expect({"type": "typing"}))["active"] is False

    await agent.send({"type": "typing", "conversation": number, "active": True})
    typing = await customer.expect({"type": "typing"})
    assert typing["who"] == {
        "kind": "agent",
        "id": live.desk.agent_ids["agent"],
        "name": typing["who"]["name"],
    }

    # Neither sender got its own typing back: their next event is the message that followed.
    await agent.send({"type": "send", "cid": "a1", "conversation": number, "body": "hi"})
    frames = await customer.until(is_event("message.created", number))
    assert [f for f in frames if f["type"] == "typing"] == []
    frames = await agent.until(is_event("message.created", number))
    assert [f for f in frames if f["type"] == "typing"] == []
    # An agent who does not follow the conversation gets no typing either.
    assert [
        f for f in [*other_agent.frames, *await other_agent.barrier()] if f["type"] == "typing"
    ] == []
    # Typing is not stored: no seq was used.
    conv = await live.load(number, customer=False)
    assert conv["seq"] == frames[-1]["seq"]
