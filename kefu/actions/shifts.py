"""Routing set-up: agents' certifications and desks, weekly shifts and exceptions, SLA rules
and business calendars. Admin changes, audited like any other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import InvalidInput
from kefu.domain.permissions import Perm
from kefu.domain.routing.schedule import check_zone, parse_span
from kefu.domain.routing.sla import ALWAYS
from kefu.events.bus import DESK_STREAM, Event
from kefu.store.models import (
    Agent,
    AgentProfile,
    AgentShift,
    BusinessCalendar,
    ShiftException,
    SlaPolicyRule,
    Team,
)
from kefu.store.repositories import routing as routing_repo


@dataclass(frozen=True)
class ShiftSpan:
    weekday: int  # 0 = Monday
    starts: str  # HH:MM in the agent's time zone
    ends: str  # HH:MM; not after `starts`: the shift runs past midnight


def _hours(text: str) -> str:
    try:
        parse_span(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return text


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidInput(f"invalid date {text!r}: use YYYY-MM-DD") from None


async def _profile(uow: UnitOfWork, agent: Agent) -> AgentProfile:
    profile = await uow.session.get(AgentProfile, agent.id)
    if profile is None:
        profile = AgentProfile(agent_id=agent.id, certifications=[], vip_desk=False)
        profile.uses_shifts = False
        uow.session.add(profile)
        await uow.session.flush()
    return profile


def _changed(uow: UnitOfWork, agent_id: int, what: str) -> None:
    uow.emit(Event("routing.changed", (DESK_STREAM,), {"agent_id": agent_id, "what": what}))


async def do_set_routing_profile(
    uow: UnitOfWork, agent: Agent, *, certifications: Sequence[str], vip_desk: bool
) -> AgentProfile:
    uow.require(Perm.AGENTS_WRITE)
    profile = await _profile(uow, agent)
    before = {"certifications": list(profile.certifications), "vip_desk": profile.vip_desk}
    profile.certifications = sorted({c.strip() for c in certifications if c.strip()})
    profile.vip_desk = vip_desk
    after = {"certifications": profile.certifications, "vip_desk": vip_desk}
    if before != after:
        uow.audit("agent.routing_profile", "agent", agent.id, before=before, after=after)
        _changed(uow, agent.id, "profile")
    return profile


async def do_set_shifts(uow: UnitOfWork, agent: Agent, spans: Sequence[ShiftSpan]) -> None:
    """Replace the agent's weekly shifts. No spans: the agent works whenever online."""
    uow.require(Perm.AGENTS_WRITE)
    check_zone_or_400(agent.timezone)
    seen = set()
    for span in spans:
        if span.weekday not in range(7):
            raise InvalidInput("weekday is 0 (Monday) to 6 (Sunday)")
        _hours(f"{span.starts}-{span.ends}")
        if (span.weekday, span.starts) in seen:
            raise InvalidInput(f"two shifts start at {span.starts} on weekday {span.weekday}")
        seen.add((span.weekday, span.starts))
    await uow.session.execute(delete(AgentShift).where(AgentShift.agent_id == agent.id))
    uow.session.add_all(
        AgentShift(agent_id=agent.id, weekday=s.weekday, starts=s.starts, ends=s.ends)
        for s in spans
    )
    profile = await _profile(uow, agent)
    profile.uses_shifts = bool(spans)
    uow.audit(
        "agent.shifts",
        "agent",
        agent.id,
        after={"shifts": [[s.weekday, s.starts, s.ends] for s in spans]},
    )
    _changed(uow, agent.id, "shifts")


def check_zone_or_400(zone: str) -> None:
    try:
        check_zone(zone)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


