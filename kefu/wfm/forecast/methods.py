"""The forecaster interface and the two baselines every backtest reports.

A forecaster sees only the history before the days it forecasts and returns one row of
counts per day, one column per interval of the history's opening hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import numpy as np

from kefu.wfm.forecast.history import History


class Forecaster(Protocol):
    """Declared extension point: anything with a name that forecasts whole days."""

    @property
    def name(self) -> str: ...

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        """Counts for each of ``days`` (all after the history), shape (days, slots)."""
        ...


class SameWeekdayLastWeek:
    """Seasonal naive: each day copies the latest day of the same weekday."""

    name = "same_weekday_last_week"

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        rows = []
        for day in days:
            same = [i for i, d in enumerate(history.dates) if d.weekday() == day.weekday()]
            rows.append(history.counts[same[-1] if same else -1])
        return np.asarray(rows, dtype=float)


class WeekdayMean:
    """Mean of all past days of the same weekday (all days when the weekday is new)."""

    name = "weekday_mean"

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        rows = []
        for day in days:
            same = [i for i, d in enumerate(history.dates) if d.weekday() == day.weekday()]
            rows.append(history.counts[same].mean(axis=0) if same else history.counts.mean(0))
        return np.asarray(rows, dtype=float)


BASELINES: tuple[Forecaster, ...] = (SameWeekdayLastWeek(), WeekdayMean())
