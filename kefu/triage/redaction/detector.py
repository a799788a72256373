"""Finding every secret in a text, and the text with each replaced by its placeholder."""

from __future__ import annotations

import re
from typing import Final

from kefu.triage.redaction.cards import find_cards
from kefu.triage.redaction.credentials import find_credentials
from kefu.triage.redaction.findings import Finding, Redaction, apply, merge
from kefu.triage.redaction.keys import find_private_keys
from kefu.triage.redaction.seed import find_seed_phrases

_PLACEHOLDER: Final = re.compile(r"\[redacted:[a-z_]+\]")


def find_secrets(text: str) -> list[Finding]:
    """The secrets in `text`, in order, merged where they overlap; offsets into `text`."""
    if len(text) < 4:
        return []
    if "[redacted:" in text:
        # Placeholders already there are read as `xxxx…` (same length, so offsets hold): one
        # opaque word, as the secret was. Their words (`card`, `number` …) must not join a
        # phrase or be read as a value, and what touched the secret still touches a word: so
        # redacting twice changes nothing.
        text = _PLACEHOLDER.sub(lambda m: "x" * len(m.group()), text)
    found: list[Finding] = [
        *find_seed_phrases(text),
        *find_private_keys(text),
        *find_cards(text),
        *find_credentials(text),
    ]
    return merge(found)


def redact(text: str) -> Redaction:
    return apply(text, find_secrets(text))
