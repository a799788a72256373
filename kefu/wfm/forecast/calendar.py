"""Calendar effects on a day's volume: weekday, start and end of month, the day after a closure.

Contacts rise on the first business days of a month and on its last ones (statements, salaries,
card bills), and the first day open after a closure (a public holiday, an outage) takes the
contacts of the day that was missed: it behaves like the first day of the week.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

CLOSURE_COLUMNS = ("after_closure", "second_after_closure", "third_after_closure")
MONTH_COLUMNS = ("month_first", "month_second", "month_last", "month_second_last")


def feature_names(open_weekdays: Sequence[int]) -> list[str]:
    return [f"weekday_{w}" for w in open_weekdays] + [*CLOSURE_COLUMNS, *MONTH_COLUMNS]


def _business_days(year: int, month: int, open_weekdays: Sequence[int]) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    days = (date(year, month, d) for d in range(1, last + 1))
    return [d for d in days if d.weekday() in open_weekdays]


def _closed_between(before: date, after: date, open_weekdays: Sequence[int]) -> bool:
    current = before + timedelta(days=1)
    while current < after:
        if current.weekday() in open_weekdays:
            return True
        current += timedelta(days=1)
    return False


def calendar_features(dates: Sequence[date], open_weekdays: Sequence[int]) -> np.ndarray:
    """One row per date (ascending): effective weekday one-hot, after-closure and month flags.

    The day after a closure takes the first open weekday's column (it behaves like a Monday).
    """
    columns = {w: i for i, w in enumerate(open_weekdays)}
    width = len(open_weekdays) + len(CLOSURE_COLUMNS) + len(MONTH_COLUMNS)
    out = np.zeros((len(dates), width))
    month_cache: dict[tuple[int, int], list[date]] = {}
    since_closure = 99
    for row, day in enumerate(dates):
        closed = row > 0 and _closed_between(dates[row - 1], day, open_weekdays)
        weekday = open_weekdays[0] if closed else day.weekday()
        if weekday in columns:
            out[row, columns[weekday]] = 1.0
        out[row, len(open_weekdays)] = 1.0 if closed else 0.0
        since_closure = 0 if closed else since_closure + 1
        for k in (1, 2):
            out[row, len(open_weekdays) + k] = 1.0 if since_closure == k else 0.0
        key = (day.year, day.month)
        if key not in month_cache:
            month_cache[key] = _business_days(day.year, day.month, open_weekdays)
        business = month_cache[key]
        if day in business:
            k = business.index(day)
            base = len(open_weekdays) + len(CLOSURE_COLUMNS)
            flags = (k == 0, k == 1, k == len(business) - 1, k == len(business) - 2)
            for offset, flag in enumerate(flags):
                out[row, base + offset] = 1.0 if flag else 0.0
    return out
