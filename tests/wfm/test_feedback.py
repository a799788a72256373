"""Recent-error feedback: the error measures, the correction, and the forecaster on a history."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.wfm.forecast.daily_profile import DailyProfileBlend
from kefu.wfm.forecast.feedback import (
    RecentErrorFeedback,
    corrected,
    level_error,
    share_error,
    weighted_recent,
)
from kefu.wfm.forecast.history import History, HistoryError, from_points


def test_level_error_is_the_log_ratio() -> None:
    assert level_error(110.0, 100.0) == pytest.approx(math.log(1.1))
    assert level_error(0.0, 100.0) == 0.0
    assert level_error(100.0, 0.0) == 0.0


def test_share_error_compares_shares_not_counts() -> None:
    # Twice the volume with the same shape: no share error.
    assert np.allclose(share_error(np.array([20.0, 60.0]), np.array([10.0, 30.0])), 0.0)
    # Actual shares 0.5/0.5 against forecast 0.25/0.75.
    assert np.allclose(share_error(np.array([5.0, 5.0]), np.array([1.0, 3.0])), [1.0, -1 / 3])
    # An interval the forecast leaves empty has no relative error; an empty day none at all.
    assert np.allclose(share_error(np.array([3.0, 1.0]), np.array([4.0, 0.0])), [-0.25, 0.0])
    assert np.allclose(share_error(np.zeros(2), np.array([1.0, 1.0])), 0.0)


def test_weighted_recent_halves_the_weight_per_half_life() -> None:
    latest, before = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert np.allclose(weighted_recent([latest, before], halflife=1.0), [2 / 3, 1 / 3])
    assert np.allclose(weighted_recent([latest], halflife=1.0), latest)
    with pytest.raises(HistoryError):
        weighted_recent([], halflife=1.0)


def test_correction_by_hand() -> None:
    rows = np.array([[100.0, 300.0], [100.0, 300.0]])
    out = corrected(rows, math.log(1.2), np.array([0.5, -0.5]), 0.5, 0.4)
    # Day 1: total x 1.2^0.5; counts x (1 + 0.4 x 0.5) and x (1 - 0.4 x 0.5), rescaled.
    total = 400.0 * 1.2**0.5
    shaped = np.array([120.0, 240.0])
    assert np.allclose(out[0], shaped / shaped.sum() * total)
    # Day 2: weights squared.
    total2 = 400.0 * 1.2**0.25
    shaped2 = np.array([100.0 * 1.08, 300.0 * 0.92])
    assert np.allclose(out[1], shaped2 / shaped2.sum() * total2)


@given(
    st.lists(st.floats(1.0, 1e4), min_size=2, max_size=12),
    st.floats(-1.0, 1.0),
    st.floats(0.0, 0.99),
    st.floats(0.0, 0.99),
    st.data(),
)
def test_correction_keeps_counts_positive_and_fades(
    row: list[float], level: float, w: float, v: float, data: st.DataObject
) -> None:
    shares = np.array(
        data.draw(st.lists(st.floats(-1.0, 5.0), min_size=len(row), max_size=len(row)))
    )
    rows = np.array([row, row, row])
    out = corrected(rows, level, shares, w, v)
    assert (out > 0).all()
    for k in range(3):
        assert out[k].sum() == pytest.approx(rows[k].sum() * math.exp(w ** (k + 1) * level))
    # Without errors nothing changes; with zero weights neither.
    assert np.allclose(corrected(rows, 0.0, np.zeros(len(row)), w, v), rows)
    assert np.allclose(corrected(rows, level, shares, 0.0, 0.0), rows)


def _steady(days: int, morning_from: int) -> History:
    """Same weekday shape and volume every day until ``morning_from``, then a busier morning."""
    start = date(2024, 1, 1)
    points = []
    for k in range(days):
        day = start + timedelta(days=k)
        morning, rest = (300.0, 700.0) if k < morning_from else (450.0, 770.0)
        points.append((datetime(day.year, day.month, day.day, 9), morning))
        points.append((datetime(day.year, day.month, day.day, 10), rest))
    return from_points(points, 60)


def test_feedback_follows_a_shift_the_profile_has_not_caught_up_with() -> None:
    history = _steady(80, morning_from=77)
    day = history.next_days(1)[0]
    base = DailyProfileBlend().forecast(history, [day])[0]
    fed = RecentErrorFeedback().forecast(history, [day])[0]
    actual = np.array([450.0, 770.0])
    # The last three days ran busier with a bigger morning: the correction moves towards them.
    assert fed.sum() > base.sum()
    assert fed[0] / fed.sum() > base[0] / base.sum()
    assert np.abs(fed - actual).sum() < np.abs(base - actual).sum()


def test_feedback_changes_nothing_on_a_steady_history() -> None:
    history = _steady(80, morning_from=80)
    days = history.next_days(2)
    assert np.allclose(
        RecentErrorFeedback().forecast(history, days), DailyProfileBlend().forecast(history, days)
    )


def test_feedback_needs_history_for_its_errors() -> None:
    short = _steady(DailyProfileBlend().min_days(), morning_from=0)
    day = short.next_days(1)[0]
    # Too short to backtest even the last day: the base forecast unchanged.
    assert np.allclose(
        RecentErrorFeedback().forecast(short, [day]), DailyProfileBlend().forecast(short, [day])
    )


def test_feedback_weights_are_checked() -> None:
    with pytest.raises(HistoryError):
        RecentErrorFeedback(level_weight=1.0)
    with pytest.raises(HistoryError):
        RecentErrorFeedback(profile_days=0)
