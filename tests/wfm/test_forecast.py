"""Baselines, calendar effects, kefu's default forecaster and backtests on synthetic data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from kefu.wfm.forecast.backtest import backtest, day_ahead, mape
from kefu.wfm.forecast.calendar import calendar_features, feature_names
from kefu.wfm.forecast.daily_profile import DailyProfile, DailyProfileBlend
from kefu.wfm.forecast.default import KefuDefault
from kefu.wfm.forecast.feedback import RecentErrorFeedback
from kefu.wfm.forecast.history import History, HistoryError, from_points
from kefu.wfm.forecast.methods import SameWeekdayLastWeek, WeekdayMean
from kefu.wfm.forecast.registry import method
from tests.wfm import synthetic


@pytest.fixture(scope="module")
def history() -> History:
    return from_points(synthetic.points(days=110), 30)  # 2024-01-01 to 2024-05-31


def test_mape_skips_empty_intervals() -> None:
    actual = np.array([[100.0, 0.0, 50.0]])
    forecast = np.array([[110.0, 5.0, 50.0]])
    assert mape(actual, forecast) == pytest.approx(5.0)


def test_baselines_by_hand(history: History) -> None:
    day = history.next_days(1)[0]
    last_same = max(i for i, d in enumerate(history.dates) if d.weekday() == day.weekday())
    same = SameWeekdayLastWeek().forecast(history, [day])
    assert np.array_equal(same[0], history.counts[last_same])
    rows = [i for i, d in enumerate(history.dates) if d.weekday() == day.weekday()]
    mean = WeekdayMean().forecast(history, [day])
    assert np.allclose(mean[0], history.counts[rows].mean(axis=0))


def test_calendar_flags() -> None:
    names = feature_names((0, 1, 2, 3, 4))

    def flags(days: list[date]) -> list[dict[str, float]]:
        rows = calendar_features(days, (0, 1, 2, 3, 4))
        return [dict(zip(names, row, strict=True)) for row in rows]

    # Monday 15 January closed: Tuesday behaves like a Monday and catches up over three days.
    week = flags([date(2024, 1, 12), *(date(2024, 1, d) for d in (16, 17, 18, 19))])
    assert week[1]["after_closure"] == 1.0
    assert week[1]["weekday_0"] == 1.0
    assert week[1]["weekday_1"] == 0.0
    assert [w["second_after_closure"] for w in week] == [0, 0, 1, 0, 0]
    assert [w["third_after_closure"] for w in week] == [0, 0, 0, 1, 0]
    assert week[4]["weekday_4"] == 1.0
    turn = flags([date(2024, 1, 30), date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 2)])
    assert [t["month_second_last"] for t in turn] == [1, 0, 0, 0]
    assert [t["month_last"] for t in turn] == [0, 1, 0, 0]
    assert [t["month_first"] for t in turn] == [0, 0, 1, 0]
    assert [t["month_second"] for t in turn] == [0, 0, 0, 1]


def test_daily_profile_learns_the_calendar(history: History) -> None:
    model = DailyProfile(level_days=5, profile_days=6)
    # Friday 31 May closes the history; Monday 3 June is the first business day of June.
    assert history.dates[-1] == date(2024, 5, 31)
    days = history.next_days(3)
    totals = model.forecast_totals(history, days)
    for day, total in zip(days, totals, strict=True):
        assert total == pytest.approx(synthetic.expected_day(day), rel=0.06)
    rows = model.forecast(history, days)
    assert rows.shape == (3, len(history.slots))
    assert rows.sum() == pytest.approx(totals.sum())


def test_default_beats_the_baselines_in_backtest(history: History) -> None:
    results = {
        r.name: r.mape
        for r in backtest(
            [SameWeekdayLastWeek(), WeekdayMean(), KefuDefault(selection_days=10)], history, 10
        )
    }
    best_baseline = min(results["same_weekday_last_week"], results["weekday_mean"])
    assert results["kefu_default"] < best_baseline
    assert results["kefu_default"] < 8.0


def test_default_falls_back_on_short_history(history: History) -> None:
    short = history.head(12)
    assert isinstance(KefuDefault().choose(short), WeekdayMean)
    chosen = KefuDefault().choose(history)
    assert isinstance(chosen, RecentErrorFeedback | DailyProfileBlend | WeekdayMean)


def test_day_ahead_sees_only_the_past(history: History) -> None:
    class Spy:
        name = "spy"
        seen: list[int] = []

        def forecast(self, past: History, days: list[date]) -> np.ndarray:
            assert all(d < days[0] for d in past.dates)
            self.seen.append(past.days)
            return np.zeros((len(days), len(past.slots)))

    spy = Spy()
    day_ahead(spy, history, 3)
    assert spy.seen == [history.days - 3, history.days - 2, history.days - 1]
    with pytest.raises(HistoryError):
        day_ahead(spy, history, history.days)


@pytest.mark.parametrize("name", ["statsforecast_mstl", "statsforecast_autoets"])
def test_library_models_forecast_whole_days(history: History, name: str) -> None:
    short = history.head(25)
    days = short.next_days(2)
    rows = method(name).forecast(short, days)
    assert rows.shape == (2, len(short.slots))
    assert (rows >= 0).all()
    assert 0.5 < rows.sum() / (2 * short.totals.mean()) < 1.5


def test_unknown_method() -> None:
    with pytest.raises(HistoryError, match="unknown method"):
        method("crystal_ball")
