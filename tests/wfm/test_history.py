"""Loading `timestamp,calls` CSV into a days-by-intervals history."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.wfm.forecast.history import (
    HistoryError,
    from_points,
    load_history,
    parse_interval,
    parse_timestamp,
    read_points,
)
from tests.wfm import synthetic


def test_intervals_are_parsed() -> None:
    assert parse_interval("30min") == 30
    assert parse_interval("15m") == 15
    assert parse_interval("1h") == 60
    assert parse_interval("60") == 60
    for bad in ("45min", "abc", "", "0"):
        with pytest.raises(HistoryError):
            parse_interval(bad)


@given(st.text(max_size=12))
def test_any_interval_text_parses_or_is_refused(text: str) -> None:
    with contextlib.suppress(HistoryError):
        assert parse_interval(text) in (15, 30, 60)


def test_timestamps_keep_wall_clock() -> None:
    assert parse_timestamp("2003-03-03T07:05:00Z") == datetime(2003, 3, 3, 7, 5)
    assert parse_timestamp("2003-03-03T07:05:00+02:00") == datetime(2003, 3, 3, 7, 5)
    with pytest.raises(HistoryError):
        parse_timestamp("yesterday")


def test_five_minute_counts_add_up_into_opening_intervals() -> None:
    rows = synthetic.points(days=10)
    history = from_points(rows, 30)
    assert history.slots[0] == time(9, 0)
    assert history.slots[-1] == time(16, 30)
    assert len(history.slots) == 16
    assert history.days == 10
    assert history.counts.sum() == sum(v for _, v in rows)
    hourly = from_points(rows, 60)
    assert np.allclose(hourly.counts[:, 0], history.counts[:, 0] + history.counts[:, 1])


def test_missing_days_stay_missing() -> None:
    history = from_points(synthetic.points(days=20), 30)
    assert date(2024, 1, 15) not in history.dates  # the holiday
    assert history.days == 19
    assert history.open_weekdays() == (0, 1, 2, 3, 4)
    assert history.next_days(2) == [date(2024, 1, 29), date(2024, 1, 30)]


def test_csv_file_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(synthetic.csv_text(synthetic.points(days=3)), encoding="utf-8")
    assert load_history(path, 15).days == 3
    with pytest.raises(HistoryError, match="columns"):
        read_points("when,calls\n2024-01-01T09:00:00,3\n")
    with pytest.raises(HistoryError, match="line 3"):
        read_points("timestamp,calls\n2024-01-01T09:00:00,3\n2024-01-01T09:05:00,x\n")
    with pytest.raises(HistoryError, match="negative"):
        from_points([(datetime(2024, 1, 1, 9), -1.0)], 30)
    with pytest.raises(HistoryError, match="empty"):
        from_points([], 30)
    with pytest.raises(HistoryError, match="cannot read"):
        load_history(tmp_path / "missing.csv", 30)


stamps = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))


@given(st.lists(st.tuples(stamps, st.integers(min_value=0, max_value=10_000)), max_size=40))
def test_csv_round_trip_keeps_every_contact(rows: list[tuple[datetime, int]]) -> None:
    text = "timestamp,calls\n" + "".join(f"{s.isoformat()}Z,{n}\n" for s, n in rows)
    points = read_points(text)
    assert len(points) == len(rows)
    if not rows:
        return
    for interval in (15, 30, 60):
        history = from_points(points, interval)
        assert history.counts.sum() == sum(n for _, n in rows)
        assert list(history.dates) == sorted({s.date() for s, _ in rows})
        assert all(slot.minute % interval == 0 for slot in history.slots)
