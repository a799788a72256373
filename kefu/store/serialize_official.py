"""JSON-ready views of official channels, identity codes and lookalike findings."""

from __future__ import annotations

from typing import Any

from kefu.store.models import IdentityCode, LookalikeFinding, OfficialChannel
from kefu.store.serialize import iso


def official_channel_view(row: OfficialChannel) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "value": row.value,
        "display": row.display,
        "label": row.label,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def identity_code_view(row: IdentityCode) -> dict[str, Any]:
    return {
        "id": row.id,
        "agent_id": row.agent_id,
        "ticket_id": row.ticket_id,
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "revoked_at": iso(row.revoked_at),
    }


def finding_view(row: LookalikeFinding) -> dict[str, Any]:
    return {
        "id": row.id,
        "message_id": row.message_id,
        "value": row.value,
        "official_id": row.official_id,
        "reason": row.reason,
        "created_at": iso(row.created_at),
    }
