"""Visitors: chat with just an email, come back with the visitor token, reach nothing else."""

from __future__ import annotations

from sqlalchemy import select

from kefu.actions.customers import CustomerInput, do_create_customer
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.permissions import SYSTEM
from kefu.store.models import Customer
from kefu.web import sessions
from tests.web.chat.conftest import LiveServer, open_chat


def _visitor(email: str, name: str = "Ann") -> dict[str, object]:
    return {"v": 1, "type": "hello", "visitor": {"email": email, "name": name}}


async def test_visitor_comes_back_with_the_token(live: LiveServer) -> None:
    visitor = await live.connect("/ws/chat", _visitor("  Ann@Example.com ", " Ann "))
    welcome = visitor.welcome
    token = welcome["visitor_token"]
    assert welcome["me"]["kind"] == "customer"
    assert welcome["me"]["name"] == "Ann"
    assert welcome["conversations"] == []
    async with live.app_state.sessionmaker() as session:
        row = await session.get(Customer, welcome["me"]["id"])
        assert row is not None
        assert row.contact_email == "ann@example.com"
        assert "visitor" in row.flags

    agent = await live.agent()
    number = await open_chat(live, visitor, agent, body="Is my account locked?")
    await visitor.close()

    back = await live.connect("/ws/chat", {"v": 1, "type": "hello", "visitor_token": token})
    assert back.welcome["me"]["id"] == welcome["me"]["id"]
    assert back.welcome["visitor_token"] == token
    [conv] = back.welcome["conversations"]
    assert conv["ticket"]["number"] == number
    assert [m["body"] for m in conv["messages"]] == ["Is my account locked?"]
    await back.send({"type": "send", "cid": "v2", "body": "Hello again"})
    ack = await back.expect({"type": "ack", "cid": "v2"})
    assert ack["conversation"] == number

    # Another hello with the same email is another visitor: the address proves nothing.
    again = await live.connect("/ws/chat", _visitor("ann@example.com"))
    assert again.welcome["me"]["id"] != welcome["me"]["id"]
    assert again.welcome["conversations"] == []


async def test_bad_visitor_hellos(live: LiveServer) -> None:
    for email in ("not an address", "", "   ", "a@", "@b.c", "x" * 300 + "@example.com"):
        assert await live.refused("/ws/chat", _visitor(email)) == 4400, email
    assert await live.refused("/ws/chat", {"v": 1, "type": "hello", "visitor": {}}) == 4400
    secret = live.settings.secret_key
    expired = sessions.make_visitor_token(secret, 1, 1)
    assert await live.refused("/ws/chat", {"v": 1, "type": "hello", "visitor_token": expired}) == (
        4401
    )
    missing = sessions.make_visitor_token(secret, 999_999, 2**40)
    assert await live.refused("/ws/chat", {"v": 1, "type": "hello", "visitor_token": missing}) == (
        4401
    )
    forged = sessions.make_visitor_token("another-secret-key-000000000000000000", 1, 2**40)
    assert await live.refused("/ws/chat", {"v": 1, "type": "hello", "visitor_token": forged}) == (
        4401
    )


async def test_a_visitor_email_never_opens_a_registered_customers_chats(live: LiveServer) -> None:
    async with UnitOfWork(live.app_state.deps, SYSTEM) as uow:
        await do_create_customer(
            uow,
            CustomerInput(uid="U-victim", name="Vic", identities=(("email", "vic@example.com"),)),
        )
    victim = await live.customer("U-victim")
    number = await open_chat(live, victim, body="My 2FA codes are 123456")

    intruder = await live.connect("/ws/chat", _visitor("VIC@example.com", "Vic"))
    async with live.app_state.sessionmaker() as session:
        victim_id = (
            await session.execute(select(Customer.id).where(Customer.uid == "U-victim"))
        ).scalar_one()
    assert intruder.welcome["me"]["id"] != victim_id
    assert intruder.welcome["conversations"] == []
    for frame in (
        {"type": "resume", "conversation": number, "after": 0},
        {"type": "typing", "conversation": number, "active": True},
        {"type": "send", "cid": "i1", "conversation": number, "body": "hi"},
    ):
        await intruder.send(frame)
        assert (await intruder.expect({"type": "error"}))["code"] == "not_found"
    # A message without a conversation opens the visitor's own chat, not the victim's.
    await intruder.send({"type": "send", "cid": "i2", "body": "show me"})
    ack = await intruder.expect({"type": "ack", "cid": "i2"})
    assert ack["conversation"] != number
    frames = [*intruder.frames, *await intruder.barrier()]
    assert "123456" not in str(frames)
    # The victim's chat is as it was, and the victim heard nothing of the visitor.
    conv = await live.load(number, customer=True)
    assert [m["body"] for m in conv["messages"]] == ["My 2FA codes are 123456"]
    assert "show me" not in str(await victim.barrier())


async def test_one_address_starts_only_so_many_visitor_chats(live: LiveServer) -> None:
    live.app_state.settings = live.settings.model_copy(update={"visitor_starts_per_ip_hour": 2})
    first = await live.connect("/ws/chat", _visitor("one@example.com"))
    await live.connect("/ws/chat", _visitor("two@example.com"))
    assert await live.refused("/ws/chat", _visitor("three@example.com")) == 4429
    # Coming back with a visitor token, or with a signed customer token, is not a new start.
    token = first.welcome["visitor_token"]
    back = await live.connect("/ws/chat", {"v": 1, "type": "hello", "visitor_token": token})
    assert back.welcome["me"]["id"] == first.welcome["me"]["id"]
    async with live.app_state.sessionmaker() as session:
        visitors = (await session.execute(select(Customer.contact_email))).scalars().all()
    assert "three@example.com" not in visitors
