"""Adjustments on top of a forecast: holidays and events, and re-forecasting during the day."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kefu.wfm.forecast.history import HistoryError

_PRIOR_SHARE = 0.05  # intraday: a prior worth 5% of the day's expected contacts


@dataclass(frozen=True)
class DayEvent:
    """A day whose volume is the forecast times ``multiplier`` (0: closed, 1.5: +50%)."""

    day: date
    multiplier: float
    name: str = ""


def read_events(text: str) -> list[DayEvent]:
    """``date,multiplier[,name]`` CSV rows (ISO dates) as events; a clear error on a bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if not {"date", "multiplier"} <= set(reader.fieldnames or []):
        raise HistoryError("events CSV needs the columns date,multiplier (and optionally name)")
    events = []
    for line, row in enumerate(reader, start=2):
        try:
            day = date.fromisoformat((row["date"] or "").strip())
            multiplier = float(row["multiplier"])
        except ValueError:
            raise HistoryError(f"events line {line}: bad date or multiplier") from None
        if not 0.0 <= multiplier < 100.0:
            raise HistoryError(f"events line {line}: multiplier must be in [0, 100)")
        events.append(DayEvent(day, multiplier, (row.get("name") or "").strip()))
    return events


def apply_events(
    days: Sequence[date], forecast: np.ndarray, events: Sequence[DayEvent]
) -> np.ndarray:
    """The forecast with each event day's row multiplied (several events on a day multiply)."""
    out = np.array(forecast, dtype=float)
    for event in events:
        for row, day in enumerate(days):
            if day == event.day:
                out[row] *= event.multiplier
    return out


def reforecast_day(expected: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Update a day's forecast from the intervals observed so far.

    ``observed`` holds the counts of the first intervals of the day (any number, possibly
    none). The rest of the day is scaled by observed / expected so far, shrunk towards 1 by a
    prior worth a small share of the day, so one odd early interval does not swing the day.
    Returns the whole day: observed counts, then the rescaled remainder.
    """
    expected = np.asarray(expected, dtype=float)
    observed = np.asarray(observed, dtype=float)
    seen = len(observed)
    if seen > len(expected):
        raise HistoryError("more observed intervals than the day has")
    prior = max(_PRIOR_SHARE * float(expected.sum()), 1.0)  # at least one contact
    ratio = (float(observed.sum()) + prior) / (float(expected[:seen].sum()) + prior)
    return np.concatenate([observed, expected[seen:] * ratio])
