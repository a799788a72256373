"""Shifts and calendars: overnight spans, holidays, exceptions, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.domain.routing.coverage import Coverage
from kefu.domain.routing.schedule import Schedule, parse_span

BERLIN = "Europe/Berlin"
TOKYO = "Asia/Tokyo"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_parse_span() -> None:
    assert parse_span("09:00-18:00") == (time(9), time(18))
    assert parse_span("00:00-24:00") == (time(0), time(0))
    with pytest.raises(ValueError, match="invalid hours"):
        parse_span("9am to 5pm")
    with pytest.raises(ValueError, match="unknown time zone"):
        Schedule(zone="Mars/Olympus")


def test_office_hours_in_the_zone_of_the_schedule() -> None:
    tokyo = Schedule.weekdays(TOKYO, ["09:00-18:00"])
    # Monday 2026-11-23 09:00 JST is 00:00 UTC.
    assert tokyo.is_open(utc(2026, 11, 23, 0, 0))
    assert not tokyo.is_open(utc(2026, 11, 22, 23, 59))
    assert not tokyo.is_open(utc(2026, 11, 23, 9, 0))  # 18:00 JST: closed (end excluded)
    # Friday evening → next opening Monday 09:00 JST.
    assert tokyo.next_open(utc(2026, 11, 27, 10)) == utc(2026, 11, 30, 0)


def test_overnight_shift_belongs_to_its_start_day() -> None:
    night = Schedule(zone="UTC", weekly={4: ((time(22), time(6)),)})  # Friday 22:00 → Sat 06:00
    assert night.is_open(utc(2026, 11, 28, 5, 59))  # Saturday morning
    assert not night.is_open(utc(2026, 11, 28, 22, 30))  # Saturday night: no shift
    assert night.intervals(utc(2026, 11, 27), utc(2026, 11, 29)) == [
        (utc(2026, 11, 27, 22), utc(2026, 11, 28, 6))
    ]


def test_holidays_and_exceptions() -> None:
    base = Schedule.weekdays(BERLIN, ["09:00-17:00"])
    holiday = Schedule(
        zone=BERLIN,
        weekly=base.weekly,
        holidays=frozenset({date(2026, 12, 24)}),
        exceptions={date(2026, 12, 27): ((time(10), time(12)),)},  # a Sunday, extra
    )
    assert base.is_open(utc(2026, 12, 24, 10))
    assert not holiday.is_open(utc(2026, 12, 24, 10))
    assert holiday.is_open(utc(2026, 12, 27, 9, 30))  # 10:30 CET
    assert not holiday.is_open(utc(2026, 12, 27, 11, 30))
    # An exception wins over a holiday on the same date.
    both = Schedule(
        zone=BERLIN,
        weekly=base.weekly,
        holidays=frozenset({date(2026, 12, 24)}),
        exceptions={date(2026, 12, 24): ((time(9), time(12)),)},
    )
    assert both.is_open(utc(2026, 12, 24, 10))
    # A day off by exception.
    off = Schedule(zone=BERLIN, weekly=base.weekly, exceptions={date(2026, 12, 23): ()})
    assert not off.is_open(utc(2026, 12, 23, 10))


def test_wall_clock_hours_survive_daylight_saving_changes() -> None:
    office = Schedule.weekdays(BERLIN, ["09:00-17:00"])
    tz = ZoneInfo(BERLIN)
    for day in (date(2026, 3, 27), date(2026, 3, 30), date(2026, 10, 23), date(2026, 10, 26)):
        start = datetime.combine(day, time(9), tzinfo=tz)
        (a, b), *_ = office.intervals(start - timedelta(hours=1), start + timedelta(hours=10))
        assert a == start.astimezone(UTC)
        assert b - a == timedelta(hours=8)
    # A 24-hour shift on the night of the change lasts 23 or 25 real hours.
    day_long = Schedule(zone=BERLIN, weekly={6: ((time(0), time(0)),)})
    spring = day_long.intervals(utc(2026, 3, 28), utc(2026, 3, 31))
    autumn = day_long.intervals(utc(2026, 10, 24), utc(2026, 10, 27))
    assert spring[0][1] - spring[0][0] == timedelta(hours=23)
    assert autumn[0][1] - autumn[0][0] == timedelta(hours=25)


def test_a_span_starting_in_the_skipped_hour() -> None:
    # 2026-03-29 02:30 does not exist in Berlin: read with the old offset, i.e. 03:30 CEST.
    early = Schedule(zone=BERLIN, weekly={6: ((time(2, 30), time(6)),)})
    found = early.intervals(utc(2026, 3, 28), utc(2026, 3, 30))
    assert found == [(utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 4))]


def test_open_seconds_across_a_weekend() -> None:
    office = Schedule.weekdays("UTC", ["09:00-17:00"])
    friday_four = utc(2026, 11, 27, 16)
    # One hour left on Friday, then Monday.
    assert office.add_open_seconds(friday_four, 2 * 3600) == utc(2026, 11, 30, 10)
    assert office.open_seconds(friday_four, utc(2026, 11, 30, 10)) == 2 * 3600
    assert office.add_open_seconds(friday_four, 0) == friday_four
    assert office.next_close(utc(2026, 11, 27, 12)) == utc(2026, 11, 27, 17)
    assert office.next_close(utc(2026, 11, 28, 12)) is None
    assert Schedule().next_open(utc(2026, 1, 1)) is None  # never open
    with pytest.raises(ValueError, match="never opens"):
        Schedule().add_open_seconds(utc(2026, 1, 1), 60)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.is_open(datetime(2026, 1, 1))  # naive


def test_language_hours_come_from_agents_shifts() -> None:
    tokyo = Schedule.weekdays(TOKYO, ["09:00-18:00"], days=range(7))
    london = Schedule(zone="Europe/London", weekly={d: ((time(0), time(12)),) for d in range(7)})
    shanghai = Schedule(zone="Asia/Shanghai", weekly={d: ((time(20), time(8)),) for d in range(7)})
    coverage = Coverage.from_agents(
        [
            (["en", "zh"], london),
            (["zh", "en"], shanghai),
            (["ja", "en"], tokyo),
        ],
        fallbacks={"ja": ("en", "zh"), "*": ("en",)},
    )
    # English and Chinese around the clock in winter: London 00–12 UTC, Shanghai 12–24 UTC.
    week = (utc(2026, 11, 23), utc(2026, 11, 30))
    assert coverage.hours("en", *week) == [week]
    assert coverage.hours("zh", *week) == [week]
    assert coverage.hours("ja", *week) == [
        (utc(2026, 11, d - 1, 0), utc(2026, 11, d - 1, 9)) for d in range(24, 31)
    ]
    ja_night = coverage.availability("ja", utc(2026, 11, 23, 10))  # 19:00 JST
    assert not ja_night.online
    assert ja_night.next_opening == utc(2026, 11, 24, 0)
    assert ja_night.fallbacks == ("en", "zh")
    assert coverage.availability("en", utc(2026, 11, 23, 10)).closes_at is None  # 24/7
    ja_day = coverage.availability("ja", utc(2026, 11, 23, 1))
    assert ja_day.online
    assert ja_day.closes_at == utc(2026, 11, 23, 9)
    assert ja_day.fallbacks == ("en", "zh")
    unknown = coverage.availability("sw", utc(2026, 11, 23, 1))
    assert not unknown.online
    assert unknown.next_opening is None
    assert unknown.fallbacks == ("en",)
