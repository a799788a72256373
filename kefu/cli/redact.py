"""`kefu redact`: secrets out of JSON lines, the same detector inbound messages go through."""

from __future__ import annotations

import sys
from typing import Any

import orjson
import typer


def _record(line: bytes) -> str:
    """The text of one input line; ValueError with what is wrong (never the line itself, which
    may hold a secret)."""
    try:
        data: Any = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise ValueError("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError('expected an object with a string "text"')
    text: str = data["text"]
    return text


def redact() -> None:
    """Redact secrets from JSON lines on standard input.

    Each line `{"text": "..."}` gives one line
    `{"text": "<redacted>", "findings": [{"kind": "...", "start": 0, "end": 0}]}`; `start` and
    `end` are character offsets into the input text. Kinds: seed_phrase, private_key,
    card_number, otp_code, password, api_secret. Empty lines are skipped. A malformed line gives
    `{"error": "line N: ..."}` in its place, and the command exits with status 1 at the end.
    """
    from kefu.triage.redaction import redact as redact_text

    out = sys.stdout.buffer
    failed = 0
    for number, line in enumerate(sys.stdin.buffer, start=1):
        if not line.strip():
            continue
        try:
            text = _record(line)
        except ValueError as exc:
            failed += 1
            message = f"line {number}: {exc}"
            out.write(orjson.dumps({"error": message}) + b"\n")
            out.flush()
            typer.echo(f"kefu redact: {message}", err=True)
            continue
        result = redact_text(text)
        findings = [{"kind": f.kind, "start": f.start, "end": f.end} for f in result.findings]
        out.write(orjson.dumps({"text": result.text, "findings": findings}) + b"\n")
        out.flush()
    if failed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("redact")(redact)
