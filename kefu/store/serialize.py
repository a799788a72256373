"""JSON-ready views of stored rows: the same shapes go into API responses and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kefu.domain.ticket_number import format_number
from kefu.store.models import (
    Agent,
    ApiToken,
    Attachment,
    AuditEntry,
    Customer,
    CustomerIdentity,
    Escalation,
    Message,
    Team,
    Ticket,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def ticket_view(ticket: Ticket, tags: list[str]) -> dict[str, Any]:
    return {
        "number": format_number(ticket.id),
        "id": ticket.id,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "intent": ticket.intent,
        "language": ticket.language,
        "channel": ticket.channel,
        "customer_id": ticket.customer_id,
        "assignee_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "tags": sorted(tags),
        "escalation_level": ticket.escalation_level,
        "merged_into": format_number(ticket.merged_into_id) if ticket.merged_into_id else None,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "first_response_at": iso(ticket.first_response_at),
        "solved_at": iso(ticket.solved_at),
        "closed_at": iso(ticket.closed_at),
    }


def attachment_view(att: Attachment) -> dict[str, Any]:
    return {
        "id": att.id,
        "filename": att.filename,
        "content_type": att.content_type,
        "size": att.size,
        "sha256": att.sha256,
        "url": f"/api/v1/attachments/{att.id}",
    }


def message_view(msg: Message, attachments: list[Attachment]) -> dict[str, Any]:
    return {
        "id": msg.id,
        "ticket": format_number(msg.ticket_id),
        "direction": msg.direction,
        "internal": msg.direction == "internal",
        "author_kind": msg.author_kind,
        "author_id": msg.author_id,
        "body": msg.body,
        "html": msg.html,
        "channel": msg.channel,
        "external_id": msg.external_id,
        "created_at": iso(msg.created_at),
        "attachments": [attachment_view(a) for a in attachments],
    }


def identity_view(ident: CustomerIdentity) -> dict[str, Any]:
    return {"kind": ident.kind, "value": ident.value, "verified": ident.verified}


def customer_view(customer: Customer, identities: list[CustomerIdentity]) -> dict[str, Any]:
    return {
        "id": customer.id,
        "uid": customer.uid,
        "name": customer.name,
        "tier": customer.tier,
        "language": customer.language,
        "region": customer.region,
        "kyc_level": customer.kyc_level,
        "flags": list(customer.flags),
        "account_manager_id": customer.account_manager_id,
        "identities": [identity_view(i) for i in identities],
        "created_at": iso(customer.created_at),
        "updated_at": iso(customer.updated_at),
    }


def agent_view(agent: Agent, team_ids: list[int]) -> dict[str, Any]:
    return {
        "id": agent.id,
        "email": agent.email,
        "name": agent.name,
        "role": agent.role,
        "languages": list(agent.languages),
        "skills": list(agent.skills),
        "capacity": dict(agent.capacity),
        "status": agent.status,
        "timezone": agent.timezone,
        "active": agent.active,
        "team_ids": sorted(team_ids),
    }


def team_view(team: Team, member_ids: list[int]) -> dict[str, Any]:
    return {
        "id": team.id,
        "slug": team.slug,
        "name": team.name,
        "description": team.description,
        "member_ids": sorted(member_ids),
        "calendar": team.calendar,
        "languages": list(team.languages or []),
    }


def token_view(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "agent_id": token.agent_id,
        "name": token.name,
        "scopes": token.scopes,
        "created_at": iso(token.created_at),
        "revoked_at": iso(token.revoked_at),
    }


def escalation_view(esc: Escalation) -> dict[str, Any]:
    return {
        "level": esc.level,
        "reason": esc.reason,
        "by_kind": esc.by_kind,
        "by_id": esc.by_id,
        "created_at": iso(esc.created_at),
    }


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }
