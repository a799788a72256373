"""`kefu wfm forecast` and `kefu wfm backtest`: forecasts and backtests from a CSV history."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from kefu.cli.wfm import AsJson, fail, wfm_app
from kefu.wfm.forecast.adjust import apply_events, read_events, reforecast_day
from kefu.wfm.forecast.backtest import backtest as run_backtest
from kefu.wfm.forecast.default import KefuDefault
from kefu.wfm.forecast.history import (
    History,
    HistoryError,
    from_points,
    load_history,
    parse_interval,
    read_points,
)
from kefu.wfm.forecast.market import daily_volatility, learn_volatility_effect
from kefu.wfm.forecast.registry import DEFAULT, METHODS, method

HistoryCsv = Annotated[
    Path, typer.Option(help="CSV with columns timestamp,calls (any finer interval)")
]
Interval = Annotated[str, typer.Option(help="Interval to forecast: 15min, 30min or 60min")]


def _load(path: Path, interval: str) -> History:
    return load_history(path, parse_interval(interval))


def _observed(past: History, day: date, path: Path) -> np.ndarray:
    """Counts so far on ``day``, on the history's intervals, up to the last one observed."""
    observed = from_points(read_points(path.read_text(encoding="utf-8")), past.interval_minutes)
    if observed.dates != (day,):
        raise HistoryError(f"--today must hold counts of {day.isoformat()} only")
    unknown = [s for s in observed.slots if s not in past.slots]
    if unknown:
        raise HistoryError(f"--today has counts outside opening hours (at {unknown[0]})")
    index = {s: i for i, s in enumerate(past.slots)}
    seen = np.zeros(max(index[s] for s in observed.slots) + 1)
    for s, count in zip(observed.slots, observed.counts[0], strict=True):
        seen[index[s]] = count
    return seen


@wfm_app.command("forecast")
def forecast(
    history: HistoryCsv,
    interval: Interval = "30min",
    horizon_days: Annotated[int, typer.Option(min=1, max=62, help="Days to forecast")] = 1,
    method_name: Annotated[
        str, typer.Option("--method", help=f"One of: {', '.join(METHODS)}")
    ] = DEFAULT,
    events: Annotated[
        Path | None, typer.Option(help="CSV date,multiplier[,name]: holidays and events")
    ] = None,
    prices: Annotated[
        Path | None,
        typer.Option(help="CSV timestamp,price: raise the forecast when markets move"),
    ] = None,
    today: Annotated[
        Path | None,
        typer.Option(
            help="CSV timestamp,calls: counts so far on the first forecast day; the rest of "
            "that day is re-forecast from them"
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Also draw the forecast to this PNG")] = None,
    as_json: AsJson = False,
) -> None:
    """Forecast the intervals after the last day of history, on its opening hours."""
    try:
        past = _load(history, interval)
        forecaster = method(method_name)
        days = past.next_days(horizon_days)
        rows = forecaster.forecast(past, days)
        if events is not None:
            rows = apply_events(days, rows, read_events(events.read_text(encoding="utf-8")))
        note = ""
        if prices is not None:
            points = read_points(prices.read_text(encoding="utf-8"), value_column="price")
            volatility = daily_volatility(points)
            # Learn from the method kefu's default chose, not by re-choosing for every day.
            learner = forecaster.choose(past) if isinstance(forecaster, KefuDefault) else forecaster
            effect = learn_volatility_effect(past, learner, volatility, test_days=20)
            latest = max((d for d in volatility if d <= days[0]), default=None)
            factor = effect.multiplier(volatility[latest]) if latest else 1.0
            rows = rows * factor
            note = (
                f"market signal: slope {effect.slope:.3f} over {effect.days_used} days,"
                f" forecast x{factor:.3f}"
            )
        if today is not None:
            seen = _observed(past, days[0], today)
            rows[0] = reforecast_day(rows[0], seen)
            note += f"{'; ' if note else ''}re-forecast from {len(seen)} observed intervals"
    except (HistoryError, OSError) as exc:
        raise fail(str(exc)) from None
    starts = [start for day in days for start in past.starts(day)]
    values = [round(float(v), 3) for v in np.asarray(rows).ravel()]
    if plot is not None:
        from kefu.wfm.charts import forecast_chart

        recent = past.head(past.days)
        shown = max(0, recent.days - 5)
        actual_starts = [s for d in recent.dates[shown:] for s in recent.starts(d)]
        actual = [float(v) for v in recent.counts[shown:].ravel()]
        plot.write_bytes(forecast_chart(starts, values, actual_starts, actual))
    if as_json:
        out = [{"start": s.isoformat(), "forecast": v} for s, v in zip(starts, values, strict=True)]
        typer.echo(json.dumps(out))
        return
    if note:
        typer.echo(note)
    for start, value in zip(starts, values, strict=True):
        typer.echo(f"{start.isoformat()}  {value:10.1f}")


@wfm_app.command("backtest")
def backtest(
    history: HistoryCsv,
    test_days: Annotated[int, typer.Option(min=1, help="Last days held out")],
    interval: Interval = "30min",
    method_names: Annotated[
        list[str] | None,
        typer.Option("--method", help="Methods to score (repeatable); default: all"),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Each method's MAPE over the last N days, each day forecast from the days before it."""
    try:
        past = _load(history, interval)
        forecasters = [method(name) for name in (method_names or list(METHODS))]
        results = run_backtest(forecasters, past, test_days)
    except (HistoryError, OSError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps({r.name: round(r.mape, 3) for r in results}))
        return
    for r in results:
        typer.echo(f"{r.name:26} MAPE {r.mape:6.2f}%")
