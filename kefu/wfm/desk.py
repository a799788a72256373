"""The supervisor's view of kefu's own tickets: forecast against actual, required against
scheduled agents per language, computed from :mod:`kefu.wfm.ticket_history` summaries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from kefu.wfm.charts import forecast_chart, staffing_chart
from kefu.wfm.forecast.backtest import day_ahead
from kefu.wfm.forecast.default import KefuDefault
from kefu.wfm.forecast.history import History, HistoryError
from kefu.wfm.requirements import ServiceTarget, required_agents
from kefu.wfm.shifts import ShiftType, plan_shifts
from kefu.wfm.ticket_history import SeriesSummary


def aligned(histories: Mapping[str, History]) -> dict[str, History]:
    """The histories on the same days and intervals (missing cells are zero contacts)."""
    if not histories:
        raise HistoryError("no contacts in the window")
    interval = next(iter(histories.values())).interval_minutes
    dates = tuple(sorted({d for h in histories.values() for d in h.dates}))
    slots = tuple(sorted({s for h in histories.values() for s in h.slots}))
    out = {}
    for key, h in histories.items():
        counts = np.zeros((len(dates), len(slots)))
        rows = [dates.index(d) for d in h.dates]
        cols = [slots.index(s) for s in h.slots]
        counts[np.ix_(rows, cols)] = h.counts
        out[key] = History(dates, slots, counts, interval)
    return out


@dataclass(frozen=True)
class DayPlan:
    starts: list[datetime]
    forecast: dict[str, list[float]]
    required: dict[str, list[int]]
    scheduled: dict[str, list[int]]
    gaps: int


def forecast_png(summary: SeriesSummary, interval_minutes: int, shown_days: int = 7) -> bytes:
    """Actual contacts of the recent days, their day-ahead forecasts, and the next day's."""
    history = summary.history(interval_minutes)
    forecaster = KefuDefault()
    back = min(shown_days, history.days - 1)
    starts: list[datetime] = []
    values: list[float] = []
    if back >= 1:
        past = day_ahead(forecaster, history, back)
        for row, day in zip(past, history.dates[-back:], strict=True):
            starts += history.starts(day)
            values += [float(v) for v in row]
    nxt = history.next_days(1)
    starts += history.starts(nxt[0])
    values += [float(v) for v in forecaster.forecast(history, nxt)[0]]
    shown = history.dates[-(back + 1) :]
    actual_starts = [s for d in shown for s in history.starts(d)]
    actual = [float(v) for v in history.counts[-len(shown) :].ravel()]
    title = f"Contacts per {interval_minutes} min ({summary.key}): forecast against actual"
    return forecast_chart(starts, values, actual_starts, actual, title)


def next_day_plan(
    summaries: Mapping[str, SeriesSummary],
    interval_minutes: int,
    target: ServiceTarget,
    max_agents: int | None,
) -> DayPlan:
    """Forecast each language's next day, staff it, and plan shifts for it."""
    histories = aligned({k: s.history(interval_minutes) for k, s in summaries.items()})
    forecaster = KefuDefault()
    any_history = next(iter(histories.values()))
    day = any_history.next_days(1)
    forecast = {k: [float(v) for v in forecaster.forecast(h, day)[0]] for k, h in histories.items()}
    required = {k: required_agents(v, interval_minutes, target) for k, v in forecast.items()}
    day_hours = len(any_history.slots) * interval_minutes / 60
    # 8- and 4-hour shifts where the opening hours allow them, else one shift the day long.
    kinds = [k for k in (ShiftType(8.0), ShiftType(4.0, 1.1)) if k.hours <= day_hours]
    plan = plan_shifts(
        required,
        interval_minutes,
        kinds or [ShiftType(day_hours)],
        max_agents=max_agents,
        time_limit_seconds=5,
    )
    return DayPlan(
        any_history.starts(day[0]),
        forecast,
        required,
        plan.scheduled or {k: [0] * len(v) for k, v in required.items()},
        sum(g.missing for g in plan.gaps),
    )


def staffing_png(plan: DayPlan) -> bytes:
    return staffing_chart(plan.starts, plan.required, plan.scheduled)
