"""`kefu redact`: JSON lines in, redacted JSON lines out, offsets into the input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kefu.cli.main import app

SEED = "abandon " * 11 + "about"


def test_redact_json_lines() -> None:
    lines = [
        {"text": f"my words: {SEED} thanks"},
        {"text": "txid 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"},
        {"text": "密码：Abc12345，卡号 4111-1111-1111-1111"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n"
    result = CliRunner().invoke(app, ["redact"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    assert out[0]["text"] == "my words: [redacted:seed_phrase] thanks"
    assert out[1] == {"text": lines[1]["text"], "findings": []}
    assert [f["kind"] for f in out[2]["findings"]] == ["password", "card_number"]
    for row, line in zip(out, lines, strict=True):
        for f in row["findings"]:
            assert set(f) == {"kind", "start", "end"}
            piece = line["text"][f["start"] : f["end"]]
            assert piece
            assert piece not in row["text"]
    first = out[0]["findings"][0]
    assert lines[0]["text"][first["start"] : first["end"]] == SEED


def test_malformed_lines_get_an_error_line_and_status_1() -> None:
    stdin = 'not json\n{"text": 5}\n["text"]\n{"text": "password: hunter2x"}\n'
    result = CliRunner().invoke(app, ["redact"], input=stdin)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {"error": "line 1: not JSON"}
    assert out[1] == {"error": 'line 2: expected an object with a string "text"'}
    assert out[2]["error"].startswith("line 3:")
    assert out[3]["text"] == "password: [redacted:password]"
    assert "Traceback" not in result.output
    assert "hunter2x" not in result.stderr
