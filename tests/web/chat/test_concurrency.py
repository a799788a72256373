"""Many customers at once, one agent following every chat: each message arrives exactly once,
in order per conversation, and the agent's live view equals the database."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from kefu.store.models import Message
from tests.web.chat.conftest import WAIT, Client, ConvView, LiveServer, is_event

CUSTOMERS = 20
MESSAGES = 10


async def test_twenty_customers_one_agent(live: LiveServer) -> None:
    agent = await live.agent()
    customers = await asyncio.gather(*(live.customer(f"U-many-{i}") for i in range(CUSTOMERS)))

    async def start(i: int, customer: Client) -> str:
        await customer.send({"type": "send", "cid": "hello", "body": f"c{i} hello"})
        ack = await customer.expect({"type": "ack", "cid": "hello"})
        number: str = ack["conversation"]
        return number

    numbers = list(await asyncio.gather(*(start(i, c) for i, c in enumerate(customers))))
    assert len(set(numbers)) == CUSTOMERS

    view = ConvView(agent.welcome)
    for number in numbers:
        await agent.send({"type": "claim", "conversation": number})
    claimed: set[str] = set()

    def all_claimed(frame: dict[str, Any]) -> bool:
        if frame["type"] == "conversation":
            claimed.add(frame["ticket"]["number"])
        view.feed(frame)
        return claimed == set(numbers)

    await agent.until(all_claimed, wait=4 * WAIT)
    assert [f for f in agent.frames if f["type"] == "error"] == []

    async def talk(i: int, customer: Client) -> None:
        for k in range(MESSAGES):
            await customer.send({"type": "send", "cid": f"m{k}", "body": f"c{i} m{k}"})
        for k in range(MESSAGES):
            ack = await customer.expect({"type": "ack", "cid": f"m{k}"}, wait=4 * WAIT)
            assert ack["duplicate"] is False

    await asyncio.gather(*(talk(i, c) for i, c in enumerate(customers)))

    # The agent: every message once, in order, per conversation.
    got: dict[str, list[str]] = defaultdict(list)
    last = {n: f"c{i} m{MESSAGES - 1}" for i, n in enumerate(numbers)}
    pending = set(numbers)

    def everything(frame: dict[str, Any]) -> bool:
        view.feed(frame)
        if is_event("message.created")(frame):
            number = frame["conversation"]
            body = frame["event"]["message"]["body"]
            got[number].append(body)
            if body == last.get(number):
                pending.discard(number)
        return not pending

    await agent.until(everything, wait=4 * WAIT)
    for i, number in enumerate(numbers):
        assert got[number] == [f"c{i} m{k}" for k in range(MESSAGES)], number
        assert view.convs[number] == await live.load(number, customer=False)
    for number, seqs in view.seqs.items():
        assert seqs == sorted(set(seqs)), number  # no repeats, no reordering
    assert [f for f in await agent.barrier() if f["type"] == "event"] == []

    async with live.app_state.sessionmaker() as session:
        bodies = [b for (b,) in await session.execute(select(Message.body).order_by(Message.id))]
    assert len(bodies) == CUSTOMERS * (MESSAGES + 1)
    assert len(set(bodies)) == len(bodies)
