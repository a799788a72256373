"""The inbound pipeline: screening in order before storage, enrichment in the background."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import select

from kefu.actions.chat import do_chat_message
from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Direction, Role
from kefu.domain.permissions import SYSTEM, PrincipalKind, make_principal
from kefu.events.bus import RecordingBus
from kefu.store.models import Message, Ticket
from kefu.triage.pipeline import InboundPipeline, Screened
from tests import support

Deps = tuple[ActionDeps, RecordingBus]


def redact(screened: Screened) -> Screened:
    if "hunter2" not in screened.body:
        return screened
    return replace(screened, body=screened.body.replace("hunter2", "[redacted]"), flags=("secret",))


def shout(screened: Screened) -> Screened:
    return replace(screened, body=screened.body.upper(), notices=(*screened.notices, "loud"))


def test_screening_steps_run_in_order() -> None:
    assert InboundPipeline(screening=[redact, shout]).screen("pw hunter2", None) == Screened(
        "PW [REDACTED]", None, ("secret",), ("loud",)
    )
    assert InboundPipeline(screening=[shout, redact]).screen("pw hunter2", "<b>x</b>") == (
        Screened("PW HUNTER2", "<b>x</b>", (), ("loud",))
    )
    assert InboundPipeline().screen("as is", None) == Screened("as is", None)


async def test_enrichment_in_the_background(caplog: pytest.LogCaptureFixture) -> None:
    order: list[str] = []
    gate = asyncio.Event()

    async def first(ids: list[int]) -> None:
        await gate.wait()
        order.append(f"first {ids}")

    async def second(ids: list[int]) -> None:
        order.append(f"second {ids}")

    async def mark(ids: list[int]) -> None:
        order.append(f"done {ids}")

    pipeline = InboundPipeline(enrichers=[first, second])
    assert pipeline.enriches
    pipeline.after_commit([1, 2], mark)
    pipeline.after_commit([], mark)  # nothing to do
    await asyncio.sleep(0)
    assert order == []
    gate.set()
    await pipeline.drain()
    assert order == ["first [1, 2]", "second [1, 2]", "done [1, 2]"]

    async def broken(ids: list[int]) -> None:
        raise RuntimeError("down")

    failing = InboundPipeline(enrichers=[broken, second])
    order.clear()
    failing.after_commit([3], mark)
    await failing.drain()
    assert order == []  # neither the next enricher nor the mark: left pending
    assert "enrichment failed" in caplog.text


async def test_screening_on_the_actions(deps: Deps) -> None:
    action_deps, bus = deps
    action_deps = replace(action_deps, pipeline=InboundPipeline(screening=[redact]))
    desk = await support.seed_desk(action_deps, bus)
    agent = make_principal(PrincipalKind.AGENT, desk.agent_ids["agent"], Role.AGENT)
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        row = await do_ensure_customer_by_uid(uow, "U-pipe")
    customer = make_principal(PrincipalKind.CUSTOMER, row.id)

    async with UnitOfWork(action_deps, customer) as uow:
        started = await do_chat_message(uow, None, "c1", "  hunter2 is my password  ")
    ticket_id = started.ticket_id
    async with UnitOfWork(action_deps, agent) as uow:
        ticket = await uow.session.get(Ticket, ticket_id)
        assert ticket is not None
        await do_add_message(
            uow, ticket, Direction.OUTBOUND, MessageInput(body="hunter2?", channel="api")
        )
        await do_add_message(
            uow, ticket, Direction.INTERNAL, MessageInput(body="note hunter2", channel="api")
        )
        await do_add_message(
            uow, ticket, Direction.INBOUND, MessageInput(body="relayed hunter2", channel="email")
        )
    async with action_deps.sessionmaker() as session:
        rows = (await session.execute(select(Message).order_by(Message.id))).scalars().all()
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        subject = ticket.subject
    assert [(m.direction, m.body) for m in rows] == [
        ("inbound", "[redacted] is my password"),
        ("outbound", "hunter2?"),
        ("internal", "note hunter2"),
        ("inbound", "relayed [redacted]"),
    ]
    assert subject == "[redacted] is my password"
    # Without enrichers, inbound messages are enriched at once; nothing is left pending.
    assert all(m.enriched_at is not None for m in rows if m.direction == "inbound")
    # The events carry what was stored.
    bodies = [e.payload["message"]["body"] for e in bus.published if e.type == "message.created"]
    assert "hunter2 is my password" not in str(bodies)


async def test_a_surge_leaves_the_rest_pending_for_the_sweep() -> None:
    seen: list[list[int]] = []
    release = asyncio.Event()

    async def slow(ids: list[int]) -> None:
        seen.append(ids)
        await release.wait()

    done: list[list[int]] = []

    async def mark(ids: list[int]) -> None:
        done.append(ids)

    pipeline = InboundPipeline(enrichers=[slow], max_in_flight=3)
    pipeline.after_commit([1, 2], mark)
    pipeline.after_commit([3, 4], mark)  # over the cap: stays pending (the sweep's job)
    pipeline.after_commit([5], mark)
    await asyncio.sleep(0)
    release.set()
    await pipeline.drain()
    assert seen == [[1, 2], [5]]
    assert done == [[1, 2], [5]]
    pipeline.after_commit([3, 4], mark)  # capacity is back once the first ones finished
    await pipeline.drain()
    assert done[-1] == [3, 4]


async def test_blocking_enrichment_runs_below_delivery() -> None:
    import os
    import threading

    def where() -> tuple[str, int]:
        me = threading.current_thread()
        return me.name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    name, niceness = await InboundPipeline().run_blocking(where)
    assert name.startswith("kefu-enrich")
    assert niceness >= os.getpriority(os.PRIO_PROCESS, 0)
    assert niceness > 0 or os.getpriority(os.PRIO_PROCESS, 0) >= 10
