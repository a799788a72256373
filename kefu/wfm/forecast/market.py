"""A market signal: when prices move, crypto customers write in.

From a price series (``timestamp,price`` CSV, any frequency) kefu derives each day's realised
volatility, the square root of the sum of squared log returns within the day. It learns how
volume responds from history: the slope of the residual log volume (actual day total over the
day-ahead forecast) on the log of the day's volatility relative to its median. A forecast for
a day with volatility ``v`` is then multiplied by ``(v / median) ** slope``, within bounds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from kefu.wfm.forecast.backtest import day_ahead
from kefu.wfm.forecast.history import History, HistoryError
from kefu.wfm.forecast.methods import Forecaster

_BOUNDS = (0.5, 3.0)  # the signal never more than triples or halves a forecast


def daily_volatility(points: Sequence[tuple[datetime, float]]) -> dict[date, float]:
    """Realised volatility per calendar day from ``(timestamp, price)`` points."""
    ordered = sorted(points)
    sums: dict[date, float] = {}
    for (_, before), (stamp, after) in itertools.pairwise(ordered):
        if before <= 0 or after <= 0:
            raise HistoryError(f"prices must be positive (at {stamp.isoformat()})")
        sums[stamp.date()] = sums.get(stamp.date(), 0.0) + math.log(after / before) ** 2
    return {day: math.sqrt(total) for day, total in sums.items()}


@dataclass(frozen=True)
class VolatilityEffect:
    """Volume multiplier as a power of volatility over its median."""

    slope: float
    median: float
    days_used: int

    def multiplier(self, volatility: float) -> float:
        if self.median <= 0 or volatility <= 0:
            return 1.0
        raw = float((volatility / self.median) ** self.slope)
        return min(max(raw, _BOUNDS[0]), _BOUNDS[1])


def learn_volatility_effect(
    history: History,
    forecaster: Forecaster,
    volatility: dict[date, float],
    test_days: int,
) -> VolatilityEffect:
    """Regress the residual log day totals of the last ``test_days`` on log volatility."""
    test_days = min(test_days, history.days - 1)
    forecasts = day_ahead(forecaster, history, test_days)
    xs, ys = [], []
    positive = [v for v in volatility.values() if v > 0]
    if not positive:
        raise HistoryError("the price series has no movement")
    median = float(np.median(positive))
    for row, i in enumerate(range(history.days - test_days, history.days)):
        vol = volatility.get(history.dates[i], 0.0)
        actual, expected = float(history.totals[i]), float(forecasts[row].sum())
        if vol > 0 and actual > 0 and expected > 0:
            xs.append(math.log(vol / median))
            ys.append(math.log(actual / expected))
    if len(xs) < 5:
        raise HistoryError("too few days with both prices and contacts to learn from (need 5)")
    x, y = np.asarray(xs), np.asarray(ys)
    spread = float(np.sum((x - x.mean()) ** 2))
    slope = float(np.sum((x - x.mean()) * (y - y.mean())) / spread) if spread > 0 else 0.0
    return VolatilityEffect(slope, median, len(xs))
