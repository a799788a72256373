"""The triage enricher on a real database, with the real embedding model."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.incidents import do_resolve_incident, incident_view
from kefu.actions.merges import do_unmerge
from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.restrictions import do_lift_restriction, do_record_violation
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.triage_enricher import triage_enricher
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Direction, Role
from kefu.domain.errors import PermissionDenied
from kefu.domain.permissions import SYSTEM, PrincipalKind, make_principal
from kefu.domain.ticket_number import format_number
from kefu.events.bus import DESK_STREAM, RecordingBus, customer_stream
from kefu.settings import Settings
from kefu.store.models import (
    CustomerRestriction,
    MessageMark,
    Ticket,
    TicketMerge,
    TicketTag,
    utcnow,
)
from kefu.store.repositories import safety as safety_repo
from kefu.store.repositories import tickets as repo
from tests import support

SUPERVISOR = make_principal(PrincipalKind.AGENT, 1, Role.SUPERVISOR, name="sup")
AGENT = make_principal(PrincipalKind.AGENT, 2, Role.AGENT, name="agent")


@pytest.fixture
async def triage(settings: Settings) -> AsyncIterator[tuple[ActionDeps, RecordingBus]]:
    engine, deps, bus = support.deps_for(settings.model_copy(update={"triage_safety": True}))
    assert deps.pipeline.enriches
    yield deps, bus
    await engine.dispose()


async def _customer(deps: ActionDeps, uid: str) -> int:
    async with UnitOfWork(deps, SYSTEM) as uow:
        return (await do_ensure_customer_by_uid(uow, uid)).id


async def _open(deps: ActionDeps, customer_id: int, text: str, channel: str = "email") -> int:
    customer = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(deps, customer) as uow:
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject=text[:60],
                message=MessageInput(body=text, channel=channel),
            ),
        )
    await deps.pipeline.drain()
    return created.ticket.id


async def _say(deps: ActionDeps, ticket_id: int, text: str) -> Any:
    async with UnitOfWork(deps, SYSTEM) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        customer = make_principal(PrincipalKind.CUSTOMER, ticket.customer_id)
    async with UnitOfWork(deps, customer) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        posted = await do_add_message(
            uow, ticket, Direction.INBOUND, MessageInput(body=text, channel="web_form")
        )
    await deps.pipeline.drain()
    return posted


async def _ticket(deps: ActionDeps, ticket_id: int) -> Ticket:
    async with deps.sessionmaker() as session:
        return await repo.get_ticket(session, ticket_id)


async def test_same_issue_joins_the_open_ticket_and_the_customer_is_told(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = triage
    alice = await _customer(deps, "alice")
    first = await _open(deps, alice, "My BTC withdrawal has been pending for 3 hours")
    other = await _open(deps, alice, "How do I enable two-factor authentication?")
    bus.published.clear()
    again = await _open(
        deps, alice, "Where is my bitcoin withdrawal? Still not arrived after hours", "web_chat"
    )
    dup = await _ticket(deps, again)
    assert dup.merged_into_id == first
    assert dup.status == "closed"
    assert (await _ticket(deps, other)).merged_into_id is None
    notices = [e for e in bus.published if e.type == "notice"]
    assert notices
    assert notices[0].payload["into"] == format_number(first)
    assert customer_stream(alice) in notices[0].streams
    assert notices[0].public
    async with deps.sessionmaker() as session:
        record = (await session.execute(select(TicketMerge))).scalar_one()
        assert (record.source_id, record.target_id, record.reason) == (again, first, "duplicate")
        assert record.similarity is not None
        assert record.similarity >= 0.895
        bodies = [m.body for m, _ in await repo.transcript(session, first, include_internal=False)]
    assert "Where is my bitcoin withdrawal? Still not arrived after hours" in bodies
    # A different customer with the same words is not merged into alice's ticket.
    bob = await _customer(deps, "bob")
    bobs = await _open(deps, bob, "My BTC withdrawal has been pending for 3 hours")
    assert (await _ticket(deps, bobs)).merged_into_id is None


async def test_unmerge_reopens_the_source_with_its_own_messages(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = triage
    carol = await _customer(deps, "carol")
    first = await _open(deps, carol, "I deposited 500 USDT on TRC20 and it is not credited")
    async with UnitOfWork(deps, SYSTEM) as uow:
        uow.session.add(TicketTag(ticket_id=first, tag="vip"))
    second = await _open(deps, carol, "USDT deposit via Tron still missing from my balance")
    assert (await _ticket(deps, second)).merged_into_id == first
    bus.published.clear()
    async with UnitOfWork(deps, AGENT) as uow:
        target = await repo.get_ticket(uow.session, first, lock=True)
        source = await repo.get_ticket(uow.session, second, lock=True)
        await do_unmerge(uow, source, target)
    reopened = await _ticket(deps, second)
    assert (reopened.merged_into_id, reopened.status, reopened.closed_at) == (None, "open", None)
    async with deps.sessionmaker() as session:
        target_msgs = await repo.transcript(session, first, include_internal=False)
        source_msgs = await repo.transcript(session, second, include_internal=False)
        record = (await session.execute(select(TicketMerge))).scalar_one()
    assert [m.body for m, _ in source_msgs] == [
        "USDT deposit via Tron still missing from my balance"
    ]
    assert all(m.ticket_id == first for m, _ in target_msgs)
    assert record.unmerged_at is not None
    unmerged = [e for e in bus.published if e.type == "ticket.unmerged"]
    assert unmerged[0].payload["message_ids"] == [source_msgs[0][0].id]
    # Customers cannot unmerge.
    customer = make_principal(PrincipalKind.CUSTOMER, carol)
    with pytest.raises(PermissionDenied):
        async with UnitOfWork(deps, customer) as uow:
            await do_unmerge(uow, await repo.get_ticket(uow.session, second), reopened)


async def test_many_customers_form_an_incident_with_a_live_count(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = triage
    reports = [
        "ETH withdrawals are delayed, mine is stuck for an hour",
        "My ETH withdrawal is delayed and still pending",
        "Ethereum withdrawal delayed, pending for an hour now",
        "ETH withdrawal stuck, delayed for over an hour",
    ]
    state: dict[int, dict[str, Any]] = {}  # a supervisor's live list, built from events only
    tickets = []
    for n, text in enumerate(reports):
        customer = await _customer(deps, f"eth{n}")
        tickets.append(await _open(deps, customer, text))
        for event in bus.published:
            if event.type.startswith("incident.") and DESK_STREAM in event.streams:
                state[event.payload["incident"]["id"]] = event.payload["incident"]
        bus.published.clear()
    unrelated = await _open(deps, await _customer(deps, "x"), "How do I change my email?")
    async with deps.sessionmaker() as session:
        incidents = await safety_repo.list_incidents(session, None)
        members = await safety_repo.members_of(session, [i.id for i in incidents])
        fresh = {i.id: incident_view(i, members[i.id]) for i in incidents}
    assert state == fresh  # the live view equals a fresh fetch
    (incident,) = incidents
    assert incident.ticket_count == 4
    assert sorted(members[incident.id]) == tickets
    assert unrelated not in members[incident.id]
    # A supervisor resolves it: every member ticket gets a note.
    with pytest.raises(PermissionDenied):
        async with UnitOfWork(deps, AGENT) as uow:
            await do_resolve_incident(uow, incident, "fixed")
    async with UnitOfWork(deps, SUPERVISOR) as uow:
        locked = await safety_repo.get_incident(uow.session, incident.id, lock=True)
        await do_resolve_incident(uow, locked, "ETH node resynced; withdrawals flowing")
    async with deps.sessionmaker() as session:
        for ticket_id in tickets:
            notes = [
                m.body
                for m, _ in await repo.transcript(session, ticket_id, include_internal=True)
                if m.direction == "internal"
            ]
            assert any("ETH node resynced" in n for n in notes)


async def test_abuse_is_marked_and_restricts_the_customer(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = triage
    dan = await _customer(deps, "dan")
    ticket = await _open(deps, dan, "My SOL withdrawal is stuck since yesterday")
    polite = await _say(deps, ticket, "Could you please check it?")
    rude = await _say(deps, ticket, "I will find where you live and hurt you, you idiot")
    async with deps.sessionmaker() as session:
        marks = {
            (m.message_id, m.kind) for m in (await session.execute(select(MessageMark))).scalars()
        }
        row = await session.get(CustomerRestriction, dan)
    assert (rude.message.id, "abuse") in marks
    assert (polite.message.id, "abuse") not in marks
    assert row is not None
    assert row.level == "slow"
    notice = [e for e in bus.published if e.type == "notice"]
    assert notice[-1].payload["level"] == "slow"
    # Slow mode: the next message right away is stored, marked and answered with a notice.
    quick = await _say(deps, ticket, "hello?")
    assert quick.restriction is not None
    assert quick.restriction.outcome == "slowed"
    assert quick.notice()["retry_at"] is not None
    async with deps.sessionmaker() as session:
        kinds = {m.kind for m in await safety_repo.marks_of(session, [quick.message.id])}
    assert "slowed" in kinds


async def test_escalation_to_block_and_supervisor_review(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, _ = triage
    eve = await _customer(deps, "eve")
    ticket_id = await _open(deps, eve, "Deposit missing")
    start = utcnow() - timedelta(minutes=10)
    levels = []
    for step in range(4):
        at = start + timedelta(minutes=2 * step)
        async with UnitOfWork(deps, SYSTEM, clock=lambda at=at: at) as uow:
            ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
            levels.append((await do_record_violation(uow, ticket, 0, "flood")).label)
    assert levels == ["warning", "slow", "muted", "blocked"]
    blocked = await _say(deps, ticket_id, "let me write")
    assert blocked.restriction is not None
    assert blocked.restriction.outcome == "blocked"
    async with deps.sessionmaker() as session:
        stored = await repo.transcript(session, ticket_id, include_internal=False)
    assert blocked.message.id in [m.id for m, _ in stored]  # stored, never dropped
    with pytest.raises(PermissionDenied):
        async with UnitOfWork(deps, AGENT) as uow:
            await do_lift_restriction(uow, eve, "ok")
    async with UnitOfWork(deps, SUPERVISOR) as uow:
        await do_lift_restriction(uow, eve, "reviewed the transcript; customer calmed down")
    free = await _say(deps, ticket_id, "thank you")
    assert free.restriction is None


async def test_flooding_and_repeats_are_marked(triage: tuple[ActionDeps, RecordingBus]) -> None:
    deps, _ = triage
    fay = await _customer(deps, "fay")
    ticket = await _open(deps, fay, "Where is my money")
    posted = [await _say(deps, ticket, "ANSWER ME NOW") for _ in range(4)]
    async with deps.sessionmaker() as session:
        kinds = {m.kind for m in await safety_repo.marks_of(session, [posted[-1].message.id])}
        row = await session.get(CustomerRestriction, fay)
    assert "repeat" in kinds
    assert row is not None
    assert row.level == "warning"


async def test_distressed_customer_gets_priority_and_a_tone_hint(
    triage: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, _ = triage
    gus = await _customer(deps, "gus")
    ticket_id = await _open(
        deps, gus, "My account was hacked and all my savings are gone, please help me!!"
    )
    ticket = await _ticket(deps, ticket_id)
    assert ticket.priority == "high"
    async with deps.sessionmaker() as session:
        tags = (await repo.tags_of(session, [ticket_id]))[ticket_id]
        notes = [
            m.body
            for m, _ in await repo.transcript(session, ticket_id, include_internal=True)
            if m.direction == "internal"
        ]
    assert "tone:distressed" in tags
    assert any(n.startswith("Tone hint: Customer is distressed") for n in notes)
    # Once per tone: a second distressed message does not boost again.
    await _say(deps, ticket_id, "please help me, I am desperate")
    assert (await _ticket(deps, ticket_id)).priority == "high"
    calm = await _open(deps, await _customer(deps, "hal"), "What are the futures trading fees?")
    assert (await _ticket(deps, calm)).priority == "normal"


async def test_running_again_changes_nothing(triage: tuple[ActionDeps, RecordingBus]) -> None:
    """The sweep re-runs a batch a crash left pending: marks, violations, notes, merges and
    incident links happen once."""
    deps, bus = triage
    ivy = await _customer(deps, "ivy")
    first = await _open(deps, ivy, "My account was hacked and my funds are gone, please help!!")
    second = await _open(deps, ivy, "Hacked account, all my funds stolen, help me please")
    rude = await _say(deps, first, "answer me, you idiot")
    async with deps.sessionmaker() as session:
        message_ids = [
            m.id for m, _ in await repo.transcript(session, first, include_internal=False)
        ]
        before = {
            "marks": sorted(
                (m.message_id, m.kind) for m in await safety_repo.marks_of(session, message_ids)
            ),
            "notes": len(await repo.transcript(session, first, include_internal=True)),
            "merges": len((await session.execute(select(TicketMerge))).scalars().all()),
            "restriction": (await session.get(CustomerRestriction, ivy)).level,  # type: ignore[union-attr]
        }
    assert (await _ticket(deps, second)).merged_into_id == first
    assert (rude.message.id, "abuse") in before["marks"]
    events = len(bus.published)
    for enricher in deps.pipeline.enrichers:
        await enricher(message_ids)
    async with deps.sessionmaker() as session:
        after = {
            "marks": sorted(
                (m.message_id, m.kind) for m in await safety_repo.marks_of(session, message_ids)
            ),
            "notes": len(await repo.transcript(session, first, include_internal=True)),
            "merges": len((await session.execute(select(TicketMerge))).scalars().all()),
            "restriction": (await session.get(CustomerRestriction, ivy)).level,  # type: ignore[union-attr]
        }
    assert after == before
    assert len(bus.published) == events


async def test_reports_enriched_at_once_form_one_incident(
    triage: tuple[ActionDeps, RecordingBus], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several enrichers (workers, concurrent batches) placing a surge's tickets at the same
    moment found one incident, not one each."""
    deps, _ = triage
    real_recent = safety_repo.recent_unclustered

    async def slow_recent(*args: Any, **kwargs: Any) -> Any:
        found = await real_recent(*args, **kwargs)
        await asyncio.sleep(0.2)  # widen the window between reading and placing
        return found

    monkeypatch.setattr(safety_repo, "recent_unclustered", slow_recent)
    reports = [
        "SOL deposits are not arriving, mine is missing for an hour",
        "My SOL deposit has not arrived and is still missing",
        "Solana deposit missing, not credited for an hour now",
        "SOL deposit not credited, missing for over an hour",
        "Still no SOL deposit credited, it is missing",
    ]
    deps.pipeline.deferred = True  # stored pending; enriched below, all at once
    message_ids = []
    for n, text in enumerate(reports):
        customer = await _customer(deps, f"sol{n}")
        ticket_id = await _open(deps, customer, text)
        async with deps.sessionmaker() as session:
            ((first, _),) = await repo.transcript(session, ticket_id, include_internal=False)
            message_ids.append(first.id)
    deps.pipeline.deferred = False
    processes = [triage_enricher(deps) for _ in message_ids]  # one enricher per worker
    await asyncio.gather(*(enrich([m]) for enrich, m in zip(processes, message_ids, strict=True)))
    async with deps.sessionmaker() as session:
        incidents = await safety_repo.list_incidents(session, None)
        members = await safety_repo.members_of(session, [i.id for i in incidents])
    assert len(incidents) == 1
    assert len(members[incidents[0].id]) >= 3
