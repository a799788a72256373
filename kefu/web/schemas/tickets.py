"""Request and response bodies of the ticket API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kefu.domain.enums import Channel, Priority, TicketStatus
from kefu.web.schemas.common import Body, DbId, Out

TicketNumber = str


class AttachmentIn(Body):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=128)
    content_base64: str = Field(
        description="The file's bytes, base64-encoded", max_length=12_000_000
    )


class MessageIn(Body):
    body: str = Field(default="", max_length=20_000)
    html: str | None = Field(default=None, max_length=100_000)
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The message's id on its channel: re-delivery with the same id is a no-op",
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class CustomerRef(Body):
    """Who the ticket is for, when staff or an integration opens it."""

    uid: str | None = Field(default=None, min_length=1, max_length=128)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=128)


class TicketCreate(Body):
    subject: str = Field(min_length=1, max_length=300)
    message: MessageIn
    channel: Channel | None = None
    customer_id: DbId | None = None
    customer: CustomerRef | None = None
    priority: Priority = Priority.NORMAL
    language: str | None = Field(default=None, max_length=16)
    intent: str | None = Field(default=None, max_length=64)
    team_id: DbId | None = None
    tags: list[str] = Field(default_factory=list, max_length=50)


class TicketPatch(Body):
    subject: str | None = Field(default=None, min_length=1, max_length=300)
    priority: Priority | None = None
    intent: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)


class MessageCreate(MessageIn):
    direction: Literal["inbound", "outbound"] | None = Field(
        default=None,
        description="Staff reply (outbound, the default for staff) or a customer's message "
        "recorded by an integration (inbound); customers always write inbound",
    )
    channel: Channel | None = None


class NoteCreate(Body):
    body: str = Field(min_length=1, max_length=20_000)


class StatusChange(Body):
    status: TicketStatus


class AssignRequest(Body):
    assignee_id: DbId | None = None
    team_id: DbId | None = None


class EscalateRequest(Body):
    reason: str = Field(min_length=1, max_length=2000)


class MergeRequest(Body):
    into: TicketNumber = Field(min_length=1, max_length=24, description="e.g. KF-000042")


class TagsChange(Body):
    add: list[str] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=50)


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str


class RestrictionNotice(Out):
    """Told to a restricted sender: their message was stored and marked."""

    outcome: str = Field(description="slowed | muted | blocked")
    level: str
    retry_at: str | None = Field(description="when they can write freely again")
    detail: str


class MessageOut(Out):
    id: int
    ticket: TicketNumber
    direction: str
    internal: bool
    author_kind: str
    author_id: int | None
    body: str
    html: str | None
    channel: str
    external_id: str | None
    created_at: str
    attachments: list[AttachmentOut]
    restriction: RestrictionNotice | None = None


class PostedMessageOut(MessageOut):
    notices: list[str] = Field(
        default_factory=list,
        description="What the customer was told about this message, in their language (for "
        "instance: a secret was removed from it; staff never ask for one)",
    )


class TicketOut(Out):
    number: TicketNumber
    id: int
    subject: str
    status: TicketStatus
    priority: Priority
    intent: str | None
    language: str | None
    channel: str
    customer_id: int
    assignee_id: int | None
    team_id: int | None
    tags: list[str]
    escalation_level: int
    merged_into: TicketNumber | None
    created_at: str
    updated_at: str
    first_response_at: str | None
    solved_at: str | None
    closed_at: str | None


class TicketCreated(Out):
    ticket: TicketOut
    message: MessageOut
    notices: list[str] = Field(
        default_factory=list,
        description="What the customer was told about the first message or the subject",
    )


class TicketPage(Out):
    items: list[TicketOut]
    next_cursor: str | None


class EscalationOut(Out):
    level: int
    reason: str
    by_kind: str
    by_id: int | None
    created_at: str


class TicketDetail(TicketOut):
    escalations: list[EscalationOut]
    # Staff only: SLA clocks by metric (state, target, used, deadline); see /tickets/{n}/sla.
    sla: dict[str, dict[str, Any]] | None = None


class Transcript(Out):
    ticket: TicketOut
    messages: list[MessageOut]


class AuditOut(Out):
    id: int
    at: str
    actor_kind: str
    actor_id: int | None
    action: str
    entity: str
    entity_id: int
    before: dict[str, object] | None
    after: dict[str, object] | None
    request_id: str | None
