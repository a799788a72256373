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
    found: list[Finding] = [
        *find_seed_phrases(text),
        *find_private_keys(text),
        *find_cards(text),
        *find_credentials(text),
    ]
    if found and "[redacted:" in text:
        # What is already a placeholder stays as it is: redacting twice changes nothing.
        kept = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
        found = [f for f in found if not any(s <= f.start and f.end <= e for s, e in kept)]
    return merge(found)


def redact(text: str) -> Redaction:
    return apply(text, find_secrets(text))
