"""Bodies of the official-channel registry, the verify API and identity codes."""

from __future__ import annotations

from pydantic import Field

from kefu.domain.official import ChannelKind, ReasonCode, Status
from kefu.web.schemas.common import Body, Out


class OfficialChannelCreate(Body):
    kind: ChannelKind
    value: str = Field(min_length=1, max_length=320)
    label: str = Field(default="", max_length=120)


class OfficialChannelPatch(Body):
    value: str | None = Field(default=None, min_length=1, max_length=320)
    label: str | None = Field(default=None, max_length=120)


class OfficialChannelOut(Out):
    id: int
    kind: ChannelKind
    value: str
    display: str
    label: str
    created_at: str
    updated_at: str


class OfficialRef(Out):
    id: int
    kind: ChannelKind
    display: str
    label: str


class ReasonOut(Out):
    code: ReasonCode
    text: str


class VerdictOut(Out):
    value: str = Field(description="What was checked, as read (Unicode host, +44 …, @name)")
    kind: str = Field(description="domain, email, phone, a network (telegram, x …) or handle")
    normalized: str
    status: Status
    official: OfficialRef | None = Field(
        description="The official value it is, or the one it imitates (lookalike)"
    )
    reason: ReasonOut
    notes: list[ReasonOut]
    language: str


class IdentityCodeCreate(Body):
    ticket: str | None = Field(default=None, max_length=32, description="e.g. KF-000042")


class IdentityCodeCreated(Out):
    id: int
    code: str = Field(description="Shown once: tell it to the customer")
    expires_at: str
    ticket: str | None
    agent_name: str


class IdentityCodeOut(Out):
    id: int
    agent_id: int
    ticket_id: int | None
    created_at: str
    expires_at: str
    revoked_at: str | None


class IdentityCodeCheck(Body):
    code: str = Field(min_length=1, max_length=32)
    lang: str | None = Field(default=None, max_length=35)


class IdentityCodeAnswer(Out):
    valid: bool
    agent_name: str | None
    exchange: str
    expires_at: str | None
    ticket: str | None
    text: str
