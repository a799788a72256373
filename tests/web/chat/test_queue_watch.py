"""The queue positions a process sends its customers follow the database: after any sequence
of changes, the frames each customer got, applied in order, equal a fresh computation; and the
messages of a chat never reach the queue's stream (no work per message)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.presence import do_set_presence
from kefu.actions.routing import do_get_next, do_reroute_agent
from kefu.actions.tickets import do_change_status
from kefu.actions.unit_of_work import UnitOfWork
from kefu.actions.wait_estimates import WaitCalibration
from kefu.actions.waiting import queue_statuses
from kefu.domain.enums import AgentStatus, Direction, TicketStatus
from kefu.domain.permissions import SYSTEM
from kefu.events.bus import QUEUE_STREAM
from kefu.store.models import WaitEstimate, utcnow
from kefu.store.repositories import people
from kefu.store.repositories import tickets as repo
from kefu.web.chat.queue_watch import QueueWatch, queue_frame
from tests.actions.test_routing import Deps, _agent, _chat


class Listener:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def queue_position(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)


def _seen(listener: Listener) -> dict[str, Any] | None:
    """What the customer's widget shows: the last frame (None: never told it waits)."""
    return listener.frames[-1] if listener.frames else None


async def _check(watch: QueueWatch, deps: Deps, listeners: dict[int, Listener]) -> None:
    await watch.round()
    async with deps[0].sessionmaker() as session:
        fresh = await queue_statuses(session, list(listeners), utcnow())
    for ticket_id, listener in listeners.items():
        expected = queue_frame(ticket_id, fresh.get(ticket_id))
        seen = _seen(listener)
        if seen is None:
            assert not expected["waiting"], ticket_id
        else:
            assert seen == expected, ticket_id


async def test_frames_replayed_equal_a_fresh_computation(deps: Deps) -> None:
    action_deps, bus = deps
    agent = await _agent(action_deps, "a@x.example", ("en",), chats=1)
    ids = [await _chat(action_deps, f"U{i}", minutes=i) for i in range(4)]
    watch = QueueWatch(action_deps, WaitCalibration(ttl=0))
    listeners = {i: Listener() for i in ids}
    for ticket_id, listener in listeners.items():
        watch.watch(listener, ticket_id)
    await _check(watch, deps, listeners)
    assert [_seen(listeners[i])["position"] for i in ids] == [1, 2, 3, 4]  # type: ignore[index]

    async def step_get_next() -> None:
        async with UnitOfWork(action_deps, SYSTEM) as uow:
            assert await do_get_next(uow, agent) is not None

    async def step_solve_waiting() -> None:
        async with UnitOfWork(action_deps, SYSTEM) as uow:
            ticket = await repo.get_ticket(uow.session, ids[2], lock=True)
            await do_change_status(uow, ticket, TicketStatus.SOLVED)

    async def step_agent_leaves() -> None:
        async with UnitOfWork(action_deps, SYSTEM) as uow:
            row = await people.get_agent(uow.session, agent)
            await do_set_presence(uow, row, AgentStatus.OFFLINE)
        async with UnitOfWork(action_deps, SYSTEM) as uow:
            await do_reroute_agent(uow, agent)

    async def step_new_chat() -> None:
        new = await _chat(action_deps, "U9", minutes=9)
        listeners[new] = Listener()
        watch.watch(listeners[new], new)

    for step in (step_get_next, step_solve_waiting, step_agent_leaves, step_new_chat):
        await step()
        await _check(watch, deps, listeners)
    # The taken chat was told once that it no longer waits, then back in line when its agent
    # left; the solved one was told it no longer waits and nothing after.
    first = [f["waiting"] for f in listeners[ids[0]].frames]
    assert first == [True, False, True]
    assert [f["waiting"] for f in listeners[ids[2]].frames][-1] is False
    # What was shown was stored for calibration, once per wait.
    async with action_deps.sessionmaker() as session:
        rows = list((await session.execute(select(WaitEstimate))).scalars())
    open_rows = [r.ticket_id for r in rows if r.open_ticket_id is not None]
    assert len(open_rows) == len(set(open_rows))

    # Chat messages never reach the queue's stream: the watch does nothing per message.
    bus.published.clear()
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        ticket = await repo.get_ticket(uow.session, ids[1], lock=True)
        await do_add_message(
            uow, ticket, Direction.INBOUND, MessageInput(body="still there?", channel="web_chat")
        )
    assert bus.published
    assert not [e for e in bus.published if QUEUE_STREAM in e.streams]
    watch.forget(listeners[ids[1]])
    assert ids[1] not in watch._listeners
