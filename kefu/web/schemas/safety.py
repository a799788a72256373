"""API bodies for incidents, restrictions, unmerging and message marks."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kefu.web.schemas.common import Body, Out
from kefu.web.schemas.tickets import TicketNumber


class IncidentOut(Out):
    id: int
    title: str
    status: str = Field(description="open | resolved")
    count: int = Field(description="member tickets")
    tickets: list[TicketNumber]
    created_at: str
    updated_at: str
    resolved_at: str | None
    resolution: str | None


class IncidentResolve(Body):
    note: str = Field(
        min_length=1, max_length=2000, description="what was done; goes to every member ticket"
    )


class IncidentLink(Body):
    ticket: TicketNumber = Field(min_length=1, max_length=24, description="e.g. KF-000042")


class RestrictionOut(Out):
    customer_id: int
    level: str = Field(description="none | warning | slow | muted | blocked, as of now")
    stored_level: str
    since: str | None
    raised_at: str | None
    retry_at: str | None
    pending_review: bool
    reason: str
    updated_at: str | None


class RestrictionLift(Body):
    note: str = Field(min_length=1, max_length=300, description="the review's conclusion")


class MarkOut(Out):
    message_id: int
    kind: str = Field(
        description="abuse | flood | repeat | slowed | muted | blocked | sentiment | checked"
    )
    score: float | None
    detail: dict[str, Any]
    created_at: str | None
