"""Workforce-management figures: forecast accuracy, Erlang staffing speed, Erlang A vs simulation.

1. Day-ahead forecasts of 30-minute call counts on the US bank call-center data: the last N
   days (20) held out, each forecast from the days before it only; MAPE of every method, the
   Poisson noise floor (the MAPE a forecast knowing the true rate would still have), and which
   method kefu's default chose by its own backtest for each held-out day.
2. Erlang C staffing time at 1,000 Erlangs (best of several timed repetitions, one core).
3. Erlang A against the discrete-event simulation (same parameters, several staffing levels).

    OMP_NUM_THREADS=1 .venv/bin/python bench/eval_forecast.py
    .venv/bin/python bench/eval_forecast.py --skip-library --json

Reads ../shared/data/callcenter/us_bank_calls_5min.csv relative to the repository root unless
--data is given.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from kefu.wfm.erlang import erlang_a_metrics, staff_erlang_c
from kefu.wfm.forecast.backtest import backtest, mape
from kefu.wfm.forecast.default import KefuDefault
from kefu.wfm.forecast.history import History, load_history
from kefu.wfm.forecast.registry import METHODS, method
from kefu.wfm.simulation import Fifo, Scenario, pools, simulate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data" / "callcenter" / "us_bank_calls_5min.csv"


def poisson_floor(actuals: np.ndarray) -> float:
    """Expected MAPE of a forecast equal to the true Poisson mean: E|X - m| / m per cell."""
    cells = actuals[actuals > 0]
    # E|X - m| for Poisson(m) is close to sqrt(2 m / pi) for the counts here (hundreds).
    return float(np.mean(np.sqrt(2.0 / (math.pi * cells))) * 100.0)


def thick_intervals(history: History) -> np.ndarray:
    """Intervals holding at least a quarter of the median interval's mean count.

    On the bank data the last one (21:00) holds only the 21:00 reading (the day's readings end
    there); MAPE is reported with and without such thin intervals.
    """
    means = history.counts.mean(axis=0)
    return np.asarray(means >= 0.25 * np.median(means))


def forecast_figures(history: History, test_days: int, skip_library: bool) -> dict[str, Any]:
    names = [n for n in METHODS if not (skip_library and n.startswith("statsforecast"))]
    out: dict[str, Any] = {"mape": {}, "mape_without_thin": {}, "seconds": {}}
    actuals = history.counts[-test_days:]
    keep = thick_intervals(history)
    out["thin_intervals"] = [str(s) for s, k in zip(history.slots, keep, strict=True) if not k]
    for name in names:
        started = time.perf_counter()
        result = backtest([method(name)], history, test_days)[0]
        out["mape"][name] = round(result.mape, 2)
        out["mape_without_thin"][name] = round(mape(actuals[:, keep], result.forecasts[:, keep]), 2)
        out["seconds"][name] = round(time.perf_counter() - started, 1)
        print(
            f"  {name:26} MAPE {result.mape:6.2f}%  without thin intervals "
            f"{out['mape_without_thin'][name]:6.2f}%  ({out['seconds'][name]} s)",
            flush=True,
        )
    out["poisson_floor"] = round(poisson_floor(actuals), 2)
    out["poisson_floor_without_thin"] = round(poisson_floor(actuals[:, keep]), 2)
    out["intervals"] = len(history.slots)
    chosen: Counter[str] = Counter()
    default = KefuDefault()
    for i in range(history.days - test_days, history.days):
        chosen[default.choose(history.head(i)).name] += 1
    out["default_chose"] = dict(chosen)
    return out


def per_day(history: History, test_days: int) -> dict[str, Any]:
    """kefu's default day by day, and its error split into the day's total and the profile."""
    result = backtest([KefuDefault()], history, test_days)[0]
    days = history.dates[-test_days:]
    totals = result.actuals.sum(axis=1)
    predicted = result.forecasts.sum(axis=1)
    # The profile's share of the error: the forecast rescaled to each day's true total.
    rescaled = result.forecasts * (totals / np.maximum(predicted, 1e-9))[:, None]
    return {
        "mape_by_day": [
            (d.isoformat(), round(mape(result.actuals[k : k + 1], result.forecasts[k : k + 1]), 2))
            for k, d in enumerate(days)
        ],
        "day_total_mape": round(float(np.mean(np.abs(predicted / totals - 1))) * 100, 2),
        "mape_with_true_totals": round(mape(result.actuals, rescaled), 2),
    }


def erlang_timing(repeats: int = 200) -> dict[str, Any]:
    # 1,000 Erlangs: 30,000 contacts an hour at 120 s each; 80% within 20 s.
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        result = staff_erlang_c(30_000, 120, 20, 0.8)
        best = min(best, time.perf_counter() - started)
    return {"agents": result.agents, "best_ms": round(best * 1000, 3)}


def erlang_a_vs_simulation(hours: float) -> list[dict[str, Any]]:
    rows = []
    for agents in (8, 10, 12):
        model = erlang_a_metrics(agents, 300, 120, 90, 20)
        scenario = Scenario({"en": 300}, pools({("en",): agents}), 120, 90, 20, hours=hours)
        sim = simulate(scenario, Fifo(), seed=agents).overall
        rows.append(
            {
                "agents": agents,
                "erlang_a": {
                    "service_level": round(model.service_level, 4),
                    "abandonment": round(model.abandonment, 4),
                    "asa_seconds": round(model.asa_seconds, 2),
                },
                "simulated": {
                    "service_level": round(sim.service_level, 4),
                    "abandonment": round(sim.abandonment, 4),
                    "asa_seconds": round(sim.asa_seconds, 2),
                    "contacts": sim.offered,
                },
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--interval", type=int, default=30, choices=(15, 30, 60))
    parser.add_argument("--test-days", type=int, default=20)
    parser.add_argument("--skip-library", action="store_true", help="skip MSTL and AutoETS")
    parser.add_argument("--sim-hours", type=float, default=2000.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    history = load_history(args.data.resolve(), args.interval)
    print(
        f"history: {history.days} days, {len(history.slots)} intervals of {args.interval} min "
        f"({history.slots[0]}-{history.slots[-1]}), last {args.test_days} days held out",
        flush=True,
    )
    report: dict[str, Any] = {
        "forecast": forecast_figures(history, args.test_days, args.skip_library)
    }
    report["forecast"]["kefu_default_per_day"] = per_day(history, args.test_days)
    f = report["forecast"]
    print(
        f"  Poisson noise floor        MAPE {f['poisson_floor']:6.2f}%  without thin intervals "
        f"{f['poisson_floor_without_thin']:6.2f}%  (thin: {', '.join(f['thin_intervals'])})"
    )
    print(f"  kefu_default chose: {report['forecast']['default_chose']}")
    split = report["forecast"]["kefu_default_per_day"]
    print(
        f"  kefu_default day totals off by {split['day_total_mape']:.2f}% (MAPE); with the true "
        f"day totals its intervals would score {split['mape_with_true_totals']:.2f}%"
    )
    report["erlang_c_1000"] = erlang_timing()
    print(
        f"Erlang C staffing at 1,000 Erlangs: {report['erlang_c_1000']['agents']} agents in "
        f"{report['erlang_c_1000']['best_ms']} ms (best of 200)"
    )
    report["erlang_a_vs_simulation"] = erlang_a_vs_simulation(args.sim_hours)
    for row in report["erlang_a_vs_simulation"]:
        a, s = row["erlang_a"], row["simulated"]
        print(
            f"Erlang A vs simulation, {row['agents']} agents (300/h, AHT 120 s, patience 90 s): "
            f"SL {a['service_level']:.3f} / {s['service_level']:.3f}, "
            f"abandonment {a['abandonment']:.3f} / {s['abandonment']:.3f}, "
            f"ASA {a['asa_seconds']:.1f} / {s['asa_seconds']:.1f} s ({s['contacts']} contacts)"
        )
    if args.json:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
