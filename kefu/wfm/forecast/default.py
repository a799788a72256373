"""kefu's default forecaster: a profile blend with recent-error feedback, chosen by backtest.

:class:`KefuDefault` scores its options on the latest days of the history it is given (each
day forecast from the days before it) and forecasts with the best: the profile blend corrected
by its recent errors (:mod:`kefu.wfm.forecast.feedback`) at each calendar ridge, and the
weekday-mean baseline, which wins on short or odd histories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from kefu.wfm.forecast.backtest import mape_of
from kefu.wfm.forecast.daily_profile import DailyProfileBlend, candidates
from kefu.wfm.forecast.feedback import RecentErrorFeedback
from kefu.wfm.forecast.history import History
from kefu.wfm.forecast.methods import Forecaster, WeekdayMean

RIDGES = (0.1, 0.3, 1.0)  # how hard the calendar flags (not weekdays) shrink towards no effect


@dataclass(frozen=True)
class KefuDefault:
    """Chooses, by backtest on the history alone, a corrected profile blend or the weekday mean.

    The options are the blends at each calendar ridge in :data:`RIDGES` (how much evidence a
    month-start or closure effect needs), each corrected by its recent errors, and the
    weekday-mean baseline; ``selection_days`` is how many of the latest days of the history
    they are scored on. Choosing among the single window settings was tried and chose worse on
    held-out days: a blend is steadier.
    """

    selection_days: int = 20
    name: str = "kefu_default"

    def options(self) -> list[Forecaster]:
        blends = [DailyProfileBlend(candidates(r)) for r in RIDGES]
        return [*(RecentErrorFeedback(b) for b in blends), *blends, WeekdayMean()]

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
