"""SLA policies and clocks.

A policy is a list of rules matching (priority, tier, channel), the most specific wins; each
gives targets for first response, next response and resolution, counted in the open hours of a
named business calendar ("24x7" by default). A clock counts open seconds while it runs; it
pauses while the ticket waits on the customer, warns when `warn_at` of the target is used, and
is breached when the whole target is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kefu.domain.routing.schedule import Schedule

ALWAYS = "24x7"


class SlaMetric(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class SlaState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"  # stopped within the target
    MISSED = "missed"  # stopped after the target


@dataclass(frozen=True)
class SlaRule:
    first_response: timedelta | None
    next_response: timedelta | None
    resolution: timedelta | None
    priority: str | None = None
    tier: str | None = None
    channel: str | None = None
    calendar: str | None = None  # None: the ticket's team calendar (`team_calendar`), else 24x7

    def matches(self, priority: str, tier: str, channel: str) -> bool:
        return (
            self.priority in (None, priority)
            and self.tier in (None, tier)
            and self.channel in (None, channel)
        )

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.priority, self.tier, self.channel))

    def target(self, metric: SlaMetric) -> timedelta | None:
        return {
            SlaMetric.FIRST_RESPONSE: self.first_response,
            SlaMetric.NEXT_RESPONSE: self.next_response,
            SlaMetric.RESOLUTION: self.resolution,
        }[metric]


@dataclass(frozen=True)
class SlaPolicy:
    rules: Sequence[SlaRule]
    warn_at: float = 0.8  # fraction of the target after which the clock warns

    def __post_init__(self) -> None:
        if not 0 < self.warn_at <= 1:
            raise ValueError("warn_at is a fraction of the target in (0, 1]")

    def rule_for(self, priority: str, tier: str, channel: str) -> SlaRule | None:
        found = [r for r in self.rules if r.matches(priority, tier, channel)]
        if not found:
            return None
        return max(enumerate(found), key=lambda pair: (pair[1].specificity, -pair[0]))[1]


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# A sensible default: chats answered in minutes around the clock, email within business hours.
DEFAULT_POLICY = SlaPolicy(
    rules=(
        SlaRule(_minutes(60), _minutes(240), timedelta(days=3)),
        SlaRule(_minutes(2), _minutes(5), timedelta(hours=24), channel="web_chat"),
        SlaRule(_minutes(30), _minutes(120), timedelta(days=1), priority="high"),
        SlaRule(_minutes(10), _minutes(30), timedelta(hours=8), priority="urgent"),
        SlaRule(_minutes(1), _minutes(3), timedelta(hours=8), tier="vip3", channel="web_chat"),
        SlaRule(_minutes(15), _minutes(60), timedelta(hours=12), tier="vip3"),
    )
)


@dataclass(frozen=True)
class SlaClock:
    """One running target. `elapsed` open seconds were used before `since`; the clock runs
    from `since` (None: paused). `stopped_at`: the target was met (or missed) then."""

    metric: SlaMetric
    target: float  # open seconds
    calendar: Schedule
    elapsed: float = 0.0
    since: datetime | None = None
    stopped_at: datetime | None = None
    warn_at: float = 0.8

    @classmethod
    def start(
        cls,
        metric: SlaMetric,
        target: timedelta,
        calendar: Schedule,
        at: datetime,
        warn_at: float = 0.8,
    ) -> SlaClock:
        return cls(metric, target.total_seconds(), calendar, 0.0, at, None, warn_at)

    @property
    def running(self) -> bool:
        return self.since is not None and self.stopped_at is None

    def used(self, now: datetime) -> float:
        """Open seconds used by `now` (never decreases as `now` grows)."""
        if self.running and self.since is not None and now > self.since:
            return self.elapsed + self.calendar.open_seconds(self.since, now)
        return self.elapsed

    def pause(self, now: datetime) -> SlaClock:
        if not self.running:
            return self
        return replace(self, elapsed=self.used(now), since=None)

    def resume(self, now: datetime) -> SlaClock:
        if self.since is not None or self.stopped_at is not None:
            return self
        return replace(self, since=now)

    def stop(self, now: datetime) -> SlaClock:
        if self.stopped_at is not None:
            return self
        return replace(self, elapsed=self.used(now), since=None, stopped_at=now)

    def _at_fraction(self, fraction: float) -> datetime | None:
        if not self.running or self.since is None:
            return None
        left = fraction * self.target - self.elapsed
        if left <= 0:
            return None
        return self.calendar.add_open_seconds(self.since, left)

    def deadline(self) -> datetime | None:
        """When the target is breached if the clock keeps running (None: paused, stopped, or
        breached already before it last resumed)."""
        return self._at_fraction(1.0)

    def warning_time(self) -> datetime | None:
        return self._at_fraction(self.warn_at)

    def state(self, now: datetime) -> SlaState:
        used = self.used(now)
        if self.stopped_at is not None:
            return SlaState.MET if used <= self.target else SlaState.MISSED
        if used >= self.target:
            return SlaState.BREACHED
        if self.since is None:
            return SlaState.PAUSED
        if used >= self.warn_at * self.target:
            return SlaState.WARNING
        return SlaState.OK

    def remaining(self, now: datetime) -> float:
        return self.target - self.used(now)


@dataclass(frozen=True)
class TeamCalendar:
    """A team's business calendar and the languages whose unowned tickets it serves."""

    team_id: int
    calendar: str | None
    languages: frozenset[str] = frozenset()


def team_calendar(
    team_id: int | None, language: str | None, teams: Sequence[TeamCalendar]
) -> str | None:
    """The calendar of the team owning the ticket; for a ticket no team owns, that of the first
    team (by id) serving its language; None when neither has one."""
    if team_id is not None:
        owner = next((t for t in teams if t.team_id == team_id), None)
        return owner.calendar if owner is not None else None
    if language is None:
        return None
    for team in sorted(teams, key=lambda t: t.team_id):
        if team.calendar is not None and language in team.languages:
            return team.calendar
    return None


def calendar_name(rule: SlaRule, team: str | None = None) -> str:
    """The calendar a clock counts in: the one the rule names, else the team's, else 24x7."""
    return rule.calendar or team or ALWAYS


def calendar_for(
    rule: SlaRule, calendars: Mapping[str, Schedule], team: str | None = None
) -> Schedule:
    name = calendar_name(rule, team)
    if name == ALWAYS:
        return calendars.get(ALWAYS, Schedule.around_the_clock())
    try:
        return calendars[name]
    except KeyError:
        raise ValueError(f"unknown business calendar {name!r}") from None
