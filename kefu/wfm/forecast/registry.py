"""The forecasting methods by name: the baselines, the library models and kefu's default."""

from __future__ import annotations

from collections.abc import Callable

from kefu.wfm.forecast.daily_profile import DailyProfileBlend
from kefu.wfm.forecast.default import KefuDefault
from kefu.wfm.forecast.feedback import RecentErrorFeedback
from kefu.wfm.forecast.history import HistoryError
from kefu.wfm.forecast.library import AutoEts, Mstl
from kefu.wfm.forecast.methods import Forecaster, SameWeekdayLastWeek, WeekdayMean

DEFAULT = "kefu_default"

METHODS: dict[str, Callable[[], Forecaster]] = {
    "same_weekday_last_week": SameWeekdayLastWeek,
    "weekday_mean": WeekdayMean,
    "statsforecast_mstl": Mstl,
    "statsforecast_autoets": AutoEts,
    "daily_profile_blend": DailyProfileBlend,
    "daily_profile_feedback": RecentErrorFeedback,
    DEFAULT: KefuDefault,
}


def method(name: str) -> Forecaster:
    try:
        return METHODS[name]()
    except KeyError:
        raise HistoryError(f"unknown method {name!r}: one of {', '.join(METHODS)}") from None
