"""Who may do what: the permission matrix as pure code.

A principal is a staff member (role agent, supervisor or admin), an API token (its owner's role,
narrowed by scopes) or a customer (only their own tickets, never internal notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kefu.domain.enums import Role
from kefu.domain.errors import InvalidInput, PermissionDenied


class Perm(StrEnum):
    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    TICKETS_ASSIGN_ANY = "tickets:assign_any"
    TICKETS_MERGE = "tickets:merge"
    NOTES_READ = "notes:read"
    NOTES_WRITE = "notes:write"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    AGENTS_READ = "agents:read"
    AGENTS_WRITE = "agents:write"
    TEAMS_WRITE = "teams:write"
    TOKENS_WRITE = "tokens:write"
    AUDIT_READ = "audit:read"
    OFFICIAL_CHANNELS_WRITE = "official_channels:write"
    # Supervisors' reviews: lifting customer restrictions, resolving incidents.
    DESK_SUPERVISE = "desk:supervise"
    WFM_READ = "wfm:read"


_AGENT = frozenset(
    {
        Perm.TICKETS_READ,
        Perm.TICKETS_WRITE,
        Perm.TICKETS_MERGE,
        Perm.NOTES_READ,
        Perm.NOTES_WRITE,
        Perm.CUSTOMERS_READ,
        Perm.CUSTOMERS_WRITE,
        Perm.AGENTS_READ,
    }
)
_SUPERVISOR = _AGENT | {
    Perm.TICKETS_ASSIGN_ANY,
    Perm.AUDIT_READ,
    Perm.DESK_SUPERVISE,
    Perm.WFM_READ,
}
_ADMIN = _SUPERVISOR | {
    Perm.AGENTS_WRITE,
    Perm.TEAMS_WRITE,
    Perm.TOKENS_WRITE,
    Perm.OFFICIAL_CHANNELS_WRITE,
}

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(_ADMIN),
}

# What a customer may do, always limited to their own tickets.
CUSTOMER_PERMS = frozenset({Perm.TICKETS_READ, Perm.TICKETS_WRITE})

ALL_SCOPES = frozenset(p.value for p in Perm)


class PrincipalKind(StrEnum):
    AGENT = "agent"
    TOKEN = "token"
    CUSTOMER = "customer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: int  # agent id (for agent and token principals), customer id, or 0 for system
    role: Role | None = None
    scopes: frozenset[str] | None = None  # None: the role's full set
    name: str = ""
    token_id: int | None = None
    perms: frozenset[Perm] = field(default=frozenset(), compare=False)

    @property
    def is_staff(self) -> bool:
        return self.kind in (PrincipalKind.AGENT, PrincipalKind.TOKEN, PrincipalKind.SYSTEM)

    @property
    def is_customer(self) -> bool:
        return self.kind == PrincipalKind.CUSTOMER


def effective_perms(
    kind: PrincipalKind, role: Role | None, scopes: frozenset[str] | None
) -> frozenset[Perm]:
    if kind == PrincipalKind.CUSTOMER:
        return CUSTOMER_PERMS
    if kind == PrincipalKind.SYSTEM:
        return frozenset(Perm)
    base = ROLE_PERMS[role] if role is not None else frozenset()
    if scopes is None:
        return base
    return frozenset(p for p in base if p.value in scopes)


def make_principal(
    kind: PrincipalKind,
    id: int,
    role: Role | None = None,
    scopes: frozenset[str] | None = None,
    name: str = "",
    token_id: int | None = None,
) -> Principal:
    return Principal(
        kind=kind,
        id=id,
        role=role,
        scopes=scopes,
        name=name,
        token_id=token_id,
        perms=effective_perms(kind, role, scopes),
    )


SYSTEM = make_principal(PrincipalKind.SYSTEM, 0, Role.ADMIN, name="system")


def has(principal: Principal, perm: Perm) -> bool:
    return perm in principal.perms


def require(principal: Principal, perm: Perm) -> None:
    if perm not in principal.perms:
        who = principal.role.value if principal.role else principal.kind.value
        raise PermissionDenied(f"{who} lacks permission {perm.value}")


def validate_scopes(scopes: list[str]) -> frozenset[str]:
    unknown = sorted(set(scopes) - ALL_SCOPES)
    if unknown:
        raise InvalidInput(f"unknown scopes: {', '.join(unknown)}")
    return frozenset(scopes)
