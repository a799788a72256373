"""`kefu official add|list|remove` on a SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kefu.cli.main import app


def test_official_commands(tmp_path: Path, monkeypatch: object) -> None:
    runner = CliRunner(
        env={
            "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
            "KEFU_DATA_DIR": str(tmp_path),
            "KEFU_ENV": "development",
            "KEFU_DATABASE_SCHEMA": None,
        }
    )
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app, ["official", "add", "domain", "https://WWW.KefuX.example/", "--label", "Site"]
    )
    assert added.exit_code == 0, added.output
    assert "added #1 domain www.kefux.example" in added.stdout
    phone = runner.invoke(app, ["official", "add", "phone", "+44 20 7946 0321"])
    assert phone.exit_code == 0, phone.output
    bad = runner.invoke(app, ["official", "add", "phone", "not a number"])
    assert bad.exit_code == 1
    assert "error:" in bad.stderr
    assert "Traceback" not in bad.output
    twice = runner.invoke(app, ["official", "add", "domain", "www.kefux.example"])
    assert twice.exit_code == 1
    assert "already listed" in twice.stderr

    listed = runner.invoke(app, ["official", "list"])
    assert listed.stdout.splitlines() == [
        "#1\tdomain\twww.kefux.example\tSite",
        "#2\tphone\t+44 20 7946 0321",
    ]
    removed = runner.invoke(app, ["official", "remove", "1"])
    assert removed.exit_code == 0
    assert "removed #1 domain www.kefux.example" in removed.stdout
    missing = runner.invoke(app, ["official", "remove", "1"])
    assert missing.exit_code == 1
    assert "does not exist" in missing.stderr
    assert runner.invoke(app, ["official", "list"]).stdout.splitlines() == [
        "#2\tphone\t+44 20 7946 0321"
    ]
