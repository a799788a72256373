"""Request and response bodies for customers, agents, teams, tokens and auth."""

from __future__ import annotations

from pydantic import Field

from kefu.domain.enums import AgentStatus, IdentityKind, Role, Tier
from kefu.web.schemas.common import Body, DbId, Out


class IdentityIn(Body):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=254)


class IdentityOut(Out):
    kind: str
    value: str
    verified: bool


class CustomerCreate(Body):
    uid: str | None = Field(default=None, min_length=1, max_length=128)
    name: str = Field(default="", max_length=128)
    tier: Tier = Tier.STANDARD
    language: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=8)
    kyc_level: int = Field(default=0, ge=0, le=5)
    flags: list[str] = Field(default_factory=list, max_length=50)
    identities: list[IdentityIn] = Field(default_factory=list, max_length=20)


class CustomerPatch(Body):
    uid: str | None = Field(default=None, min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=128)
    tier: Tier | None = None
    language: str | None = Field(default=None, max_length=16)
    region: str | None = Field(default=None, max_length=8)
    kyc_level: int | None = Field(default=None, ge=0, le=5)
    flags: list[str] | None = Field(default=None, max_length=50)
    account_manager_id: DbId | None = None


class CustomerOut(Out):
    id: int
    uid: str | None
    name: str
    tier: str
    language: str | None
    region: str | None
    kyc_level: int
    flags: list[str]
    account_manager_id: int | None
    identities: list[IdentityOut]
    created_at: str
    updated_at: str


class CustomerPage(Out):
    items: list[CustomerOut]
    next_cursor: str | None


class AgentCreate(Body):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=128)
    role: Role = Role.AGENT
    password: str | None = Field(default=None, min_length=10, max_length=200)
    languages: list[str] = Field(default_factory=list, max_length=40)
    skills: list[str] = Field(default_factory=list, max_length=100)
    capacity: dict[str, int] | None = None
    timezone: str = Field(default="UTC", max_length=64)


class AgentPatch(Body):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    role: Role | None = None
    languages: list[str] | None = Field(default=None, max_length=40)
    skills: list[str] | None = Field(default=None, max_length=100)
    capacity: dict[str, int] | None = None
    status: AgentStatus | None = None
    timezone: str | None = Field(default=None, max_length=64)
    active: bool | None = None


class AgentOut(Out):
    id: int
    email: str
    name: str
    role: Role
    languages: list[str]
    skills: list[str]
    capacity: dict[str, int]
    status: AgentStatus
    timezone: str
    active: bool
    team_ids: list[int]


class TeamCreate(Body):
    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field(default="", max_length=2000)


class TeamMembers(Body):
    agent_ids: list[DbId] = Field(max_length=1000)


class TeamOut(Out):
    id: int
    slug: str
    name: str
    description: str
    member_ids: list[int]
    calendar: str | None = None
    languages: list[str] = []


class TokenCreate(Body):
    name: str = Field(min_length=1, max_length=128)
    scopes: list[str] | None = Field(
        default=None, description="Narrow the token; omit for everything the agent's role allows"
    )


class TokenOut(Out):
    id: int
    agent_id: int
    name: str
    scopes: list[str] | None
    created_at: str
    revoked_at: str | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret: shown once, store it now")


class LoginRequest(Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class SessionOut(Out):
    agent: AgentOut
    csrf_token: str


class MeOut(Out):
    kind: str
    agent: AgentOut | None = None
    customer: CustomerOut | None = None
    scopes: list[str]
