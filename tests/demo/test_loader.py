"""The demo desk loads through the actions on both back ends, covers the whole desk, and loads
only once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.unit_of_work import ActionDeps
from kefu.demo import data
from kefu.demo.loader import load_demo
from kefu.demo.spec import Out
from kefu.domain.enums import TicketStatus
from kefu.domain.secrets import verify_password
from kefu.events.bus import RecordingBus
from kefu.store.models import (
    Agent,
    Attachment,
    AuditEntry,
    Customer,
    Escalation,
    Message,
    Team,
    Ticket,
)
from kefu.store.repositories import people
from kefu.store.repositories import tickets as repo

Deps = tuple[ActionDeps, RecordingBus]


async def _count(session: AsyncSession, model: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _counts(session: AsyncSession) -> dict[str, int]:
    models = (Agent, Team, Customer, Ticket, Message, Attachment, Escalation, AuditEntry)
    return {m.__name__: await _count(session, m) for m in models}


async def test_demo_desk_covers_the_whole_desk(deps: Deps) -> None:
    action_deps, bus = deps
    result = await load_demo(action_deps)

    assert result.loaded
    assert result.teams == 5
    assert result.agents == len(data.STAFF) <= 14
    assert result.customers == len(data.CUSTOMERS) >= 30
    assert result.tickets == len(data.TICKETS) >= 40
    assert bus.published, "events are published after the commit"
    async with action_deps.sessionmaker() as session:
        statuses = await repo.count_by_status(session)
        assert set(statuses) == {s.value for s in TicketStatus}

        teams = {t.slug for t in await people.list_teams(session)}
        assert teams == {"general", "security", "payments", "derivatives", "vip-desk"}
        agents = await people.list_agents(session)
        assert {a.role for a in agents} == {"admin", "supervisor", "agent"}
        assert len({lang for a in agents for lang in a.languages}) >= 8
        logins = {login.email: login.password for login in result.logins}
        admin = await people.agent_by_email(session, data.ADMIN_EMAIL)
        assert admin is not None
        assert verify_password(admin.password_hash, "kefu-demo-admin")
        assert logins["admin@demo.kefu.example"] == "kefu-demo-admin"
        assert logins["supervisor@demo.kefu.example"] == "kefu-demo-supervisor"

        tickets = list((await session.execute(select(Ticket))).scalars())
        assert len({t.language for t in tickets}) >= 8
        assert {t.priority for t in tickets} == {"low", "normal", "high", "urgent"}
        merged = [t for t in tickets if t.merged_into_id is not None]
        assert len(merged) == 1
        assert merged[0].status == "closed"
        assert len([t for t in tickets if t.escalation_level > 0]) >= 2
        assert all(e.reason for e in (await session.execute(select(Escalation))).scalars())

        messages = list((await session.execute(select(Message))).scalars())
        directions = {m.direction for m in messages}
        assert directions == {"inbound", "outbound", "internal"}
        # Replies and notes are written by named agents, not by "system".
        staff_messages = [m for m in messages if m.direction != "inbound"]
        assert all(m.author_kind == "agent" and m.author_id for m in staff_messages)
        assert await _count(session, Attachment) >= 3

        # The merged duplicate's messages show up in the target's transcript.
        target = merged[0].merged_into_id
        assert target is not None
        transcript = await repo.transcript(session, target, include_internal=True)
        assert {m.ticket_id for m, _ in transcript} == {target, merged[0].id}


async def test_loading_twice_changes_nothing(deps: Deps) -> None:
    action_deps, bus = deps
    first = await load_demo(action_deps)
    await action_deps.pipeline.drain()  # the first load's enrichment (lookalike warnings)
    async with action_deps.sessionmaker() as session:
        before = await _counts(session)
    bus.published.clear()

    second = await load_demo(action_deps)

    assert first.loaded
    assert not second.loaded
    assert second.logins == first.logins
    assert bus.published == []
    async with action_deps.sessionmaker() as session:
        assert await _counts(session) == before


def test_agents_reply_in_a_language_they_speak() -> None:
    languages = {s.key: s.languages for s in data.STAFF}
    for ticket in data.TICKETS:
        for step in ticket.steps:
            if isinstance(step, Out):
                assert ticket.language in languages[step.agent], (ticket.key, step.agent)


def test_scenario_keys_are_unique() -> None:
    assert len({t.key for t in data.TICKETS}) == len(data.TICKETS)
    assert len({c.key for c in data.CUSTOMERS}) == len(data.CUSTOMERS)
    assert len({s.key for s in data.STAFF}) == len(data.STAFF)
