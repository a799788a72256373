"""The `kefu` command line end to end on a SQLite file: migrate, demo, agents, tickets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env: dict[str, str | None] = {
        "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_ENV": "development",
        "KEFU_DATABASE_SCHEMA": None,
        "KEFU_AGENT_PASSWORD": None,
    }
    return CliRunner(env=env)


def test_db_upgrade(runner: CliRunner) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.stdout


def test_demo_agent_and_ticket_commands(runner: CliRunner) -> None:
    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "demo desk loaded" in first.stdout
    assert "admin@demo.kefu.example" in first.stdout
    assert "kefu-demo-admin" in first.stdout

    again = runner.invoke(app, ["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.stdout
    assert "nothing changed" in again.stdout

    created = runner.invoke(
        app,
        [
            "agent",
            "create",
            "--email",
            "Nia@Example.com",
            "--name",
            "Nia Kamau",
            "--role",
            "supervisor",
            "--language",
            "en",
            "-l",
            "sw",
            "--skill",
            "withdrawals",
            "--token",
        ],
    )
    assert created.exit_code == 0, created.output
    assert "created supervisor" in created.stdout
    assert "nia@example.com" in created.stdout
    assert "password (generated, shown once):" in created.stdout
    assert "API token (shown once, store it now): kefu_" in created.stdout

    duplicate = runner.invoke(
        app,
        ["agent", "create", "--email", "nia@example.com", "--name", "Nia", "--password", "x" * 12],
    )
    assert duplicate.exit_code == 1
    assert isinstance(duplicate.exception, SystemExit)
    assert "already exists" in duplicate.stderr
    assert "Traceback" not in duplicate.output

    shown = runner.invoke(app, ["ticket", "show", "KF-000001"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("KF-000001: ")
    for label in ("Status:", "Priority:", "Customer:", "Assignee:", "Tags:", "Escalation:"):
        assert label in shown.stdout
    assert "Internal note" in shown.stdout
    assert "Merged from: KF-000002" in shown.stdout

    as_json = runner.invoke(app, ["ticket", "show", "1", "--json"])
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    assert payload["ticket"]["number"] == "KF-000001"
    assert any(m["internal"] for m in payload["messages"])


@pytest.mark.parametrize("number", ["KF-999999", "not-a-number"])
def test_ticket_show_unknown_number(runner: CliRunner, number: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["ticket", "show", number])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error
