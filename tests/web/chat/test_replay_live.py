"""Event replay on the wire: the frames live clients receive, applied to their state, keep it
equal to a fresh load after every kind of change, made by frames or through the REST API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from kefu.domain.ticket_number import parse_number
from kefu.store.models import TicketEvent
from tests.web.chat.conftest import Client, ConvView, LiveServer, open_chat


async def _db_seqs(live: LiveServer, number: str) -> tuple[int, int]:
    """The conversation's last seq, and its last public one."""
    tid = parse_number(number)
    async with live.app_state.sessionmaker() as session:
        stmt = select(func.max(TicketEvent.seq)).where(TicketEvent.ticket_id == tid)
        last = (await session.execute(stmt)).scalar_one()
        public = (await session.execute(stmt.where(TicketEvent.public.is_(True)))).scalar_one()
    return int(last), int(public)


async def _catch_up(client: Client, view: ConvView, number: str, seq: int) -> None:
    """Apply frames until the view of the conversation is at `seq`."""

    def done(frame: dict[str, Any]) -> bool:
        view.feed(frame)
        assert frame["type"] != "error", frame
        return bool(view.convs[number]["seq"] >= seq)

    if view.convs[number]["seq"] < seq:
        await client.until(done)


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def test_live_views_follow_every_change(live: LiveServer) -> None:
    customer = await live.customer("U-live-replay")
    agent = await live.agent()
    number = await open_chat(live, customer, agent, body="Where is my withdrawal?")
    agent_view, customer_view = ConvView(), ConvView()
    agent_view.feed({"type": "conversation", **await live.load(number, customer=False)})
    customer_view.feed({"type": "conversation", **await live.load(number, customer=True)})
    first_message = agent_view.convs[number]["messages"][0]["id"]

    staff = live.http("agent")
    boss = live.http("supervisor")
    own = live.http("customer:U-live-replay")
    async with staff, boss, own:
        other = _ok(
            await own.post(
                "/api/v1/tickets",
                json={"subject": "Same issue", "message": {"body": "by the form"}},
            )
        )

        def last_message_id(customer: bool) -> Callable[[], Awaitable[int]]:
            """The newest message this side sees (the agent's may be an internal note)."""

            async def newest() -> int:
                messages = (await live.load(number, customer=customer))["messages"]
                return int(messages[-1]["id"])

            return newest

        async def frame(client: Client, data: dict[str, Any]) -> None:
            await client.send(data)
            await client.barrier_keep()

        steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("customer message", lambda: frame(customer, _send("c1", "tx 0xabc"))),
            ("agent message", lambda: frame(agent, _send("a1", "checking", number))),
            (
                "agent REST reply",
                lambda: staff.post(f"/api/v1/tickets/{number}/messages", json={"body": "found"}),
            ),
            (
                "REST note",
                lambda: staff.post(f"/api/v1/tickets/{number}/notes", json={"body": "vip"}),
            ),
            (
                "customer read",
                lambda: _read(customer, number, last_message_id(customer=True)),
            ),
            ("agent read", lambda: _read(agent, number, last_message_id(customer=False))),
            ("agent reads again, older", lambda: _read_id(agent, number, first_message)),
            (
                "tags",
                lambda: staff.post(f"/api/v1/tickets/{number}/tags", json={"add": ["withdrawal"]}),
            ),
            (
                "pending",
                lambda: staff.post(f"/api/v1/tickets/{number}/status", json={"status": "pending"}),
            ),
            ("customer answers", lambda: frame(customer, _send("c2", "any news?"))),
            (
                "subject",
                lambda: staff.patch(f"/api/v1/tickets/{number}", json={"subject": "Withdrawal"}),
            ),
            (
                "escalate",
                lambda: staff.post(f"/api/v1/tickets/{number}/escalate", json={"reason": "big"}),
            ),
            (
                "assign to agent2",
                lambda: boss.post(
                    f"/api/v1/tickets/{number}/assign",
                    json={"assignee_id": live.desk.agent_ids["agent2"]},
                ),
            ),
            (
                "customer message by REST",
                lambda: own.post(f"/api/v1/tickets/{number}/messages", json={"body": "hello?"}),
            ),
            (
                "solved",
                lambda: boss.post(f"/api/v1/tickets/{number}/status", json={"status": "solved"}),
            ),
            (
                "merged",
                lambda: boss.post(
                    f"/api/v1/tickets/{number}/merge", json={"into": other["ticket"]["number"]}
                ),
            ),
        ]
        for name, step in steps:
            result = await step()
            if isinstance(result, httpx.Response):
                _ok(result)
            last, public = await _db_seqs(live, number)
            await _catch_up(agent, agent_view, number, last)
            assert agent_view.convs[number] == await live.load(number, customer=False), name
            await _catch_up(customer, customer_view, number, public)
            fresh = await live.load(number, customer=True)
            state = customer_view.convs[number]
            assert state["seq"] == public, name
            assert {**state, "seq": fresh["seq"]} == fresh, name

    assert customer_view.convs[number]["ticket"]["merged_into"] == other["ticket"]["number"]
    assert "vip" not in str(customer_view.convs)
    # No event was passed on twice or out of order.
    for view in (agent_view, customer_view):
        seqs = view.seqs[number]
        assert seqs == sorted(set(seqs))
    assert len(agent_view.seqs[number]) > len(customer_view.seqs[number])


def _send(cid: str, body: str, number: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "send", "cid": cid, "body": body}
    if number is not None:
        frame["conversation"] = number
    return frame


async def _read(client: Client, number: str, last: Callable[[], Awaitable[int]]) -> None:
    await _read_id(client, number, await last())


async def _read_id(client: Client, number: str, message_id: int) -> None:
    await client.send({"type": "read", "conversation": number, "message_id": message_id})
    await client.barrier_keep()
