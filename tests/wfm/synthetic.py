"""Small synthetic contact histories (seeded): weekday and month effects, holidays, noise."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

import numpy as np

WEEKDAY_FACTOR = (1.25, 1.05, 1.0, 0.97, 1.03)
HOLIDAYS = (date(2024, 1, 15), date(2024, 2, 19), date(2024, 3, 29))


def business_days(start: date, count: int) -> list[date]:
    out, current = [], start
    while len(out) < count:
        if current.weekday() < 5:
            out.append(current)
        current += timedelta(days=1)
    return out


def _business(day: date, step: int) -> date:
    current = day + timedelta(days=step)
    while current.weekday() >= 5:
        current += timedelta(days=step)
    return current


def expected_day(day: date, base: float = 2000.0) -> float:
    """Weekday effect; the first open day after a closure is like a Monday; +20% on the first
    and the last business day of a month."""
    previous = _business(day, -1)
    weekday = 0 if previous in HOLIDAYS else day.weekday()
    factor = WEEKDAY_FACTOR[weekday]
    if previous.month != day.month or _business(day, 1).month != day.month:
        factor *= 1.2
    return base * factor


def profile(points: int) -> np.ndarray:
    x = np.linspace(0, 1, points)
    shape = 0.3 + np.exp(-((x - 0.3) ** 2) / 0.02) + 0.6 * np.exp(-((x - 0.7) ** 2) / 0.03)
    return np.asarray(shape / shape.sum())


def points(
    days: int = 60, seed: int = 7, step_minutes: int = 5, open_hour: int = 9, close_hour: int = 17
) -> list[tuple[datetime, float]]:
    """``(timestamp, count)`` every ``step_minutes`` during opening hours on business days."""
    rng = np.random.default_rng(seed)
    per_day = (close_hour - open_hour) * 60 // step_minutes
    shape = profile(per_day)
    out: list[tuple[datetime, float]] = []
    for day in business_days(date(2024, 1, 1), days):
        if day in HOLIDAYS:
            continue
        counts = rng.poisson(expected_day(day) * shape)
        for k in range(per_day):
            minute = open_hour * 60 + k * step_minutes
            stamp = datetime.combine(day, time(minute // 60, minute % 60))
            out.append((stamp, float(counts[k])))
    return out


def csv_text(rows: list[tuple[datetime, float]], column: str = "calls") -> str:
    lines = [f"timestamp,{column}"]
    lines += [f"{stamp.isoformat()}Z,{math.floor(value)}" for stamp, value in rows]
    return "\n".join(lines) + "\n"
