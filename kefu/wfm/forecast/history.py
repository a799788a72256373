"""Contact history as a days-by-intervals matrix, loaded from `timestamp,calls` CSV.

Counts at any finer interval are added up into intervals of 15, 30 or 60 minutes. Only the
intervals of the day that occur somewhere in the history (the opening hours) are kept, and
only the days that occur in it: missing days (weekends, holidays, outages) stay missing
rather than becoming zeros, so no model mistakes a holiday for a quiet day.

Timestamps are read as wall-clock times of the contact center: an offset or ``Z`` suffix is
dropped, not converted (exported call-center data often carries a ``Z`` on local times).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

ALLOWED_MINUTES = (15, 30, 60)


class HistoryError(ValueError):
    """Unreadable or unusable history."""


def parse_interval(text: str) -> int:
    """``"30min"``, ``"30m"``, ``"1h"`` or ``"60"`` to minutes (15, 30 or 60)."""
    match = re.fullmatch(r"\s*(\d+)\s*(min|m|h)?\s*", text.lower())
    if not match:
        raise HistoryError(f"interval {text!r}: use 15min, 30min or 60min")
    minutes = int(match.group(1)) * (60 if match.group(2) == "h" else 1)
    if minutes not in ALLOWED_MINUTES:
        raise HistoryError(f"interval {text!r}: use 15min, 30min or 60min")
    return minutes


@dataclass(frozen=True)
class History:
    """Counts per day (rows, ascending dates) and interval of the day (columns)."""

    dates: tuple[date, ...]
    slots: tuple[time, ...]  # start of each interval within the day
    counts: np.ndarray  # float64, shape (days, slots)
    interval_minutes: int

    def __post_init__(self) -> None:
        if self.counts.shape != (len(self.dates), len(self.slots)):
            raise HistoryError("counts do not match dates and slots")

    @property
    def days(self) -> int:
        return len(self.dates)

    @property
    def totals(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=1))

    def head(self, days: int) -> History:
        """The first ``days`` days: the history as it was known before day ``days``."""
        return History(self.dates[:days], self.slots, self.counts[:days], self.interval_minutes)

    def open_weekdays(self) -> tuple[int, ...]:
        """Weekdays (Monday 0) on which the history has any day."""
        return tuple(sorted({d.weekday() for d in self.dates}))

    def starts(self, day: date) -> list[datetime]:
        return [datetime.combine(day, slot) for slot in self.slots]

    def next_days(self, count: int, after: date | None = None) -> list[date]:
        """The next ``count`` days after ``after`` (default: the last day) that open."""
        weekdays = set(self.open_weekdays())
        current = after or self.dates[-1]
        out: list[date] = []
        while len(out) < count:
            current += timedelta(days=1)
            if current.weekday() in weekdays:
                out.append(current)
        return out


def parse_timestamp(text: str) -> datetime:
    """ISO-8601 to a naive wall-clock datetime (offset or Z dropped, not converted)."""
    raw = text.strip()
    try:
        parsed = datetime.fromisoformat(raw[:-1] if raw.endswith(("Z", "z")) else raw)
    except ValueError:
        raise HistoryError(f"bad timestamp {text!r}") from None
    return parsed.replace(tzinfo=None)


def from_points(points: Iterable[tuple[datetime, float]], interval_minutes: int) -> History:
    """Add up ``(timestamp, count)`` points into a :class:`History`."""
    if interval_minutes not in ALLOWED_MINUTES:
        raise HistoryError("interval must be 15, 30 or 60 minutes")
    cells: dict[tuple[date, int], float] = {}
    for stamp, count in points:
        if count < 0:
            raise HistoryError(f"negative count at {stamp.isoformat()}")
        minute = stamp.hour * 60 + stamp.minute
        key = (stamp.date(), minute // interval_minutes)
        cells[key] = cells.get(key, 0.0) + count
    if not cells:
        raise HistoryError("history is empty")
    dates = sorted({d for d, _ in cells})
    buckets = sorted({b for _, b in cells})
    day_index = {d: i for i, d in enumerate(dates)}
    slot_index = {b: i for i, b in enumerate(buckets)}
    counts = np.zeros((len(dates), len(buckets)))
    for (d, b), count in cells.items():
        counts[day_index[d], slot_index[b]] = count
    slots = tuple(time(b * interval_minutes // 60, b * interval_minutes % 60) for b in buckets)
    return History(tuple(dates), slots, counts, interval_minutes)


def read_points(text: str, value_column: str = "calls") -> list[tuple[datetime, float]]:
    """Rows of a ``timestamp,<value_column>`` CSV as points; a clear error on any bad row."""
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    if "timestamp" not in fields or value_column not in fields:
        raise HistoryError(f"CSV needs the columns timestamp,{value_column}")
    points: list[tuple[datetime, float]] = []
    for line, row in enumerate(reader, start=2):
        try:
            value = float(row[value_column])
        except (TypeError, ValueError):
            raise HistoryError(f"line {line}: bad {value_column} {row[value_column]!r}") from None
        if value != value:  # NaN
            raise HistoryError(f"line {line}: {value_column} is not a number")
        points.append((parse_timestamp(row["timestamp"] or ""), value))
    return points


def load_history(path: Path, interval_minutes: int) -> History:
    """A `timestamp,calls` CSV file as a :class:`History`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HistoryError(f"cannot read {path}: {exc.strerror}") from None
    return from_points(read_points(text), interval_minutes)
