"""Shift planning (CP-SAT) and agents required per interval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from kefu.wfm.erlang import StaffingError, staff_erlang_c, with_shrinkage
from kefu.wfm.requirements import ServiceTarget, required_agents, split_by_language
from kefu.wfm.shifts import PlanError, ShiftType, plan_shifts
from tests.wfm import synthetic

REQUIRED = {
    "en": [2, 3, 5, 8, 10, 10, 9, 8, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 2, 1, 1, 1, 1],
    "zh": [1] * 8 + [3] * 8 + [1] * 8,
}


def test_plan_covers_every_interval_when_uncapped() -> None:
    plan = plan_shifts(REQUIRED, 30, start_every=2)
    assert plan.status == "optimal"
    assert plan.gaps == []
    for language, needs in REQUIRED.items():
        assert all(s >= n for s, n in zip(plan.scheduled[language], needs, strict=True))
    assert all(shift.start % 2 == 0 for shift in plan.shifts)  # on the hour
    assert plan.headcount == sum(s.agents for s in plan.shifts)
    # The cost is paid hours: no cheaper than the peak of each language on 8-hour shifts
    # would allow, and no dearer than covering every interval with its own shift.
    assert plan.cost >= 4 * (10 + 3)
    assert plan.cost <= sum(sum(n) for n in REQUIRED.values())


def test_short_shifts_cover_a_short_peak_cheaper() -> None:
    peak = {"en": [1] * 8 + [6] * 4 + [1] * 8}
    both = plan_shifts(peak, 30, [ShiftType(8), ShiftType(4, 1.1)], start_every=1)
    long_only = plan_shifts(peak, 30, [ShiftType(8)], start_every=1)
    assert both.cost < long_only.cost
    assert any(s.hours == 4 for s in both.shifts)


def test_headcount_cap_reports_gaps() -> None:
    plan = plan_shifts(REQUIRED, 30, start_every=2, max_agents=8)
    assert plan.headcount <= 8
    assert plan.gaps
    missing = {(g.language, g.interval): g.missing for g in plan.gaps}
    for language, needs in REQUIRED.items():
        for t, need in enumerate(needs):
            assert plan.scheduled[language][t] + missing.get((language, t), 0) >= need


def test_planning_errors() -> None:
    with pytest.raises(PlanError):
        plan_shifts({"en": [1, 2], "zh": [1]}, 30)
    with pytest.raises(PlanError):
        plan_shifts({"en": [1, 2]}, 30, [ShiftType(8)])  # an 8 h shift in a 1 h day


def test_required_agents_per_interval() -> None:
    target = ServiceTarget(aht_seconds=120, target_seconds=20, target_level=0.8, shrinkage=0.25)
    out = required_agents([0, 126, 300], 30, target)
    assert out[0] == 0
    assert out[1] == with_shrinkage(staff_erlang_c(252, 120, 20, 0.8).agents, 0.25)
    assert out[2] > out[1]
    chats = ServiceTarget(aht_seconds=120, concurrency=3)
    assert required_agents([126], 30, chats)[0] == -(-staff_erlang_c(252, 120, 20, 0.8).agents // 3)
    assert split_by_language([10.0], {"en": 3, "zh": 1}) == {"en": [7.5], "zh": [2.5]}
    with pytest.raises(StaffingError):
        split_by_language([1.0], {})


def test_plan_cli_from_requirements(tmp_path: Path) -> None:
    path = tmp_path / "req.csv"
    lines = ["start,language,agents"]
    for language, needs in REQUIRED.items():
        for t, need in enumerate(needs):
            lines.append(f"2024-06-03T{8 + t // 2:02d}:{30 * (t % 2):02d}:00,{language},{need}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["wfm", "plan", "--requirements", str(path), "--max-agents", "8", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["status"] == "optimal"
    assert out["headcount"] <= 8
    assert out["gaps"][0].keys() == {"language", "start", "missing"}
    assert out["shifts"][0]["start"].startswith("2024-06-03T")
    assert out["required"]["en"] == REQUIRED["en"]


def test_plan_cli_from_history(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(synthetic.csv_text(synthetic.points(days=30)), encoding="utf-8")
    args = ["wfm", "plan", "--history", str(path), "--aht-seconds", "240", "--language", "en=0.8"]
    args += ["--language", "ja=0.2", "--shift-hours", "4", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["required"]) == {"en", "ja"}
    assert sum(out["required"]["en"]) > sum(out["required"]["ja"])
    assert out["gaps"] == []
    bad = CliRunner().invoke(app, ["wfm", "plan", "--json"])
    assert bad.exit_code == 2
