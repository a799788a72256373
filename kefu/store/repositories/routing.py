"""Reads for routing: agents as routing sees them, waiting tickets, shifts, SLA inputs.

Routing's clock is float seconds since the Unix epoch (`datetime.timestamp()`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.routing.model import AgentState, WaitingTicket
from kefu.domain.routing.schedule import Schedule, Span, parse_span
from kefu.domain.routing.skills import DEFAULT_SKILLS, skill_for_intent
from kefu.domain.routing.sla import DEFAULT_POLICY, SlaMetric, SlaPolicy, SlaRule, TeamCalendar
from kefu.store.models import (
    Agent,
    AgentProfile,
    AgentShift,
    AuditEntry,
    BusinessCalendar,
    Customer,
    Message,
    ShiftException,
    SlaPolicyRule,
    Team,
    Ticket,
    TicketSla,
)

# A ticket waits for an agent while it is new or open, unassigned and not merged away; it holds
# one of the agent's slots on its channel while it is new or open and assigned to them.
ACTIVE = ("new", "open")
DEFAULT_LANGUAGE = "en"
CAPACITY_ALIASES = {"chat": "web_chat"}  # agent profiles say "chat" for the web chat channel


@dataclass(frozen=True)
class AgentRow:
    agent: Agent
    profile: AgentProfile | None
    schedule: Schedule | None  # None: no shifts, on shift whenever online


async def agent_rows(
    session: AsyncSession, agent_ids: Sequence[int] | None = None, *, lock: bool = False
) -> list[AgentRow]:
    """Active agents with their routing profile and schedule (`lock`: their rows, by id)."""
    stmt = select(Agent).where(Agent.active.is_(True)).order_by(Agent.id)
    if agent_ids is not None:
        stmt = stmt.where(Agent.id.in_(agent_ids))
    if lock:
        stmt = stmt.with_for_update()
    agents = list((await session.execute(stmt)).scalars())
    ids = [a.id for a in agents]
    if not ids:
        return []
    profiles = {
        p.agent_id: p
        for p in (
            await session.execute(select(AgentProfile).where(AgentProfile.agent_id.in_(ids)))
        ).scalars()
    }
    shifts: dict[int, list[AgentShift]] = defaultdict(list)
    for shift in (
        await session.execute(select(AgentShift).where(AgentShift.agent_id.in_(ids)))
    ).scalars():
        shifts[shift.agent_id].append(shift)
    exceptions: dict[int | None, list[ShiftException]] = defaultdict(list)
    stmt_ex = select(ShiftException).where(
        (ShiftException.agent_id.in_(ids)) | (ShiftException.agent_id.is_(None))
    )
    for row in (await session.execute(stmt_ex)).scalars():
        exceptions[row.agent_id].append(row)
    out = []
    for agent in agents:
        profile = profiles.get(agent.id)
        schedule = None
        if profile is not None and profile.uses_shifts:
            schedule = build_schedule(
                agent.timezone, shifts[agent.id], exceptions[agent.id], exceptions[None]
            )
        out.append(AgentRow(agent, profile, schedule))
    return out


def build_schedule(
    zone: str,
    shifts: Iterable[AgentShift],
    own: Iterable[ShiftException],
    desk: Iterable[ShiftException],
) -> Schedule:
    weekly: dict[int, list[Span]] = defaultdict(list)
    for shift in shifts:
        weekly[shift.weekday].append(parse_span(f"{shift.starts}-{shift.ends}"))
    holidays = {date.fromisoformat(e.day) for e in desk if not e.spans}
    changed = {date.fromisoformat(e.day): tuple(parse_span(s) for s in e.spans) for e in own}
    return Schedule(
        zone=zone,
        weekly={day: tuple(spans) for day, spans in weekly.items()},
        exceptions=changed,
        holidays=frozenset(holidays),
    )


async def loads(session: AsyncSession, agent_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Active tickets each agent holds, by channel."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not agent_ids:
        return out
    stmt = (
        select(Ticket.assignee_id, Ticket.channel, func.count())
        .where(
            Ticket.assignee_id.in_(agent_ids),
            Ticket.status.in_(ACTIVE),
            Ticket.merged_into_id.is_(None),
        )
        .group_by(Ticket.assignee_id, Ticket.channel)
    )
    for agent_id, channel, count in await session.execute(stmt):
        if agent_id is not None:
            out[agent_id][channel] = count
    return out


def agent_state(row: AgentRow, load: dict[str, int], at: datetime) -> AgentState:
    agent, profile = row.agent, row.profile
    idle = profile.idle_since if profile is not None and profile.idle_since else agent.created_at
    return AgentState(
        id=agent.id,
        languages=frozenset(agent.languages or ()),
        # An agent with no skills listed is a generalist: any skill.
        skills=frozenset(agent.skills or DEFAULT_SKILLS),
        capacity={CAPACITY_ALIASES.get(k, k): v for k, v in (agent.capacity or {}).items()},
        load=load,
        certifications=frozenset(profile.certifications if profile else ()),
        status=agent.status,
        on_shift=row.schedule is None or row.schedule.is_open(at),
        idle_since=idle.timestamp(),
        vip_desk=bool(profile and profile.vip_desk),
    )


async def agent_states(
    session: AsyncSession,
    at: datetime,
    agent_ids: Sequence[int] | None = None,
    *,
    lock: bool = False,
) -> list[AgentState]:
    rows = await agent_rows(session, agent_ids, lock=lock)
    held = await loads(session, [r.agent.id for r in rows])
    return [agent_state(r, held.get(r.agent.id, {}), at) for r in rows]


async def sla_policy(session: AsyncSession) -> SlaPolicy:
    """The stored rules, or kefu's default policy when none are stored."""
    rows = list((await session.execute(select(SlaPolicyRule).order_by(SlaPolicyRule.id))).scalars())
    if not rows:
        return DEFAULT_POLICY
    return SlaPolicy(rules=tuple(sla_rule(r) for r in rows))


