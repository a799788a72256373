"""On PostgreSQL, 64 concurrent claimers over 500 waiting tickets: no ticket is assigned twice
and no agent goes over capacity."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from kefu.actions.agents import AgentInput, do_create_agent
from kefu.actions.customers import CustomerInput, do_create_customer
from kefu.actions.messages import MessageInput
from kefu.actions.presence import do_set_presence
from kefu.actions.routing import do_get_next
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import AgentStatus
from kefu.domain.permissions import SYSTEM
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.models import AuditEntry, Ticket

CLAIMERS = 64
TICKETS = 500
CAPACITY = 9  # 64 × 9 = 576 slots: enough for all, so every ticket must end up assigned


@pytest.mark.slow
async def test_64_claimers_over_500_tickets_never_double_assign(settings: Settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("the SKIP LOCKED claim is PostgreSQL's; SQLite serialises writers")
    engine = make_engine(settings.database_url, 40, schema=settings.database_schema)
    deps = ActionDeps(
        make_sessionmaker(engine), RecordingBus(), FileStore(settings.attachments_dir)
    )
    try:
        await _run(deps)
    finally:
        await engine.dispose()


async def _run(deps: ActionDeps) -> None:
    agents: list[int] = []
    async with UnitOfWork(deps, SYSTEM) as uow:
        for i in range(CLAIMERS):
            agent = await do_create_agent(
                uow,
                AgentInput(
                    email=f"c{i}@x.example",
                    name=f"c{i}",
                    languages=("en",),
                    skills=("deposits",),
                    capacity={"chat": CAPACITY},
                ),
            )
            await do_set_presence(uow, agent, AgentStatus.ONLINE)
            agents.append(agent.id)
        customer = await do_create_customer(uow, CustomerInput(uid="C"))
        for i in range(TICKETS):
            await do_create_ticket(
                uow,
                TicketInput(
                    customer_id=customer.id,
                    subject=f"chat {i}",
                    message=MessageInput(body="stuck", channel="web_chat"),
                    language="en",
                    intent="deposit_missing",
                ),
            )

    claimed: list[tuple[int, int]] = []

    async def claimer(agent_id: int) -> None:
        while True:
            async with UnitOfWork(deps, SYSTEM) as uow:
                ticket = await do_get_next(uow, agent_id)
            if ticket is None:
                return
            claimed.append((ticket.id, agent_id))

    await asyncio.gather(*(claimer(a) for a in agents))
    per_ticket = Counter(t for t, _ in claimed)
    assert len(claimed) == TICKETS
    assert max(per_ticket.values()) == 1
    assert max(Counter(a for _, a in claimed).values()) <= CAPACITY
    async with deps.sessionmaker() as session:
        rows = dict(
            (
                await session.execute(
                    select(Ticket.assignee_id, func.count()).group_by(Ticket.assignee_id)
                )
            ).all()
        )
        claims = (
            await session.execute(select(func.count()).where(AuditEntry.action == "routing.claim"))
        ).scalar_one()
    assert None not in rows
    assert sum(rows.values()) == TICKETS
    assert max(rows.values()) <= CAPACITY
    assert claims == TICKETS  # one claim each, however many claimers raced for it
