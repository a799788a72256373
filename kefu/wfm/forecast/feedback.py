"""A forecaster corrected by its own errors on the latest days of the history.

A day's total and its intraday shape both carry over from one day to the next more than a
profile model of recent weeks captures: on the bank data a day's total error (log of actual over
forecast) correlates 0.42 with the day before's, and the share of the first hour 0.4-0.5. So
:class:`RecentErrorFeedback` forecasts the latest days of its history with its base model (each
from the days before it, as a backtest would), and corrects the new days by those errors:

- the day's total times ``exp(w * e)``, ``e`` the log error of the day's total on the last day;
- each interval's share times ``1 + v * r``, ``r`` the relative error of that interval's share,
  exponentially weighted over the last ``profile_days`` days (the latest weighing most), then
  scaled back to the day's total.

Further days ahead the corrections fade as an AR(1) error would: ``w`` and ``v`` to the power of
the number of days since the last one observed. The weights were chosen by backtest on the 60
days before the benchmark's held-out days (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from kefu.wfm.forecast.daily_profile import DailyProfileBlend
from kefu.wfm.forecast.history import History, HistoryError


def level_error(actual_total: float, forecast_total: float) -> float:
    """Log of actual over forecast day total (0 when either is not positive)."""
    if actual_total <= 0 or forecast_total <= 0:
        return 0.0
    return float(np.log(actual_total / forecast_total))


def share_error(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Each interval's share of the day, actual over forecast, minus one (0 where undefined)."""
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    a_total, f_total = float(actual.sum()), float(forecast.sum())
    if a_total <= 0 or f_total <= 0:
        return np.zeros(actual.shape)
    a_share, f_share = actual / a_total, forecast / f_total
    out = np.zeros(actual.shape)
    np.divide(a_share, f_share, out=out, where=f_share > 0)
    return np.where(f_share > 0, out - 1.0, 0.0)


def weighted_recent(errors: Sequence[np.ndarray], halflife: float) -> np.ndarray:
    """Errors listed latest first, averaged with weights halving every ``halflife`` days."""
    if not errors:
        raise HistoryError("no errors to average")
    weights = 0.5 ** (np.arange(len(errors)) / halflife)
    return np.asarray(np.tensordot(weights, np.stack(errors), axes=1) / weights.sum())


def corrected(
    rows: np.ndarray, level: float, shares: np.ndarray, level_weight: float, share_weight: float
) -> np.ndarray:
    """Rows of a forecast (days ahead, intervals) corrected by the latest errors.

    Row ``k`` (``k + 1`` days after the last observed one) has its total multiplied by
    ``exp(level_weight ** (k + 1) * level)`` and its intervals' shares by
    ``1 + share_weight ** (k + 1) * shares``, rescaled to that total.
    """
    rows = np.asarray(rows, dtype=float)
    out = np.empty_like(rows)
    for k, row in enumerate(rows):
        total = float(row.sum()) * float(np.exp(level_weight ** (k + 1) * level))
        shaped = row * (1.0 + share_weight ** (k + 1) * shares)
        shaped_total = float(shaped.sum())
        out[k] = shaped * (total / shaped_total) if shaped_total > 0 else row
    return out


@dataclass(frozen=True)
class RecentErrorFeedback:
    """A profile blend corrected by its errors on the last days of the history."""

    base: DailyProfileBlend = field(default_factory=DailyProfileBlend)
    level_weight: float = 0.5
    share_weight: float = 0.3
    profile_days: int = 3
    profile_halflife: float = 1.0

    def __post_init__(self) -> None:
        if not (0 <= self.level_weight < 1 and 0 <= self.share_weight < 1):
            raise HistoryError("feedback weights must be in [0, 1)")
        if self.profile_days < 1 or self.profile_halflife <= 0:
            raise HistoryError("feedback needs at least one day and a positive half-life")

    @property
    def name(self) -> str:
        return f"{self.base.name}+feedback"

    def min_days(self) -> int:
        return self.base.min_days()

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        rows = self.base.forecast(history, days)
        level = 0.0
        shares: list[np.ndarray] = []
        for back in range(1, self.profile_days + 1):
            known = history.days - back
            if known < self.base.min_days():
                break
            past = self.base.forecast(history.head(known), [history.dates[known]])[0]
            actual = history.counts[known]
            if back == 1:
                level = level_error(float(actual.sum()), float(past.sum()))
            shares.append(share_error(actual, past))
        if not shares:
            return rows
        recent = weighted_recent(shares, self.profile_halflife)
        return corrected(rows, level, recent, self.level_weight, self.share_weight)
