"""`kefu intents predict` and `kefu intents train`: the JSON-lines contract, corrections."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.actions.agents import AgentInput, do_create_agent
from kefu.actions.classify import do_correct_intent
from kefu.actions.customers import CustomerInput, do_create_customer
from kefu.actions.messages import MessageInput
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.unit_of_work import UnitOfWork
from kefu.cli.main import app
from kefu.cli.runtime import open_deps
from kefu.domain.enums import Role
from kefu.domain.permissions import SYSTEM, PrincipalKind, make_principal
from kefu.settings import Settings
from kefu.triage.intents import model as model_module
from kefu.triage.intents.examples import shipped_examples
from kefu.triage.intents.model import read_info


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no stray .env file
    env: dict[str, str | None] = {
        "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_ENV": "development",
        "KEFU_DATABASE_SCHEMA": None,
        "KEFU_INTENTS_MODEL": None,
        "KEFU_LANGUAGES": None,
        "KEFU_EMBEDDER": None,
    }
    return CliRunner(env=env)


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_predict_writes_one_answer_per_line(runner: CliRunner, intent_model_path: Path) -> None:
    stdin = "\n".join(
        json.dumps(row, ensure_ascii=False)
        for row in (
            {"text": "Mi depósito de USDT no ha llegado todavía"},
            {"text": "my futures position was liquidated before the mark price got there"},
            {"text": "ok", "language": "pt"},
        )
    )
    result = runner.invoke(
        app, ["intents", "predict", "--model", str(intent_model_path)], input=stdin
    )
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [(r["intent"], r["language"]) for r in rows] == [
        ("deposit_missing", "es"),
        ("derivatives", "en"),
        (rows[2]["intent"], "pt"),
    ]
    for row in rows:
        assert set(row) == {"intent", "confidence", "language", "out_of_scope"}
        assert isinstance(row["confidence"], float)
        assert 0.0 <= row["confidence"] <= 1.0


def test_malformed_lines_get_a_clear_error_not_a_traceback(
    runner: CliRunner, intent_model_path: Path
) -> None:
    stdin = '{"text": "where is my withdrawal"}\nnot json\n{"txt": 1}\n["x"]\n{"text": 5}\n'
    result = runner.invoke(
        app, ["intents", "predict", "--model", str(intent_model_path)], input=stdin
    )
    assert result.exit_code == 1
    rows = _lines(result.stdout)
    assert rows[0]["intent"] == "withdrawal_issue"
    assert [str(r.get("error", ""))[:7] for r in rows[1:]] == [
        "line 2:",
        "line 3:",
        "line 4:",
        "line 5:",
    ]
    assert "not JSON" in str(rows[1]["error"])
    assert "Traceback" not in result.output
    assert "error: line 2: not JSON" in result.stderr


def test_a_missing_or_foreign_model_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["intents", "predict", "--model", str(tmp_path / "none.model")], input='{"text":"hi"}'
    )
    assert result.exit_code == 2
    assert "kefu intents train" in result.stderr
    junk = tmp_path / "junk.model"
    junk.write_text("hello")
    result = runner.invoke(app, ["intents", "predict", "--model", str(junk)], input="{}")
    assert result.exit_code == 2
    assert "not a kefu intent model" in result.stderr


async def _ticket_corrected_by_an_agent(text: str, intent: str) -> None:
    async with open_deps(Settings(), migrate=True) as deps:
        async with UnitOfWork(deps, SYSTEM) as uow:
            agent = await do_create_agent(
                uow, AgentInput(email="a@test.example", name="A", role=Role.AGENT)
            )
            customer = await do_create_customer(uow, CustomerInput(uid="U1", name="Una"))
            created = await do_create_ticket(
                uow,
                TicketInput(customer.id, "?", MessageInput(body=text, channel="email")),
            )
        principal = make_principal(PrincipalKind.AGENT, agent.id, Role.AGENT)
        async with UnitOfWork(deps, principal) as uow:
            await do_correct_intent(uow, created.ticket, intent)


def test_train_learns_from_agents_corrections(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small shipped set keeps this fast; the full set is trained once per session elsewhere.
    keep = {"deposit_missing", "withdrawal_issue", "derivatives", "other"}
    small = [e for e in shipped_examples() if e.language == "en" and e.intent in keep]
    monkeypatch.setattr(model_module, "shipped_examples", lambda: small)
    monkeypatch.setattr("kefu.triage.intents.service.shipped_examples", lambda: small)
    text = "the bridge ate my coins"
    for key, value in runner.make_env().items():  # the same settings as the commands
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    asyncio.run(_ticket_corrected_by_an_agent(text, "derivatives"))

    result = runner.invoke(app, ["intents", "train"])
    assert result.exit_code == 0, result.output
    assert "1 from agents' corrections" in result.stdout
    path = tmp_path / "models" / "intents.model"
    assert read_info(path).corrections == [{"text": text, "intent": "derivatives"}]

    result = runner.invoke(app, ["intents", "predict"], input=json.dumps({"text": text}))
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout)[0]["intent"] == "derivatives"

    ignored = runner.invoke(app, ["intents", "train", "--no-corrections"])
    assert ignored.exit_code == 0, ignored.output
    assert "0 from agents' corrections" in ignored.stdout
