"""kefu's default forecaster: the day's total times the day's intraday profile.

The day's total is a recent level times calendar effects. The level is the median of the last
``level_days`` totals with the calendar effects divided out; the effects (weekday, first day
after a closure, first and last business days of the month) come from a weighted ridge
regression of log total over log level, recent days weighing more. Missing days simply are
not rows, so holidays and gaps do not break anything. The profile (each interval's share of the
day) is the mean over the last ``profile_days`` days of the same weekday.

Which level and profile windows work best depends on the series, so :class:`KefuDefault`
chooses among a few settings, and the weekday-mean baseline, by backtest on the history it is
given (each of the last days forecast from the days before it) and uses the winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kefu.wfm.forecast.backtest import mape_of
from kefu.wfm.forecast.calendar import calendar_features
from kefu.wfm.forecast.history import History
from kefu.wfm.forecast.methods import Forecaster, WeekdayMean

RIDGES = (0.1, 0.3, 1.0)  # how hard the calendar flags (not weekdays) shrink towards no effect


@dataclass(frozen=True)
class DailyProfile:
    """Total (level x calendar effects) times profile, with fixed windows."""

    level_days: int = 5
    profile_days: int = 20
    halflife_days: float = 60.0
    ridge: float = 1.0

    @property
    def name(self) -> str:
        return (
            f"daily_profile(level={self.level_days},profile={self.profile_days},ridge={self.ridge})"
        )

    def min_days(self) -> int:
        return 2 * self.level_days + 10

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        totals = self.forecast_totals(history, days)
        profiles = np.stack([self.profile(history, day.weekday()) for day in days])
        return np.asarray(totals[:, None] * profiles)

    def forecast_totals(self, history: History, days: Sequence[date]) -> np.ndarray:
        weekdays = tuple(sorted(set(history.open_weekdays()) | {d.weekday() for d in days}))
        features = calendar_features([*history.dates, *days], weekdays)
        past, future = features[: history.days], features[history.days :]
        log_totals = np.log(np.maximum(history.totals, 1.0))
        n_weekdays = len(weekdays)
        beta = np.zeros(features.shape[1])
        for _ in range(2):  # levels with the effects divided out, then the effects again
            levels = self._levels(log_totals - past @ beta)
            beta = self._fit(past, log_totals, levels, n_weekdays)
        level = float(np.median((log_totals - past @ beta)[-self.level_days :]))
        return np.asarray(np.exp(level + future @ beta))

    def _levels(self, adjusted: np.ndarray) -> np.ndarray:
        """For each day, the median of the ``level_days`` adjusted log totals before it."""
        windows = sliding_window_view(adjusted, self.level_days)[:-1]
        out = np.full(adjusted.shape, np.nan)
        out[self.level_days :] = np.median(windows, axis=1)
        return out

    def _fit(
        self, features: np.ndarray, log_totals: np.ndarray, levels: np.ndarray, n_weekdays: int
    ) -> np.ndarray:
        rows = ~np.isnan(levels)
        x, y = features[rows], (log_totals - levels)[rows]
        age = np.arange(len(y))[::-1]
        weights = 0.5 ** (age / self.halflife_days)
        penalty = np.diag([0.0] * n_weekdays + [self.ridge] * (features.shape[1] - n_weekdays))
        # A weekday never seen (or only seen without a level) must not make this singular.
        penalty += np.eye(features.shape[1]) * 1e-6
        a = x.T @ (x * weights[:, None]) + penalty
        return np.asarray(np.linalg.solve(a, x.T @ (weights * y)))

    def profile(self, history: History, weekday: int) -> np.ndarray:
        """Mean share of each interval over the last same-weekday days (all days if none)."""
        totals = history.totals
        shares = history.counts / np.maximum(totals, 1.0)[:, None]
        same = [i for i, d in enumerate(history.dates) if d.weekday() == weekday and totals[i] > 0]
        rows = same[-self.profile_days :] or list(range(history.days))[-self.profile_days :]
        mean = shares[rows].mean(axis=0)
        return np.asarray(mean / max(float(mean.sum()), 1e-12))


def candidates(ridge: float = 1.0) -> tuple[DailyProfile, ...]:
    """The settings a blend averages: short and long level and profile windows."""
    return tuple(
        DailyProfile(level_days=level, profile_days=profile, ridge=ridge)
        for level in (5, 10, 15)
        for profile in (6, 20)
    )


CANDIDATES = candidates()


@dataclass(frozen=True)
class DailyProfileBlend:
    """The mean of several :class:`DailyProfile` settings: steadier than any one of them."""

    members: tuple[DailyProfile, ...] = CANDIDATES

    @property
    def name(self) -> str:
        ridges = sorted({m.ridge for m in self.members})
        return "daily_profile_blend" + ("" if ridges == [1.0] else f"(ridge={ridges[0]})")

    def min_days(self) -> int:
        return max(m.min_days() for m in self.members)

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        return np.asarray(np.mean([m.forecast(history, days) for m in self.members], axis=0))


@dataclass(frozen=True)
class KefuDefault:
    """Chooses, by backtest on the history alone, a profile blend or the weekday mean.

    The options are the blends at each calendar ridge in :data:`RIDGES` (how much evidence a
    month-start or closure effect needs) and the weekday-mean baseline; ``selection_days`` is
    how many of the latest days of the history they are scored on. Choosing among the single
    window settings was tried and chose worse on held-out days: a blend is steadier.
    """

    selection_days: int = 20
    name: str = "kefu_default"

    def options(self) -> list[Forecaster]:
        return [*(DailyProfileBlend(candidates(r)) for r in RIDGES), WeekdayMean()]

    def choose(self, history: History) -> Forecaster:
        fallback = WeekdayMean()
        test_days = min(self.selection_days, history.days // 3)
        if test_days < 3 or DailyProfileBlend().min_days() > history.days - test_days:
            return fallback
        options = self.options()
        scores = [mape_of(option, history, test_days) for option in options]
        return options[int(np.argmin(scores))]

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        return self.choose(history).forecast(history, days)
