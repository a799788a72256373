"""Training examples: the ones kefu ships (data/examples.jsonl) and agents' corrections."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SHIPPED = "examples.jsonl"


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str | None = None


class BadExamples(ValueError):
    """A training file that is not JSON lines of {"text", "intent"}."""


def parse_examples(lines: Iterable[str], source: str) -> list[Example]:
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadExamples(f"{source}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise BadExamples(f"{source}:{number}: expected an object")
        text, intent = row.get("text"), row.get("intent")
        if not isinstance(text, str) or not text.strip():
            raise BadExamples(f"{source}:{number}: 'text' must be a non-empty string")
        if not isinstance(intent, str) or not intent:
            raise BadExamples(f"{source}:{number}: 'intent' must be a non-empty string")
        language = row.get("language")
        out.append(Example(text, intent, language if isinstance(language, str) else None))
    return out


def load_examples(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as f:
        return parse_examples(f, str(path))


def shipped_examples() -> list[Example]:
    """The examples inside the kefu package: the default taxonomy in fourteen languages."""
    data = resources.files("kefu.triage.intents").joinpath("data", SHIPPED)
    return parse_examples(data.read_text(encoding="utf-8").splitlines(), SHIPPED)


def examples_hash(examples: Sequence[Example]) -> str:
    """A digest of what a model learns from: texts and intents, in order."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(example.text.encode("utf-8") + b"\x1f" + example.intent.encode() + b"\x1e")
    return digest.hexdigest()
