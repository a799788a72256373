"""`kefu wfm staff` and `kefu wfm metrics`: the JSON contract and bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_staff_json_contract(runner: CliRunner) -> None:
    args = ["wfm", "staff", "--arrivals-per-hour", "252", "--aht-seconds", "120"]
    args += ["--target-seconds", "20", "--target-level", "0.85", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"agents", "service_level", "asa_seconds", "occupancy", "abandonment"} <= set(out)
    assert out["agents"] == 12  # 11 agents give about 0.80
    assert out["service_level"] == pytest.approx(0.899, abs=0.001)
    assert out["abandonment"] == 0.0


def test_staff_with_patience_uses_erlang_a(runner: CliRunner) -> None:
    args = ["wfm", "staff", "--arrivals-per-hour", "3600", "--aht-seconds", "300"]
    args += ["--patience-seconds", "60", "--target-seconds", "60", "--target-level", "0.5"]
    args += ["--shrinkage", "0.3", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["agents"] < 300
    assert out["abandonment"] > 0
    assert out["scheduled_agents"] > out["agents"]
    assert out["model"] == "erlang_a"


def test_metrics_evaluates_a_given_number(runner: CliRunner) -> None:
    args = ["wfm", "metrics", "--agents", "12", "--arrivals-per-hour", "252"]
    args += ["--aht-seconds", "120", "--target-seconds", "20", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["agents"] == 12
    assert out["occupancy"] == pytest.approx(0.70)
    assert out["asa_seconds"] == pytest.approx(6.13, abs=0.01)


def test_metrics_of_an_unstable_queue(runner: CliRunner) -> None:
    args = ["wfm", "metrics", "--agents", "3", "--arrivals-per-hour", "252"]
    args += ["--aht-seconds", "120", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["service_level"] == 0.0
    assert out["asa_seconds"] is None


def test_bad_target_is_a_clear_error(runner: CliRunner) -> None:
    args = ["wfm", "staff", "--arrivals-per-hour", "100", "--aht-seconds", "120"]
    args += ["--target-seconds", "20", "--target-level", "1.5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "target level" in result.output
