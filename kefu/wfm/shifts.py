"""Shift planning with OR-Tools CP-SAT: shifts covering the required agents at least cost.

The day is a row of intervals; each language needs a number of agents in each interval. A
shift is a start interval, a length (8 h, 4 h...) and a language; the plan says how many agents
start each one. Every interval's shortfall (required minus covered, when positive) is a
variable priced far above any shift, so the solver covers everything it can and, when the
headcount cap binds, reports the gaps instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_GAP_PENALTY_FACTOR = 1000  # one uncovered agent-interval costs more than any shift


class PlanError(ValueError):
    """A planning request that cannot be set up."""


@dataclass(frozen=True)
class ShiftType:
    hours: float
    cost_per_hour: float = 1.0


@dataclass(frozen=True)
class Shift:
    language: str
    start: int  # interval index
    intervals: int
    hours: float
    agents: int


@dataclass(frozen=True)
class Gap:
    language: str
    interval: int
    missing: int


@dataclass
class Plan:
    status: str
    shifts: list[Shift] = field(default_factory=list)
    scheduled: dict[str, list[int]] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    cost: float = 0.0
    headcount: int = 0


def plan_shifts(
    required: Mapping[str, Sequence[int]],
    interval_minutes: int,
    shift_types: Sequence[ShiftType] = (ShiftType(8.0), ShiftType(4.0, 1.1)),
    start_every: int = 1,
    max_agents: int | None = None,
    time_limit_seconds: float = 10.0,
) -> Plan:
    """Agents per shift start covering ``required[language][interval]`` at least cost.

    ``start_every``: shifts start every that many intervals (2 with 30-minute intervals: on
    the hour). ``max_agents``: headcount cap over all languages (None: no cap). A shift may
    not run past the last interval of the day.
    """
    from ortools.sat.python import cp_model

    lengths = {len(r) for r in required.values()}
    if len(lengths) != 1:
        raise PlanError("every language needs the same number of intervals")
    size = lengths.pop()
    if size == 0 or any(v < 0 for r in required.values() for v in r):
        raise PlanError("requirements must be non-negative, over at least one interval")
    if start_every < 1 or not shift_types:
        raise PlanError("need shift types and a start step of at least one interval")
    model = cp_model.CpModel()
    options: list[tuple[str, int, int, ShiftType, Any]] = []
    bound = max(max(r) for r in required.values()) if required else 0
    for language in sorted(required):
        for kind in shift_types:
            span = round(kind.hours * 60 / interval_minutes)
            if span < 1:
                raise PlanError(f"a {kind.hours} h shift is shorter than one interval")
            for start in range(0, size - span + 1, start_every):
                var = model.new_int_var(0, bound, f"{language}_{kind.hours}_{start}")
                options.append((language, start, span, kind, var))
    if not options:
        raise PlanError("no shift fits inside the day: shorten the shifts")
    gap_vars: dict[tuple[str, int], Any] = {}
    cost_terms: list[Any] = []
    for *_, kind, var in options:
        cost_terms.append(round(kind.hours * kind.cost_per_hour * 100) * var)
    penalty = _GAP_PENALTY_FACTOR * max(round(k.hours * k.cost_per_hour * 100) for k in shift_types)
    for language, needs in required.items():
        for t, need in enumerate(needs):
            covering = [v for lang, s, n, _, v in options if lang == language and s <= t < s + n]
            gap = model.new_int_var(0, need, f"gap_{language}_{t}")
            model.add(sum(covering) + gap >= need)  # type: ignore[arg-type]
            gap_vars[(language, t)] = gap
            cost_terms.append(penalty * gap)
    if max_agents is not None:
        model.add(sum(v for *_, v in options) <= max_agents)  # type: ignore[arg-type]
    model.minimize(sum(cost_terms))  # type: ignore[arg-type]
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_seconds
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Plan(status=solver.status_name(status))
    plan = Plan(status="optimal" if status == cp_model.OPTIMAL else "feasible")
    plan.scheduled = {language: [0] * size for language in required}
    for language, start, span, kind, var in options:
        count = int(solver.value(var))  # type: ignore[arg-type]
        if count:
            plan.shifts.append(Shift(language, start, span, kind.hours, count))
            plan.cost += count * kind.hours * kind.cost_per_hour
            plan.headcount += count
            for t in range(start, start + span):
                plan.scheduled[language][t] += count
    for (language, t), var in sorted(gap_vars.items()):
        missing = int(solver.value(var))  # type: ignore[arg-type]
        if missing:
            plan.gaps.append(Gap(language, t, missing))
    return plan
