"""A secret pasted into the chat: the customer is warned at once on their connection, the agent
sees the redacted text, the security flag and the advice; nothing of it is stored or sent."""

from __future__ import annotations

import hashlib

import orjson
from mnemonic import Mnemonic
from sqlalchemy import select

from kefu.store.models import IdempotencyRecord, Message, Ticket, TicketEvent
from tests.web.chat.conftest import LiveServer, is_event

SEED = Mnemonic("english").to_mnemonic(bytes(range(16, 32)))


def _is_warning(message: dict[str, object]) -> bool:
    return message["author_kind"] == "system" and message["direction"] == "outbound"


async def test_customer_is_warned_at_once(live: LiveServer) -> None:
    customer = await live.customer("U-seed")
    agent = await live.agent()

    # The first message opens the chat: the warning is in the conversation it gets.
    await customer.send({"type": "send", "cid": "c1", "body": f"my seed phrase: {SEED}"})
    frames = await customer.until(lambda f: f["type"] == "ack" and f["cid"] == "c1")
    ack = frames[-1]
    number = ack["conversation"]
    # (`seed` and `phrase` are BIP-39 words too: they go with it)
    assert ack["body"].endswith("[redacted:seed_phrase]")
    assert SEED.split()[0] not in ack["body"]
    assert "move them to a new wallet now" in ack["notices"][0]
    conversation = next(f for f in frames if f["type"] == "conversation")
    warnings = [m for m in conversation["messages"] if _is_warning(m)]
    assert len(warnings) == 1
    assert "never ask" in warnings[0]["body"]
    assert all(not m["internal"] for m in conversation["messages"])  # no agent advice here

    await agent.send({"type": "claim", "conversation": number})
    claimed = await agent.until(lambda f: f["type"] == "conversation")
    assert "security" in claimed[-1]["ticket"]["tags"]
    assert "secret:seed_phrase" in claimed[-1]["ticket"]["tags"]
    notes = [m["body"] for m in claimed[-1]["messages"] if m["internal"]]
    assert any("move funds to a new wallet" in n for n in notes)
    await customer.until(is_event("ticket.updated", number))

    # In an open chat the warning arrives as the next event, before anything else happens.
    await customer.send(
        {"type": "send", "cid": "c2", "conversation": number, "body": "验证码是 482913"}
    )
    ack2 = await customer.expect({"type": "ack", "cid": "c2"})
    assert ack2["body"] == "验证码是 [redacted:otp_code]"
    assert "工作人员绝不会" in ack2["notices"][0]  # Chinese: the language of the message
    own = await customer.until(
        lambda f: is_event("message.created", number)(f) and _is_warning(f["event"]["message"])
    )
    assert "工作人员绝不会" in own[-1]["event"]["message"]["body"]
    seen = await agent.until(
        lambda f: is_event("message.created", number)(f) and f["event"]["message"]["internal"]
    )
    bodies = [f["event"]["message"]["body"] for f in seen if is_event("message.created")(f)]
    assert "验证码是 [redacted:otp_code]" in bodies

    async with live.app_state.sessionmaker() as session:
        stored = orjson.dumps(
            [
                [m.body for m in (await session.execute(select(Message))).scalars()],
                [t.subject for t in (await session.execute(select(Ticket))).scalars()],
                [e.payload for e in (await session.execute(select(TicketEvent))).scalars()],
            ]
        ).decode()
    assert SEED not in stored
    assert " ".join(SEED.split()[:3]) not in stored
    assert "482913" not in stored


async def test_rest_response_carries_the_warning(live: LiveServer) -> None:
    async with live.http("customer:U-rest") as http:
        response = await http.post(
            "/api/v1/tickets",
            json={"subject": "Help", "message": {"body": "card 4111 1111 1111 1111 was charged"}},
        )
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["message"]["body"] == "card [redacted:card_number] was charged"
        assert "never ask" in data["notices"][0]
        number = data["ticket"]["number"]
        body = orjson.dumps({"body": "password: hunter2!"})
        response = await http.post(
            f"/api/v1/tickets/{number}/messages",
            content=body,
            headers={"Idempotency-Key": "k-1", "Content-Type": "application/json"},
        )
        assert response.status_code == 201, response.text
        assert response.json()["body"] == "password: [redacted:password]"
        assert response.json()["notices"]
        transcript = (await http.get(f"/api/v1/tickets/{number}/messages")).json()
    assert sum(_is_warning(m) for m in transcript) == 2
    assert not any(m["internal"] for m in transcript)
    assert "4111" not in orjson.dumps(transcript).decode()
    async with live.app_state.sessionmaker() as session:
        record = (await session.execute(select(IdempotencyRecord))).scalar_one()
    # The stored response is the redacted one; the request's fingerprint is keyed, so trying
    # every short password against it needs the server's secret.
    assert "hunter2" not in orjson.dumps(record.response).decode()
    path = f"/api/v1/tickets/{number}/messages"
    plain = hashlib.sha256(f"POST {path}\n".encode() + body).hexdigest()
    assert record.fingerprint != plain