async def do_set_shift_exception(
    uow: UnitOfWork, agent_id: int | None, day: str, spans: Sequence[str], note: str = ""
) -> None:
    """Hours for one date (no spans: the day off). Without an agent: a holiday for the desk."""
    uow.require(Perm.AGENTS_WRITE)
    day = _day(day)
    hours = [_hours(s) for s in spans]
    if agent_id is None and hours:
        raise InvalidInput("a desk-wide exception is a holiday: give no hours")
    await uow.session.execute(
        delete(ShiftException).where(
            ShiftException.day == day,
            ShiftException.agent_id.is_(None)
            if agent_id is None
            else ShiftException.agent_id == agent_id,
        )
    )
    row = ShiftException(agent_id=agent_id, day=day, spans=hours, note=note[:500])
    uow.session.add(row)
    await uow.session.flush()
    uow.audit("shift.exception", "shift_exception", row.id, after={"day": day, "spans": hours})
    _changed(uow, agent_id or 0, "exception")


@dataclass(frozen=True)
class SlaRuleInput:
    first_response_seconds: float | None
    next_response_seconds: float | None
    resolution_seconds: float | None
    priority: str | None = None
    tier: str | None = None
    channel: str | None = None
    calendar: str | None = None  # None: the ticket's team calendar, else 24x7


async def do_add_sla_rule(uow: UnitOfWork, data: SlaRuleInput) -> SlaPolicyRule:
    uow.require(Perm.AGENTS_WRITE)
    targets = (data.first_response_seconds, data.next_response_seconds, data.resolution_seconds)
    if all(t is None for t in targets) or any(t is not None and t <= 0 for t in targets):
        raise InvalidInput("give at least one target, each a positive number of seconds")
    await _check_calendar(uow, data.calendar)
    row = SlaPolicyRule(
        priority=data.priority,
        tier=data.tier,
        channel=data.channel,
        first_response_seconds=data.first_response_seconds,
        next_response_seconds=data.next_response_seconds,
        resolution_seconds=data.resolution_seconds,
        calendar=data.calendar,
        created_at=uow.now(),
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.audit("sla.rule", "sla_rule", row.id, after={"calendar": data.calendar})
    return row


async def _check_calendar(uow: UnitOfWork, name: str | None) -> None:
    if name not in (None, ALWAYS) and name not in await routing_repo.calendars(uow.session):
        raise InvalidInput(f"unknown business calendar {name!r}")


async def do_set_team_calendar(
    uow: UnitOfWork, team: Team, calendar: str | None, languages: Sequence[str]
) -> Team:
    """Link a team to a business calendar: SLA clocks of its tickets (and of unowned tickets in
    its languages) count in it, unless the SLA rule names a calendar."""
    uow.require(Perm.AGENTS_WRITE)
    await _check_calendar(uow, calendar)
    langs = sorted({lang.strip().lower() for lang in languages if lang.strip()})
    before = {"calendar": team.calendar, "languages": list(team.languages or [])}
    team.calendar, team.languages = calendar, langs
    after = {"calendar": calendar, "languages": langs}
    if before != after:
        uow.audit("team.calendar", "team", team.id, before=before, after=after)
    await uow.session.flush()
    return team


async def do_set_calendar(
    uow: UnitOfWork, name: str, zone: str, weekly: dict[int, list[str]], holidays: Sequence[str]
) -> BusinessCalendar:
    uow.require(Perm.AGENTS_WRITE)
    check_zone_or_400(zone)
    if not name.strip() or name == "24x7":
        raise InvalidInput("name the calendar (24x7 is built in)")
    if any(day not in range(7) for day in weekly):
        raise InvalidInput("weekdays are 0 (Monday) to 6 (Sunday)")
    clean = {str(day): [_hours(s) for s in spans] for day, spans in weekly.items()}
    days = sorted({_day(d) for d in holidays})
    existing = (await routing_repo.calendar_rows(uow.session)).get(name)
    row = existing or BusinessCalendar(name=name)
    row.zone, row.weekly, row.holidays = zone, clean, days
    if existing is None:
        uow.session.add(row)
    await uow.session.flush()
    uow.audit("sla.calendar", "business_calendar", row.id, after={"name": name, "zone": zone})
    return row
