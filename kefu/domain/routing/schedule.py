"""Weekly hours in a time zone, with exceptions and holidays: agents' shifts and the
business-hours calendars SLA clocks run on.

Hours are wall-clock times in the schedule's IANA zone, so "09:00–18:00 Europe/Berlin" stays
09:00–18:00 on both sides of a daylight-saving change (an 8- or 10-hour night, not a shifted
day). A span whose end is not after its start runs past midnight ("22:00–06:00"); it belongs to
the day it starts on. A wall time that does not exist (skipped by a spring-forward change) is
read with the offset before the change, i.e. one hour later in the new offset; a repeated one
(fall back) is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

Span = tuple[time, time]
Interval = tuple[datetime, datetime]  # UTC, start < end

_SEARCH = timedelta(days=14)
_GIVE_UP = timedelta(days=800)


def _hhmm(text: str) -> time:
    if text in ("24:00", "24:00:00"):
        return time(0)
    return time.fromisoformat(text)


def parse_span(text: str) -> Span:
    """'09:00-18:00' → (09:00, 18:00); '00:00-24:00' is the whole day."""
    try:
        start, end = (part.strip() for part in text.split("-"))
        return _hhmm(start), _hhmm(end)
    except ValueError as exc:
        raise ValueError(f"invalid hours {text!r}: use HH:MM-HH:MM") from exc


def check_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True)
class Schedule:
    """`weekly[0]` are Monday's spans … `weekly[6]` Sunday's. `exceptions` replace a date's spans
    (an empty tuple: the day off); `holidays` are days off. `always`: open around the clock."""

    zone: str = "UTC"
    weekly: Mapping[int, tuple[Span, ...]] = field(default_factory=dict)
    exceptions: Mapping[date, tuple[Span, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    always: bool = False

    def __post_init__(self) -> None:
        check_zone(self.zone)
        if any(day not in range(7) for day in self.weekly):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "weekly", MappingProxyType(dict(self.weekly)))
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))

    @classmethod
    def around_the_clock(cls) -> Schedule:
        return cls(always=True)

    @classmethod
    def weekdays(cls, zone: str, spans: Iterable[str], days: Iterable[int] = range(5)) -> Schedule:
        parsed = tuple(parse_span(s) for s in spans)
        return cls(zone=zone, weekly={d: parsed for d in days})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def spans_on(self, day: date) -> tuple[Span, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        return self.weekly.get(day.weekday(), ())

    def intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """The open intervals overlapping [start, end), clipped to it, merged, in UTC."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return []
        if self.always:
            return [(start, end)]
        tz = self.tz
        day = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date()
        raw: list[Interval] = []
        while day <= last:
            for opens, closes in self.spans_on(day):
                close_day = day if closes > opens else day + timedelta(days=1)
                a = datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
                b = datetime.combine(close_day, closes, tzinfo=tz).astimezone(UTC)
                a, b = max(a, start), min(b, end)
                if a < b:
                    raw.append((a, b))
            day += timedelta(days=1)
        return merge(raw)

    def is_open(self, at: datetime) -> bool:
        at = _utc(at)
        return bool(self.intervals(at, at + timedelta(microseconds=1)))

    def next_open(self, at: datetime, within: timedelta = _GIVE_UP) -> datetime | None:
        """`at` itself when open, else the next opening; None if closed for `within`."""
        at = _utc(at)
        cursor = at
        while cursor < at + within:
            found = self.intervals(cursor, cursor + _SEARCH)
            if found:
                return found[0][0]
            cursor += _SEARCH
        return None

    def next_close(self, at: datetime) -> datetime | None:
        """When the current open stretch ends (None: closed now, or open for 800 days)."""
        at = _utc(at)
        cursor = at
        while cursor < at + _GIVE_UP:
            found = self.intervals(cursor, cursor + _SEARCH)
            if not found or found[0][0] > cursor:
                return None if cursor == at else cursor
            if found[0][1] < cursor + _SEARCH:
                return found[0][1]
            cursor += _SEARCH
        return None

    # -- business time ------------------------------------------------------------------
    def open_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of [start, end) that fall inside open hours. Summed as timedeltas (whole
        microseconds, exact) and turned into seconds once, so that a clock read at the deadline
        `add_open_seconds` gave holds the target exactly, not a rounding error short of it."""
        spans = (b - a for a, b in self.intervals(start, end))
        return sum(spans, timedelta()).total_seconds()

    def add_open_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of open time after `start` (start itself when 0)."""
        start = _utc(start)
        if seconds <= 0:
            return start
        left = timedelta(seconds=seconds)  # whole microseconds: exact, as open_seconds counts
        cursor = start
        while cursor < start + _GIVE_UP:
            for a, b in self.intervals(cursor, cursor + _SEARCH):
                span = b - a
                if span >= left:
                    return a + left
                left -= span
            cursor += _SEARCH
        raise ValueError("the calendar never opens long enough to reach that deadline")


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(UTC)
