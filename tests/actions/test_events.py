"""Actions: events go out only after commit, failures leave nothing, audit has before/after."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kefu.actions.agents import AgentInput, do_create_agent, do_update_agent
from kefu.actions.customers import CustomerInput, do_create_customer, do_update_customer
from kefu.actions.messages import MessageInput, do_add_note
from kefu.actions.tickets import (
    TicketInput,
    do_assign,
    do_change_status,
    do_create_ticket,
    do_set_tags,
    do_update_ticket,
)
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Priority, Role, TicketStatus
from kefu.domain.errors import InvalidTransition, PermissionDenied
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.events.bus import DESK_STREAM, RecordingBus
from kefu.store.models import AuditEntry, Customer, Message, Ticket
from kefu.store.repositories import people

Deps = tuple[ActionDeps, RecordingBus]


async def _setup(deps: ActionDeps, bus: RecordingBus) -> tuple[Principal, int, int]:
    """An agent principal, its agent id, and a customer id."""
    async with UnitOfWork(deps, SYSTEM) as uow:
        agent = await do_create_agent(
            uow, AgentInput(email="a@test.example", name="A", role=Role.AGENT)
        )
        customer = await do_create_customer(uow, CustomerInput(uid="U1", name="Una"))
    bus.published.clear()
    return make_principal(PrincipalKind.AGENT, agent.id, Role.AGENT), agent.id, customer.id


def _ticket_input(customer_id: int, **kw: Any) -> TicketInput:
    return TicketInput(
        customer_id=customer_id,
        subject="Withdrawal stuck",
        message=MessageInput(body="Help", channel="api"),
        **kw,
    )


async def _count(deps: ActionDeps, model: Any) -> int:
    async with deps.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _audit(deps: ActionDeps, action: str | None = None) -> list[AuditEntry]:
    async with deps.sessionmaker() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            stmt = stmt.where(AuditEntry.action == action)
        return list((await session.execute(stmt)).scalars())


async def test_events_are_published_after_commit(deps: Deps) -> None:
    action_deps, bus = deps
    actor, _, customer_id = await _setup(action_deps, bus)
    sub = bus.subscription()
    await sub.add(DESK_STREAM)
    first = asyncio.ensure_future(sub.get())
    async with UnitOfWork(action_deps, actor, request_id="req-1") as uow:
        ticket = (await do_create_ticket(uow, _ticket_input(customer_id))).ticket
        await asyncio.sleep(0.01)
        assert [e.type for e in uow.events] == ["ticket.created", "message.created"]
        assert bus.published == []
        assert not first.done()
        # Not visible to anyone else before commit either.
        assert await _count(action_deps, Ticket) == 0
    assert [e.type for e in bus.published] == ["ticket.created", "message.created"]
    event = await asyncio.wait_for(first, 1)
    assert event is not None
    assert event.type == "ticket.created"
    assert event.payload["ticket"]["id"] == ticket.id
    assert f"ticket:{ticket.id}" in event.streams
    assert f"customer:{customer_id}" in event.streams
    await sub.close()
    assert await _count(action_deps, Ticket) == 1
    audit = await _audit(action_deps, "ticket.create")
    assert audit[0].request_id == "req-1"
    assert audit[0].actor_kind == "agent"
    assert audit[0].after is not None
    assert audit[0].after["subject"] == "Withdrawal stuck"


async def test_failing_action_publishes_and_writes_nothing(deps: Deps) -> None:
    action_deps, bus = deps
    actor, _, customer_id = await _setup(action_deps, bus)
    audit_before = len(await _audit(action_deps))

    async def work() -> None:
        async with UnitOfWork(action_deps, actor) as uow:
            ticket = (await do_create_ticket(uow, _ticket_input(customer_id, tags=("vip",)))).ticket
            await do_add_note(uow, ticket, "internal")
            await do_change_status(uow, ticket, TicketStatus.CLOSED)  # new → closed: refused

    with pytest.raises(InvalidTransition):
        await work()
    assert bus.published == []
    assert await _count(action_deps, Ticket) == 0
    assert await _count(action_deps, Message) == 0
    assert len(await _audit(action_deps)) == audit_before


async def test_any_exception_rolls_back_everything(deps: Deps) -> None:
    action_deps, bus = deps
    actor, _, customer_id = await _setup(action_deps, bus)

    async def work() -> None:
        async with UnitOfWork(action_deps, actor) as uow:
            await do_create_ticket(uow, _ticket_input(customer_id))
            customer = await uow.session.get(Customer, customer_id)
            assert customer is not None
            await do_update_customer(uow, customer, {"tier": "vip3"})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await work()
    assert bus.published == []
    assert await _count(action_deps, Ticket) == 0
    async with action_deps.sessionmaker() as session:
        customer = await session.get(Customer, customer_id)
        assert customer is not None
        assert customer.tier == "standard"


async def test_permission_failure_writes_nothing(deps: Deps) -> None:
    action_deps, bus = deps
    _, _, customer_id = await _setup(action_deps, bus)
    someone_else = make_principal(PrincipalKind.CUSTOMER, customer_id + 1000)
    with pytest.raises(PermissionDenied):
        async with UnitOfWork(action_deps, someone_else) as uow:
            await do_create_ticket(uow, _ticket_input(customer_id))
    assert bus.published == []
    assert await _count(action_deps, Ticket) == 0


async def test_failed_commit_publishes_nothing(deps: Deps) -> None:
    action_deps, bus = deps
    actor, _, customer_id = await _setup(action_deps, bus)
    async with UnitOfWork(action_deps, actor) as uow:
        await do_create_ticket(uow, _ticket_input(customer_id))
        uow.remember_response("agent:1:0", "key-1", "f" * 64, 201, {"ok": True})
    published = list(bus.published)
    assert len(published) == 2

    async def again() -> None:
        async with UnitOfWork(action_deps, actor) as uow:
            await do_create_ticket(uow, _ticket_input(customer_id))
            uow.remember_response("agent:1:0", "key-1", "f" * 64, 201, {"ok": True})

    with pytest.raises(IntegrityError):
        await again()
    assert bus.published == published
    assert await _count(action_deps, Ticket) == 1


async def test_unit_of_work_outside_its_block(deps: Deps) -> None:
    action_deps, _ = deps
    uow = UnitOfWork(action_deps, SYSTEM)
    with pytest.raises(RuntimeError, match="outside"):
        _ = uow.session


async def test_audit_has_before_and_after(deps: Deps) -> None:
    action_deps, bus = deps
    actor, agent_id, customer_id = await _setup(action_deps, bus)
    supervisor = make_principal(PrincipalKind.TOKEN, agent_id, Role.SUPERVISOR, token_id=5)
    async with UnitOfWork(action_deps, actor) as uow:
        ticket = (await do_create_ticket(uow, _ticket_input(customer_id, tags=("btc",)))).ticket
    async with UnitOfWork(action_deps, actor) as uow:
        t = await uow.session.get(Ticket, ticket.id)
        assert t is not None
        await do_change_status(uow, t, TicketStatus.PENDING)
        await do_update_ticket(uow, t, {"priority": Priority.URGENT, "intent": "withdrawal"})
        await do_set_tags(uow, t, ["VIP"], ["btc"])
        await do_add_note(uow, t, "checked")
    async with UnitOfWork(action_deps, supervisor) as uow:
        t = await uow.session.get(Ticket, ticket.id)
        assert t is not None
        await do_assign(uow, t, agent_id)
        customer = await uow.session.get(Customer, customer_id)
        assert customer is not None
        await do_update_customer(uow, customer, {"tier": "vip2", "name": "Una"})
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        agent = await people.get_agent(uow.session, agent_id)
        await do_update_agent(uow, agent, {"status": "online", "languages": ["en"]})
    entries = {a.action: a for a in await _audit(action_deps)}
    assert entries["ticket.status"].before == {"status": "new"}
    assert entries["ticket.status"].after == {"status": "pending"}
    assert entries["ticket.update"].before == {"priority": "normal", "intent": None}
    assert entries["ticket.update"].after == {"priority": "urgent", "intent": "withdrawal"}
    assert entries["ticket.tags"].before == {"tags": ["btc"]}
    assert entries["ticket.tags"].after == {"tags": ["vip"]}
    assert entries["ticket.assign"].before == {"assignee_id": None, "team_id": None}
    assert entries["ticket.assign"].after == {"assignee_id": agent_id, "team_id": None}
    assert entries["ticket.assign"].actor_kind == "token"
    assert entries["ticket.assign"].actor_id == agent_id
    # Only what changed: the name was already "Una".
    assert entries["customer.update"].before == {"tier": "standard"}
    assert entries["customer.update"].after == {"tier": "vip2"}
    assert entries["agent.update"].before == {"status": "offline", "languages": []}
    assert entries["agent.update"].after == {"status": "online", "languages": ["en"]}
    assert entries["agent.update"].actor_kind == "system"
    assert entries["agent.update"].actor_id is None
    assert entries["note.create"].entity == "message"
    # Internal things are not announced to customers.
    by_type = [(e.type, e.public) for e in bus.published]
    assert ("message.created", False) in by_type  # the note
    # Tag changes are internal; who is handling the chat is not (the customer sees it).
    updates = [e for e in bus.published if e.type == "ticket.updated"]
    tagged = [e for e in updates if e.payload["ticket"]["tags"] == ["vip"]]
    assigned = [e for e in updates if e.payload["ticket"]["assignee_id"] == agent_id]
    assert tagged
    assert not tagged[0].public
    assert assigned[0].public


async def test_no_change_no_audit_no_event(deps: Deps) -> None:
    action_deps, bus = deps
    actor, _, customer_id = await _setup(action_deps, bus)
    async with UnitOfWork(action_deps, actor) as uow:
        ticket = (await do_create_ticket(uow, _ticket_input(customer_id, tags=("vip",)))).ticket
    bus.published.clear()
    before = len(await _audit(action_deps))
    async with UnitOfWork(action_deps, actor) as uow:
        t = await uow.session.get(Ticket, ticket.id)
        assert t is not None
        await do_set_tags(uow, t, ["vip"], [])
        await do_update_ticket(uow, t, {"priority": Priority.NORMAL})
    assert bus.published == []
    assert len(await _audit(action_deps)) == before
