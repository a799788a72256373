"""Expected waits stored while tickets wait, closed when they end, and the calibration every
process reads back from them (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import select

from kefu.actions.routing import do_get_next
from kefu.actions.sweeps import record_waiting
from kefu.actions.tickets import do_assign, do_change_status
from kefu.actions.unit_of_work import UnitOfWork
from kefu.actions.wait_estimates import Expected, WaitCalibration, record_expected
from kefu.actions.waiting import queue_status, queue_statuses
from kefu.domain.enums import TicketStatus
from kefu.domain.permissions import SYSTEM
from kefu.domain.routing.estimate import estimate_wait
from kefu.store.models import WaitEstimate, utcnow
from kefu.store.repositories import tickets as repo
from tests.actions.test_routing import Deps, _agent, _chat


async def _rows(deps: Deps) -> dict[int, WaitEstimate]:
    async with deps[0].sessionmaker() as session:
        return {r.ticket_id: r for r in (await session.execute(select(WaitEstimate))).scalars()}


async def test_waits_are_stored_once_and_closed_when_they_end(deps: Deps) -> None:
    action_deps, _ = deps
    agent = await _agent(action_deps, "a@x.example", ("en",), chats=1)
    first = await _chat(action_deps, "U1")
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        assert await do_get_next(uow, agent) is not None  # the agent is full now
    second = await _chat(action_deps, "U2", minutes=1)
    third = await _chat(action_deps, "U3", minutes=2)
    assert await record_waiting(action_deps) == 2
    assert await record_waiting(action_deps) == 0  # one estimate per wait
    rows = await _rows(deps)
    assert first not in rows  # it never waited when the sweep looked
    # One slot, 600 s handle time (nothing solved yet): 1 and 2 departures away.
    assert rows[second].position == 1
    assert rows[second].expected_seconds == estimate_wait(1, 0, 1 / 600).expected
    assert rows[third].expected_seconds == estimate_wait(2, 0, 1 / 600).expected
    # Another process stored the same wait first: not an error, its estimate stands.
    again = Expected(second, "web_chat", 5, 9999.0)
    assert await record_expected(action_deps, [again]) == 0

    served_at = utcnow() + timedelta(seconds=300)
    async with UnitOfWork(action_deps, SYSTEM, clock=lambda: served_at) as uow:
        ticket = await repo.get_ticket(uow.session, second, lock=True)
        await do_assign(uow, ticket, agent)
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        ticket = await repo.get_ticket(uow.session, third, lock=True)
        await do_change_status(uow, ticket, TicketStatus.SOLVED)  # gave up: not served
    rows = await _rows(deps)
    assert rows[second].assigned is True
    assert rows[second].open_ticket_id is None
    assert rows[second].ended_at is not None
    assert rows[third].assigned is False
    assert rows[third].ended_at is not None

    calibration = WaitCalibration(ttl=0, warm=1)
    async with action_deps.sessionmaker() as session:
        calibrator = await calibration.get(session, utcnow() + timedelta(hours=1), "web_chat")
        assert len(await calibration.get(session, utcnow() + timedelta(hours=1), "email")) == 0
    assert len(calibrator) == 1  # only the served wait counts
    waited = (rows[second].ended_at - rows[second].estimated_at).total_seconds()
    expected_error = math.log(waited / rows[second].expected_seconds)
    shown = calibrator.estimate(1, 0, 1 / 600)
    assert math.isclose(shown.low, shown.expected * math.exp(expected_error), rel_tol=1e-6)
    assert math.isclose(shown.high, shown.low, rel_tol=1e-6)  # one error: a point


async def test_every_process_reads_the_same_calibration(deps: Deps) -> None:
    action_deps, _ = deps
    agent = await _agent(action_deps, "a@x.example", ("en",), chats=1)
    ids = [await _chat(action_deps, f"U{i}", minutes=i) for i in range(4)]
    await record_waiting(action_deps)
    for n, ticket_id in enumerate(ids):
        served_at = utcnow() + timedelta(seconds=60 * (n + 1))
        async with UnitOfWork(action_deps, SYSTEM, clock=lambda t=served_at: t) as uow:
            ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
            await do_assign(uow, ticket, agent)
    one, other = WaitCalibration(warm=2), WaitCalibration(warm=2)
    stale = WaitCalibration(ttl=3600, warm=2)
    async with action_deps.sessionmaker() as session:
        await stale.get(session, utcnow() - timedelta(days=30), "web_chat")  # nothing then
        later = utcnow() + timedelta(hours=1)  # after every wait ended
        a = await one.get(session, later, "web_chat")
        b = await other.get(session, later, "web_chat")
        c = await stale.get(session, later, "web_chat")
    assert len(a) == len(b) == 3  # the first found the agent free: no wait to calibrate on
    assert a.estimate(3, 0, 0.01) == b.estimate(3, 0, 0.01)
    assert a.estimate(3, 0, 0.01) != estimate_wait(3, 0, 0.01)  # calibrated, not the model
    assert len(c) == 0  # a process's cache lives `ttl` seconds
    assert c.estimate(3, 0, 0.01) == estimate_wait(3, 0, 0.01)


async def test_batch_statuses_equal_one_at_a_time(deps: Deps) -> None:
    action_deps, _ = deps
    await _agent(action_deps, "a@x.example", ("en", "ja"), chats=1)
    ids = [
        await _chat(action_deps, f"U{i}", language=("en", "ja")[i % 2], minutes=i) for i in range(5)
    ]
    now = utcnow()
    async with action_deps.sessionmaker() as session:
        batch = await queue_statuses(session, ids, now)
        for ticket_id in ids:
            ticket = await repo.get_ticket(session, ticket_id)
            assert batch[ticket_id].as_dict() == await queue_status(session, ticket, now)
    assert sorted(s.estimate.position for s in batch.values() if s.estimate) == [1, 1, 2, 2, 3]
