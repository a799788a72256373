"""Verdicts and identity-code answers as people read them, shared by the API and the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kefu.actions.identity_codes import CheckedCode
from kefu.domain import verify_text
from kefu.domain.ticket_number import format_number
from kefu.store.serialize import iso
from kefu.triage.lookalikes import Reason, Verdict


def _reason(reason: Reason, language: str) -> dict[str, Any]:
    return {
        "code": reason.code.value,
        "text": verify_text.text(language, f"reason_{reason.code.value}", reason.params),
    }


def verdict_view(verdict: Verdict, language: str) -> dict[str, Any]:
    value, match = verdict.value, verdict.match
    return {
        "value": value.display,
        "kind": value.kind.value if value.kind is not None else "handle",
        "normalized": value.value,
        "status": verdict.status.value,
        "official": (
            {
                "id": match.id,
                "kind": match.kind.value,
                "display": match.display,
                "label": match.label,
            }
            if match is not None
            else None
        ),
        "reason": _reason(verdict.reason, language),
        "notes": [_reason(n, language) for n in verdict.notes],
        "language": language,
    }


def verdict_heading(verdict: Verdict, language: str) -> str:
    official = verdict.match.display if verdict.match else ""
    return verify_text.text(language, f"status_{verdict.status.value}", {"official": official})


def _minute(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def code_answer(checked: CheckedCode | None, exchange: str, language: str) -> dict[str, Any]:
    if checked is None:
        return {
            "valid": False,
            "agent_name": None,
            "exchange": exchange,
            "expires_at": None,
            "ticket": None,
            "text": verify_text.text(language, "code_invalid", {"exchange": exchange}),
        }
    ticket = format_number(checked.ticket_id) if checked.ticket_id is not None else None
    text = verify_text.text(
        language,
        "code_valid",
        {"agent": checked.agent_name, "exchange": exchange, "until": _minute(checked.expires_at)},
    )
    if ticket is not None:
        text += " " + verify_text.text(language, "code_for_ticket", {"ticket": ticket})
    return {
        "valid": True,
        "agent_name": checked.agent_name,
        "exchange": exchange,
        "expires_at": iso(checked.expires_at),
        "ticket": ticket,
        "text": text,
    }
