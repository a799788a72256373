"""`kefu wfm history` on a SQLite file with the demo desk's tickets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    env: dict[str, str | None] = {
        "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_ENV": "development",
        "KEFU_DATABASE_SCHEMA": None,
        "KEFU_AGENT_PASSWORD": None,
    }
    return CliRunner(env=env)


def test_history_from_tickets(runner: CliRunner) -> None:
    loaded = runner.invoke(app, ["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["wfm", "history", "--by", "channel", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows
    assert all(row["contacts"] > 0 for row in rows)
    assert {"key", "mean_wait_seconds", "mean_handle_seconds", "abandonment"} <= set(rows[0])
    as_csv = runner.invoke(app, ["wfm", "history", "--by", "all", "--csv", "all"])
    assert as_csv.exit_code == 0, as_csv.output
    lines = as_csv.stdout.splitlines()
    assert lines[0] == "timestamp,calls"
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == sum(r["contacts"] for r in rows)


def test_history_bad_options(runner: CliRunner) -> None:
    assert runner.invoke(app, ["wfm", "history", "--by", "mood"]).exit_code == 2
    assert runner.invoke(app, ["wfm", "history", "--tz", "Mars/Base"]).exit_code == 2
    assert runner.invoke(app, ["wfm", "history", "--interval", "7min"]).exit_code == 2