def sla_rule(row: SlaPolicyRule) -> SlaRule:
    def span(seconds: float | None) -> timedelta | None:
        return None if seconds is None else timedelta(seconds=seconds)

    return SlaRule(
        first_response=span(row.first_response_seconds),
        next_response=span(row.next_response_seconds),
        resolution=span(row.resolution_seconds),
        priority=row.priority,
        tier=row.tier,
        channel=row.channel,
        calendar=row.calendar,
    )


async def team_calendars(session: AsyncSession) -> list[TeamCalendar]:
    rows = await session.execute(select(Team.id, Team.calendar, Team.languages).order_by(Team.id))
    return [TeamCalendar(i, cal, frozenset(langs or ())) for i, cal, langs in rows]


async def calendars(session: AsyncSession) -> dict[str, Schedule]:
    out: dict[str, Schedule] = {}
    for row in (await session.execute(select(BusinessCalendar))).scalars():
        out[row.name] = Schedule(
            zone=row.zone,
            weekly={int(d): tuple(parse_span(s) for s in spans) for d, spans in row.weekly.items()},
            holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        )
    return out


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket as routing reads it (plain columns: a claim loads hundreds)."""

    id: int
    language: str | None
    intent: str | None
    channel: str
    priority: str
    created_at: datetime
    tier: str
    account_manager_id: int | None


async def waiting(
    session: AsyncSession,
    *,
    languages: Iterable[str] | None = None,
    channels: Iterable[str] | None = None,
    ticket_ids: Sequence[int] | None = None,
    limit: int = 5000,
) -> list[Waiting]:
    """Unassigned active tickets (oldest first), with their customer's tier and manager."""
    stmt = (
        select(
            Ticket.id,
            Ticket.language,
            Ticket.intent,
            Ticket.channel,
            Ticket.priority,
            Ticket.created_at,
            Customer.tier,
            Customer.account_manager_id,
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Ticket.assignee_id.is_(None),
            Ticket.status.in_(ACTIVE),
            Ticket.merged_into_id.is_(None),
        )
        .order_by(Ticket.id)
        .limit(limit)
    )
    if ticket_ids is not None:
        stmt = stmt.where(Ticket.id.in_(list(ticket_ids)))
    if channels is not None:
        stmt = stmt.where(Ticket.channel.in_(list(channels)))
    if languages is not None:
        langs = list(languages)
        if DEFAULT_LANGUAGE in langs:
            stmt = stmt.where(Ticket.language.in_(langs) | Ticket.language.is_(None))
        else:
            stmt = stmt.where(Ticket.language.in_(langs))
    return [Waiting(*row) for row in await session.execute(stmt)]


async def first_response_deadlines(
    session: AsyncSession, ticket_ids: Sequence[int]
) -> dict[int, datetime]:
    if not ticket_ids:
        return {}
    stmt = select(TicketSla.ticket_id, TicketSla.deadline_at).where(
        TicketSla.ticket_id.in_(ticket_ids),
        TicketSla.metric == SlaMetric.FIRST_RESPONSE.value,
        TicketSla.deadline_at.is_not(None),
    )
    return {tid: at for tid, at in await session.execute(stmt) if at is not None}


