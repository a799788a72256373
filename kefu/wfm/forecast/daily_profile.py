"""The profile model behind kefu's default forecaster: the day's total times its intraday profile.

The day's total is a recent level times calendar effects. The level is the median of the last
``level_days`` totals with the calendar effects divided out; the effects (weekday, first day
after a closure, first and last business days of the month) come from a weighted ridge
regression of log total over log level, recent days weighing more. Missing days simply are
not rows, so holidays and gaps do not break anything. The profile (each interval's share of the
day) is the mean over the last ``profile_days`` days of the same weekday.

:class:`DailyProfileBlend` averages a few level and profile windows; kefu's default
(kefu/wfm/forecast/default.py) corrects it by its latest errors and chooses the calendar ridge
by backtest on the history it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kefu.wfm.forecast.calendar import calendar_features
from kefu.wfm.forecast.history import History


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
        # Members sharing a level (or profile) setting share its totals (or profiles).
        totals: dict[tuple[int, float, float], np.ndarray] = {}
        profiles: dict[int, np.ndarray] = {}
        rows = []
        for m in self.members:
            level = (m.level_days, m.halflife_days, m.ridge)
            if level not in totals:
                totals[level] = m.forecast_totals(history, days)
            if m.profile_days not in profiles:
                profiles[m.profile_days] = np.stack([m.profile(history, d.weekday()) for d in days])
            rows.append(totals[level][:, None] * profiles[m.profile_days])
        return np.asarray(np.mean(rows, axis=0))
