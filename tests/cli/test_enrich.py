"""`kefu enrich`: the worker that enriches what app processes left pending."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from kefu.cli.main import app
from tests.cli.test_cli import runner  # noqa: F401 (the fixture)


def test_enrich_once_takes_what_is_pending_and_then_finds_nothing(runner: CliRunner) -> None:  # noqa: F811
    env = {"KEFU_CLASSIFY": "false", "KEFU_TRIAGE_SAFETY": "false"}  # the quick enrichers
    loaded = runner.invoke(app, ["demo", "load"], env=env)  # commands leave enrichment pending
    assert loaded.exit_code == 0, loaded.output
    first = runner.invoke(app, ["enrich", "--once"], env=env)
    assert first.exit_code == 0, first.output
    found = re.search(r"enriched (\d+) message", first.stdout)
    assert found is not None
    assert int(found.group(1)) > 0
    again = runner.invoke(app, ["enrich", "--once"], env=env)
    assert again.exit_code == 0, again.output
    assert "enriched 0 message(s)" in again.stdout
