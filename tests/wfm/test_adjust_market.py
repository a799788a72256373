"""Events, intraday re-forecasting and the market-volatility signal."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.wfm.forecast.adjust import DayEvent, apply_events, read_events, reforecast_day
from kefu.wfm.forecast.history import HistoryError, from_points
from kefu.wfm.forecast.market import (
    VolatilityEffect,
    daily_volatility,
    learn_volatility_effect,
)
from kefu.wfm.forecast.methods import WeekdayMean
from tests.wfm import synthetic


def test_events_multiply_their_day() -> None:
    days = [date(2024, 6, 3), date(2024, 6, 4)]
    rows = np.ones((2, 3))
    events = read_events("date,multiplier,name\n2024-06-04,1.5,token listing\n2024-06-09,0,x\n")
    assert events[0] == DayEvent(date(2024, 6, 4), 1.5, "token listing")
    out = apply_events(days, rows, events)
    assert out[0].tolist() == [1, 1, 1]
    assert out[1].tolist() == [1.5, 1.5, 1.5]
    with pytest.raises(HistoryError, match="line 2"):
        read_events("date,multiplier\n2024-13-01,1\n")
    with pytest.raises(HistoryError, match="columns"):
        read_events("day,factor\n")


def test_reforecast_scales_the_rest_of_the_day() -> None:
    expected = np.full(10, 100.0)
    busy = reforecast_day(expected, np.full(5, 150.0))
    assert busy[:5].tolist() == [150.0] * 5
    ratio = (750 + 50) / (500 + 50)  # shrunk towards 1 by a prior of 5% of the day
    assert busy[5:] == pytest.approx(np.full(5, 100.0 * ratio))
    assert reforecast_day(expected, np.array([])).tolist() == expected.tolist()
    with pytest.raises(HistoryError):
        reforecast_day(expected, np.ones(11))


@given(
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=1, max_size=20),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=5),
)
def test_reforecast_moves_with_what_was_seen(day: list[float], seen: float, scale: float) -> None:
    expected = np.asarray(day)
    k = int(seen * len(day))
    observed = expected[:k] * scale
    out = reforecast_day(expected, observed)
    assert len(out) == len(expected)
    assert (out >= 0).all()
    rest = out[k:]
    if scale >= 1:
        assert (rest >= expected[k:] - 1e-9).all()
    else:
        assert (rest <= expected[k:] + 1e-9).all()


def test_daily_volatility() -> None:
    start = datetime(2024, 1, 1, 0, 0)
    points = [(start + timedelta(hours=h), 100.0 * (1.01 if h % 2 else 1.0)) for h in range(6)]
    vol = daily_volatility(points)
    assert vol[date(2024, 1, 1)] == pytest.approx(math.sqrt(5) * math.log(1.01))
    with pytest.raises(HistoryError):
        daily_volatility([(start, 1.0), (start + timedelta(hours=1), 0.0)])


def test_volume_effect_of_volatility_is_learned() -> None:
    rows = synthetic.points(days=60)
    rng = np.random.default_rng(3)
    days = sorted({stamp.date() for stamp, _ in rows})
    volatility = {d: float(np.exp(rng.normal(0, 0.6))) * 0.02 for d in days}
    median = float(np.median(list(volatility.values())))
    # Volume rises as (volatility / median) ** 0.4.
    boosted = [(s, v * (volatility[s.date()] / median) ** 0.4) for s, v in rows]
    history = from_points(boosted, 30)
    effect = learn_volatility_effect(history, WeekdayMean(), volatility, test_days=30)
    assert effect.slope == pytest.approx(0.4, abs=0.12)
    assert effect.multiplier(median * 2) > 1.2
    assert effect.multiplier(median * 1e6) == 3.0  # bounded
    flat = from_points(rows, 30)
    assert abs(learn_volatility_effect(flat, WeekdayMean(), volatility, 30).slope) < 0.12


def test_volatility_effect_neutral_without_data() -> None:
    assert VolatilityEffect(0.5, 0.0, 0).multiplier(0.3) == 1.0