def waiting_ticket(
    item: Waiting, policy: SlaPolicy, deadline: datetime | None = None
) -> WaitingTicket:
    if deadline is None:
        rule = policy.rule_for(item.priority, item.tier, item.channel)
        target = rule.first_response if rule is not None else None
        deadline = item.created_at + target if target is not None else None
    return WaitingTicket(
        id=item.id,
        language=item.language or DEFAULT_LANGUAGE,
        skill=skill_for_intent(item.intent),
        channel=item.channel,
        tier=item.tier,
        priority=item.priority,
        enqueued_at=item.created_at.timestamp(),
        deadline=deadline.timestamp() if deadline is not None else None,
        account_manager_id=item.account_manager_id,
    )


async def lock_unassigned(session: AsyncSession, ticket_ids: Sequence[int]) -> list[Ticket]:
    """Of these tickets, those still unassigned and not locked by another claim, now locked
    (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite serialises writers, so the check suffices)."""
    if not ticket_ids:
        return []
    stmt = (
        select(Ticket)
        .where(Ticket.id.in_(ticket_ids), Ticket.assignee_id.is_(None))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)  # fresh values, read under the lock
    )
    return list((await session.execute(stmt)).scalars())


async def held_by(session: AsyncSession, agent_id: int) -> list[Ticket]:
    stmt = (
        select(Ticket)
        .where(
            Ticket.assignee_id == agent_id,
            Ticket.status.in_(ACTIVE),
            Ticket.merged_into_id.is_(None),
        )
        .order_by(Ticket.id)
    )
    return list((await session.execute(stmt)).scalars())


async def offline_holders(session: AsyncSession, channels: Sequence[str]) -> list[int]:
    """Offline agents still holding active tickets on these (live) channels."""
    stmt = (
        select(Ticket.assignee_id)
        .join(Agent, Agent.id == Ticket.assignee_id)
        .where(
            Agent.status == "offline",
            Ticket.status.in_(ACTIVE),
            Ticket.channel.in_(channels),
            Ticket.merged_into_id.is_(None),
        )
        .distinct()
    )
    return [a for (a,) in await session.execute(stmt) if a is not None]


async def histories(
    session: AsyncSession, ticket_ids: Sequence[int]
) -> tuple[dict[int, list[tuple[datetime, str]]], dict[int, list[tuple[datetime, str]]]]:
    """Messages (customer-visible) and status changes of these tickets, oldest first."""
    messages: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    statuses: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    if not ticket_ids:
        return messages, statuses
    rows = await session.execute(
        select(Message.ticket_id, Message.created_at, Message.direction)
        .where(Message.ticket_id.in_(ticket_ids), Message.direction != "internal")
        .order_by(Message.id)
    )
    for ticket_id, at, direction in rows:
        messages[ticket_id].append((at, direction))
    audits = await session.execute(
        select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.after)
        .where(
            AuditEntry.entity == "ticket",
            AuditEntry.action == "ticket.status",
            AuditEntry.entity_id.in_(ticket_ids),
        )
        .order_by(AuditEntry.id)
    )
    for ticket_id, at, after in audits:
        if isinstance(after, dict) and "status" in after:
            statuses[ticket_id].append((at, str(after["status"])))
    return messages, statuses


async def sla_rows(session: AsyncSession, ticket_ids: Sequence[int]) -> dict[int, list[TicketSla]]:
    out: dict[int, list[TicketSla]] = defaultdict(list)
    if ticket_ids:
        stmt = select(TicketSla).where(TicketSla.ticket_id.in_(ticket_ids))
        for row in (await session.execute(stmt)).scalars():
            out[row.ticket_id].append(row)
    return out


async def open_ticket_ids(session: AsyncSession, limit: int = 10_000) -> list[int]:
    stmt = (
        select(Ticket.id)
        .where(Ticket.status.not_in(("solved", "closed")), Ticket.merged_into_id.is_(None))
        .order_by(Ticket.id)
        .limit(limit)
    )
    return [i for (i,) in await session.execute(stmt)]


async def calendar_rows(session: AsyncSession) -> dict[str, BusinessCalendar]:
    return {r.name: r for r in (await session.execute(select(BusinessCalendar))).scalars()}


async def recent_handle_seconds(
    session: AsyncSession, since: datetime, channel: str, limit: int = 200
) -> list[float]:
    """How long recently solved tickets on a channel took from first response to solved."""
    stmt = (
        select(Ticket.first_response_at, Ticket.solved_at)
        .where(
            Ticket.channel == channel,
            Ticket.solved_at.is_not(None),
            Ticket.solved_at >= since,
            Ticket.first_response_at.is_not(None),
        )
        .order_by(Ticket.solved_at.desc())
        .limit(limit)
    )
    out = []
    for start, end in await session.execute(stmt):
        if start is not None and end is not None and end > start:
            out.append((end - start).total_seconds())
    return out
