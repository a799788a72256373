"""Backtests: each of the last days forecast from the days before it, scored by MAPE.

MAPE is the mean over intervals of ``|forecast - actual| / actual``, in percent, over the
intervals with at least one contact (an empty interval has no percentage error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kefu.wfm.forecast.history import History, HistoryError

if TYPE_CHECKING:
    from kefu.wfm.forecast.methods import Forecaster


@dataclass(frozen=True)
class BacktestResult:
    name: str
    mape: float  # percent
    forecasts: np.ndarray  # (test days, slots)
    actuals: np.ndarray


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error over cells with a positive actual, in percent."""
    mask = actual > 0
    if not mask.any():
        return 0.0
    return float(np.mean(np.abs(forecast[mask] - actual[mask]) / actual[mask]) * 100.0)


def day_ahead(forecaster: Forecaster, history: History, test_days: int) -> np.ndarray:
    """Forecasts of the last ``test_days`` days, each from the days before it."""
    if not 1 <= test_days < history.days:
        raise HistoryError(f"test days must be between 1 and {history.days - 1}")
    rows = []
    for i in range(history.days - test_days, history.days):
        rows.append(forecaster.forecast(history.head(i), [history.dates[i]])[0])
    return np.asarray(rows)


def mape_of(forecaster: Forecaster, history: History, test_days: int) -> float:
    forecasts = day_ahead(forecaster, history, test_days)
    return mape(history.counts[-test_days:], forecasts)


def backtest(
    forecasters: list[Forecaster], history: History, test_days: int
) -> list[BacktestResult]:
    """Every forecaster over the same last ``test_days`` days."""
    actuals = history.counts[-test_days:]
    out = []
    for forecaster in forecasters:
        forecasts = day_ahead(forecaster, history, test_days)
        out.append(BacktestResult(forecaster.name, mape(actuals, forecasts), forecasts, actuals))
    return out
