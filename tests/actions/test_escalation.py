"""Automatic escalation on SQLite and PostgreSQL: a customer asking for a supervisor, or
contacting again about the same unresolved issue; once per trigger and level."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kefu.actions.escalation import escalation_enricher
from kefu.actions.inbound import enricher_factories
from kefu.actions.tickets import do_change_status, do_merge
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import TicketStatus
from kefu.domain.permissions import SYSTEM
from kefu.domain.ticket_number import format_number
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.models import AuditEntry
from kefu.store.repositories import tickets as repo
from tests import support

Escalating = tuple[ActionDeps, RecordingBus]


@pytest.fixture
async def escalating(settings: Settings) -> AsyncIterator[Escalating]:
    engine, deps, bus = support.deps_for(settings.model_copy(update={"auto_escalate": True}))
    yield deps, bus
    await deps.pipeline.drain()
    await engine.dispose()


async def _escalations(deps: ActionDeps, ticket_id: int) -> list[tuple[int, str | None, str]]:
    async with deps.sessionmaker() as session:
        return [
            (e.level, e.trigger, e.reason) for e in await repo.escalations_of(session, ticket_id)
        ]


async def test_asking_for_a_supervisor_escalates_once_per_level(escalating: Escalating) -> None:
    deps, bus = escalating
    calm = await support.customer_opens(deps, "U1", "My withdrawal is pending since this morning")
    assert await _escalations(deps, calm) == []
    await support.customer_says(deps, calm, "This is taking forever. I want to speak to a manager!")
    assert await _escalations(deps, calm) == [
        (1, "supervisor_request", "Customer asked for a supervisor (“speak to a manager”)")
    ]
    escalated = [e for e in bus.published if e.type == "ticket.updated" and not e.public]
    assert escalated
    await support.customer_says(deps, calm, "Hello?? Speak to a manager, I said")
    await support.customer_says(deps, calm, "Позовите руководителя")
    assert len(await _escalations(deps, calm)) == 1  # asking again does not climb the ladder
    async with deps.sessionmaker() as session:
        ticket = await repo.get_ticket(session, calm)
        assert ticket.escalation_level == 1
        audits = [
            a
            for a in (await session.execute(AuditEntry.__table__.select())).all()
            if a.action == "ticket.escalate" and a.entity_id == calm
        ]
    assert len(audits) == 1
    assert audits[0].after["trigger"] == "supervisor_request"

    # In Japanese, at once, from the first message; the bare word only in a complaint.
    assert (
        len(
            await _escalations(
                deps, await support.customer_opens(deps, "U2", "責任者を出してください")
            )
        )
        == 1
    )
    assert (
        await _escalations(deps, await support.customer_opens(deps, "U3", "where is the manager"))
        == []
    )
    angry = await support.customer_opens(
        deps, "U4", "Terrible service. Where is the manager", intent="complaint"
    )
    assert [t for _, t, _ in await _escalations(deps, angry)] == ["supervisor_request"]


async def test_contacting_again_about_the_same_issue_escalates(escalating: Escalating) -> None:
    deps, _ = escalating
    first = await support.customer_opens(deps, "U1", "My BTC withdrawal is stuck")
    # The duplicate detection joined their second ticket to the first (as the triage enricher
    # does): the next message on it is a repeat contact.
    second = await support.customer_opens(deps, "U1", "Still no BTC withdrawal!")
    async with UnitOfWork(deps, SYSTEM) as uow:
        target = await repo.get_ticket(uow.session, first, lock=True)
        source = await repo.get_ticket(uow.session, second, lock=True)
        await do_merge(uow, source, target, reason="duplicate", similarity=0.95)
    await support.customer_says(deps, first, "Any news?")
    assert [(lvl, t) for lvl, t, _ in await _escalations(deps, first)] == [(1, "repeat_contact")]
    await support.customer_says(deps, first, "Hello?")
    assert len(await _escalations(deps, first)) == 1

    # Solved, then the customer writes: it reopens (a thank-you would too) — not yet; writing
    # again on the reopened ticket is a repeat contact.
    other = await support.customer_opens(deps, "U5", "I cannot verify my account")
    async with UnitOfWork(deps, SYSTEM) as uow:
        ticket = await repo.get_ticket(uow.session, other, lock=True)
        await do_change_status(uow, ticket, TicketStatus.SOLVED)
    await support.customer_says(deps, other, "It still does not work")
    assert await _escalations(deps, other) == []
    await support.customer_says(deps, other, "Please, I need this fixed")
    assert await _escalations(deps, other) == [
        (
            1,
            "repeat_contact",
            "Customer contacted again about the same unresolved issue "
            "(written to again after it was reopened)",
        )
    ]


async def test_the_setting_switches_it_off(settings: Settings) -> None:
    on = settings.model_copy(update={"auto_escalate": True})
    off = settings.model_copy(update={"auto_escalate": False})
    assert escalation_enricher in enricher_factories(on)
    assert escalation_enricher not in enricher_factories(off)


async def test_a_duplicate_found_by_triage_escalates_the_open_ticket(settings: Settings) -> None:
    both = settings.model_copy(update={"auto_escalate": True, "triage_safety": True})
    engine, deps, _ = support.deps_for(both)
    try:
        first = await support.customer_opens(
            deps, "alice", "My BTC withdrawal has been pending for 3 hours"
        )
        again = await support.customer_opens(
            deps, "alice", "Where is my bitcoin withdrawal? Still not arrived after hours"
        )
        async with deps.sessionmaker() as session:
            assert (await repo.get_ticket(session, again)).merged_into_id == first
        assert await _escalations(deps, first) == [
            (
                1,
                "repeat_contact",
                "Customer contacted again about the same unresolved issue "
                f"({format_number(again)} joined it as a duplicate)",
            )
        ]
    finally:
        await deps.pipeline.drain()
        await engine.dispose()
