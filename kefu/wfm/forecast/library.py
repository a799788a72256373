"""statsforecast's MSTL and AutoETS on the history's intervals laid end to end.

The days present are concatenated, so a weekly season is "five opening days" long and a
missing day shifts it: the limitation the issue warns about, kept visible in every backtest.
statsforecast is imported on first use (it loads pandas and its compiled core).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from kefu.wfm.forecast.history import History


def _forecast(model: Any, series: np.ndarray, horizon: int) -> np.ndarray:
    result = model.forecast(y=series, h=horizon)
    return np.asarray(np.maximum(np.asarray(result["mean"], dtype=float), 0.0))


@dataclass(frozen=True)
class Mstl:
    """MSTL with daily and weekly seasons; AutoETS on the trend (statsforecast's default)."""

    name: str = "statsforecast_mstl"

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        from statsforecast.models import MSTL

        slots = len(history.slots)
        week = slots * max(1, len(history.open_weekdays()))
        seasons = [slots, week] if history.days >= 2 * len(history.open_weekdays()) else [slots]
        out = _forecast(MSTL(season_length=seasons), history.counts.ravel(), slots * len(days))
        return out.reshape(len(days), slots)


@dataclass(frozen=True)
class AutoEts:
    """AutoETS with the daily season."""

    name: str = "statsforecast_autoets"

    def forecast(self, history: History, days: Sequence[date]) -> np.ndarray:
        from statsforecast.models import AutoETS

        slots = len(history.slots)
        out = _forecast(AutoETS(season_length=slots), history.counts.ravel(), slots * len(days))
        return out.reshape(len(days), slots)
