"""Secrets customers paste into support chats, found and replaced before anything is stored.

`redact(text)` returns the text with each secret replaced by a typed placeholder
(`[redacted:seed_phrase]`) and the findings, with offsets into the original text. Pure and
synchronous: it runs on the live-chat hot path, so every detector starts with a cheap check.
"""

from kefu.triage.redaction.detector import find_secrets, redact
from kefu.triage.redaction.findings import KINDS, Finding, Kind, Redaction, placeholder

__all__ = ["KINDS", "Finding", "Kind", "Redaction", "find_secrets", "placeholder", "redact"]
