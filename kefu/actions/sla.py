"""SLA clocks of tickets: computed from their history (kefu/domain/routing/sla_replay.py),
stored by the sweep so each warning and breach is announced once, breaches escalated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.tickets import MAX_ESCALATION_LEVEL, do_escalate
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.routing.sla import SlaClock, SlaMetric, SlaState, calendar_for, team_calendar
from kefu.domain.routing.sla_replay import History, replay
from kefu.events.bus import DESK_STREAM, Event, agent_stream
from kefu.store.models import Customer, Ticket, TicketSla
from kefu.store.repositories import routing as routing_repo
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import iso

METRIC_NAMES = {
    SlaMetric.FIRST_RESPONSE: "first response",
    SlaMetric.NEXT_RESPONSE: "next response",
    SlaMetric.RESOLUTION: "resolution",
}


async def clocks_of(
    session: AsyncSession, tickets: Sequence[Ticket]
) -> dict[int, dict[SlaMetric, SlaClock]]:
    """Each ticket's SLA clocks under the policy and calendars in force."""
    if not tickets:
        return {}
    policy = await routing_repo.sla_policy(session)
    calendars = await routing_repo.calendars(session)
    teams = await routing_repo.team_calendars(session)
    tiers = dict(
        (
            await session.execute(
                select(Customer.id, Customer.tier).where(
                    Customer.id.in_({t.customer_id for t in tickets})
                )
            )
        ).all()
    )
    messages, statuses = await routing_repo.histories(session, [t.id for t in tickets])
    out: dict[int, dict[SlaMetric, SlaClock]] = {}
    for ticket in tickets:
        rule = policy.rule_for(
            ticket.priority, tiers.get(ticket.customer_id, "standard"), ticket.channel
        )
        if rule is None:
            out[ticket.id] = {}
            continue
        history = History(
            ticket.created_at, messages.get(ticket.id, []), statuses.get(ticket.id, [])
        )
        team = team_calendar(ticket.team_id, ticket.language, teams)
        calendar = calendar_for(rule, calendars, team)
        out[ticket.id] = replay(history, rule, calendar, policy.warn_at)
    return out


def clock_view(clock: SlaClock, now: datetime) -> dict[str, Any]:
    return {
        "state": clock.state(now).value,
        "target_seconds": round(clock.target),
        "used_seconds": round(clock.used(now)),
        "deadline": iso(clock.deadline()),
        "paused": clock.since is None and clock.stopped_at is None,
    }


async def sla_view(session: AsyncSession, ticket: Ticket, now: datetime) -> dict[str, Any]:
    clocks = (await clocks_of(session, [ticket])).get(ticket.id, {})
    return {metric.value: clock_view(clock, now) for metric, clock in clocks.items()}


@dataclass(frozen=True)
class SlaNotice:
    ticket_id: int
    metric: str
    state: str  # warning | breached


async def do_sweep_sla(uow: UnitOfWork, now: datetime, limit: int = 5000) -> list[SlaNotice]:
    """Store every open ticket's clocks; announce new warnings; escalate new breaches."""
    session = uow.session
    ids = await routing_repo.open_ticket_ids(session, limit)
    tickets = [
        t for t in (await session.execute(select(Ticket).where(Ticket.id.in_(ids)))).scalars()
    ]
    clocks = await clocks_of(session, tickets)
    stored = await routing_repo.sla_rows(session, ids)
    notices: list[SlaNotice] = []
    for ticket in tickets:
        rows = {r.metric: r for r in stored.get(ticket.id, [])}
        for metric, clock in clocks.get(ticket.id, {}).items():
            state = clock.state(now)
            row = rows.get(metric.value)
            if row is None:
                row = TicketSla(ticket_id=ticket.id, metric=metric.value)
                session.add(row)
            row.state = state.value
            row.target_seconds = clock.target
            row.used_seconds = clock.used(now)
            row.deadline_at = clock.deadline()
            row.updated_at = now
            if state == SlaState.WARNING and row.warned_at is None:
                row.warned_at = now
                notices.append(SlaNotice(ticket.id, metric.value, "warning"))
            elif state == SlaState.BREACHED and row.breached_at is None:
                row.breached_at = now
                row.warned_at = row.warned_at or now
                notices.append(SlaNotice(ticket.id, metric.value, "breached"))
    by_id = {t.id: t for t in tickets}
    for notice in notices:
        ticket = by_id[notice.ticket_id]
        payload = {"ticket_id": ticket.id, "metric": notice.metric, "state": notice.state}
        streams = (DESK_STREAM,) + (
            (agent_stream(ticket.assignee_id),) if ticket.assignee_id else ()
        )
        uow.emit(Event(f"sla.{notice.state}", streams, payload, public=False))
        uow.audit(f"sla.{notice.state}", "ticket", ticket.id, after=payload)
        if notice.state == "breached" and ticket.escalation_level < MAX_ESCALATION_LEVEL:
            locked = await repo.get_ticket(session, ticket.id, lock=True)
            await do_escalate(
                uow,
                locked,
                f"SLA breached: {METRIC_NAMES[SlaMetric(notice.metric)]}",
                trigger="sla_breach",
            )
    return notices
