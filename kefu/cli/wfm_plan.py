"""`kefu wfm plan`: shifts per language covering the required agents, with the gaps."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from kefu.cli.wfm import AsJson, Patience, Shrinkage, TargetSeconds, fail, wfm_app
from kefu.wfm.erlang import StaffingError
from kefu.wfm.forecast.history import HistoryError, load_history, parse_interval, parse_timestamp
from kefu.wfm.forecast.registry import DEFAULT, method
from kefu.wfm.requirements import ServiceTarget, required_agents, split_by_language
from kefu.wfm.shifts import Plan, PlanError, ShiftType, plan_shifts


def _read_requirements(path: Path) -> tuple[list[datetime], dict[str, list[int]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    if not {"start", "language", "agents"} <= set(reader.fieldnames or []):
        raise HistoryError("requirements CSV needs the columns start,language,agents")
    cells: dict[tuple[datetime, str], int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            agents = int(row["agents"])
        except ValueError:
            raise HistoryError(f"requirements line {line}: bad agents {row['agents']!r}") from None
        if agents < 0:
            raise HistoryError(f"requirements line {line}: agents must be >= 0")
        cells[(parse_timestamp(row["start"]), row["language"].strip())] = agents
    starts = sorted({s for s, _ in cells})
    languages = sorted({lang for _, lang in cells})
    if not starts:
        raise HistoryError("requirements CSV is empty")
    return starts, {lang: [cells.get((s, lang), 0) for s in starts] for lang in languages}


def _shares(values: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for value in values:
        language, _, share = value.partition("=")
        try:
            out[language.strip()] = float(share)
        except ValueError:
            raise StaffingError(f"language share {value!r}: use LANG=SHARE, e.g. en=0.7") from None
    return out or {"all": 1.0}


def _as_json(plan: Plan, starts: list[datetime], step: timedelta, required: Any) -> dict[str, Any]:
    def at(index: int) -> str:
        return (starts[0] + step * index).isoformat()

    return {
        "status": plan.status,
        "cost_hours": round(plan.cost, 2),
        "headcount": plan.headcount,
        "shifts": [
            {
                "language": s.language,
                "start": at(s.start),
                "end": at(s.start + s.intervals),
                "hours": s.hours,
                "agents": s.agents,
            }
            for s in plan.shifts
        ],
        "gaps": [
            {"language": g.language, "start": at(g.interval), "missing": g.missing}
            for g in plan.gaps
        ],
        "intervals": [s.isoformat() for s in starts],
        "required": required,
        "scheduled": plan.scheduled,
    }


@wfm_app.command("plan")
def plan(
    requirements: Annotated[
        Path | None, typer.Option(help="CSV start,language,agents (instead of --history)")
    ] = None,
    history: Annotated[
        Path | None, typer.Option(help="CSV timestamp,calls: forecast the next day and staff it")
    ] = None,
    interval: Annotated[str, typer.Option(help="Interval with --history")] = "30min",
    aht_seconds: Annotated[float, typer.Option(help="Mean handle time (with --history)")] = 300.0,
    target_seconds: TargetSeconds = 20.0,
    target_level: Annotated[float, typer.Option(help="Share answered within target")] = 0.8,
    patience_seconds: Patience = None,
    shrinkage: Shrinkage = 0.0,
    language: Annotated[
        list[str] | None, typer.Option(help="Share of contacts per language, e.g. en=0.7")
    ] = None,
    shift_hours: Annotated[
        list[float] | None,
        typer.Option(help="Shift lengths in hours (repeatable); default 8 and 4"),
    ] = None,
    start_every: Annotated[str, typer.Option(help="Shifts start every: 30min, 60min...")] = "60min",
    max_agents: Annotated[int | None, typer.Option(min=0, help="Headcount cap")] = None,
    as_json: AsJson = False,
) -> None:
    """Propose shifts (start, length, language) covering the required agents at least cost."""
    try:
        if (requirements is None) == (history is None):
            raise HistoryError("give exactly one of --requirements and --history")
        if requirements is not None:
            starts, required = _read_requirements(requirements)
            minutes = int((starts[1] - starts[0]).total_seconds() // 60) if len(starts) > 1 else 60
        else:
            assert history is not None
            minutes = parse_interval(interval)
            past = load_history(history, minutes)
            day = past.next_days(1)
            counts = method(DEFAULT).forecast(past, day)[0]
            starts = past.starts(day[0])
            target = ServiceTarget(
                aht_seconds, target_seconds, target_level, patience_seconds, shrinkage=shrinkage
            )
            by_language = split_by_language(list(counts), _shares(language or []))
            required = {k: required_agents(v, minutes, target) for k, v in by_language.items()}
        kinds = [ShiftType(h, 1.0 if h >= 6 else 1.1) for h in (shift_hours or [8.0, 4.0])]
        step = max(1, parse_interval(start_every) // minutes) if minutes else 1
        result = plan_shifts(required, minutes, kinds, step, max_agents)
    except (HistoryError, StaffingError, PlanError, OSError) as exc:
        raise fail(str(exc)) from None
    out = _as_json(result, starts, timedelta(minutes=minutes), required)
    if as_json:
        typer.echo(json.dumps(out))
        return
    typer.echo(f"{out['status']}: {out['headcount']} agents, {out['cost_hours']} paid hours")
    for shift in out["shifts"]:
        typer.echo(
            f"  {shift['language']:5} {shift['start']} {shift['hours']:>4} h  x{shift['agents']}"
        )
    for gap in out["gaps"]:
        typer.echo(f"  gap {gap['language']:5} {gap['start']} missing {gap['missing']}")
