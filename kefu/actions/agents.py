"""State changes of staff: agents, teams, memberships and API tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import AgentStatus, Role
from kefu.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kefu.domain.permissions import Perm, PrincipalKind, effective_perms, validate_scopes
from kefu.domain.secrets import hash_api_token, hash_password, new_api_token
from kefu.events.bus import DESK_STREAM, Event
from kefu.store.models import Agent, ApiToken, Team, agent_teams
from kefu.store.repositories import people

AGENT_FIELDS = ("name", "role", "languages", "skills", "capacity", "status", "timezone", "active")


@dataclass(frozen=True)
class AgentInput:
    email: str
    name: str
    role: Role = Role.AGENT
    password: str | None = None
    languages: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    capacity: dict[str, int] = field(default_factory=lambda: {"chat": 3, "email": 10, "phone": 1})
    timezone: str = "UTC"


def _snapshot(agent: Agent) -> dict[str, Any]:
    return {name: getattr(agent, name) for name in AGENT_FIELDS}


async def do_create_agent(uow: UnitOfWork, data: AgentInput) -> Agent:
    uow.require(Perm.AGENTS_WRITE)
    email = data.email.strip().lower()
    if "@" not in email or len(email) > 254:  # lower() can lengthen: "İ" becomes two characters
        raise InvalidInput(f"{data.email!r} is not an email address")
    if await people.agent_by_email(uow.session, email):
        raise Conflict(f"an agent with email {email} already exists")
    agent = Agent(
        created_at=uow.now(),
        email=email,
        name=data.name.strip() or email,
        role=data.role.value,
        password_hash=hash_password(data.password) if data.password else None,
        languages=list(data.languages),
        skills=list(data.skills),
        capacity=dict(data.capacity),
        status=AgentStatus.OFFLINE.value,
        timezone=data.timezone,
        active=True,
    )
    uow.session.add(agent)
    await uow.session.flush()
    uow.audit("agent.create", "agent", agent.id, after={"email": email, **_snapshot(agent)})
    uow.emit(Event("agent.created", (DESK_STREAM,), {"agent_id": agent.id}, public=False))
    return agent


async def do_update_agent(uow: UnitOfWork, agent: Agent, changes: dict[str, Any]) -> Agent:
    """Admins change anything; an agent may change only their own status."""
    own_status_only = set(changes) <= {"status"} and uow.actor.id == agent.id and uow.actor.is_staff
    if not own_status_only:
        uow.require(Perm.AGENTS_WRITE)
    unknown = set(changes) - set(AGENT_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    before = _snapshot(agent)
    for name, value in changes.items():
        if isinstance(value, tuple):
            value = list(value)
        setattr(agent, name, value.value if hasattr(value, "value") else value)
    after = _snapshot(agent)
    diff = {k for k in before if before[k] != after[k]}
    if diff:
        uow.audit(
            "agent.update",
            "agent",
            agent.id,
            before={k: before[k] for k in diff},
            after={k: after[k] for k in diff},
        )
        uow.emit(
            Event(
                "agent.updated",
                (DESK_STREAM,),
                {"agent_id": agent.id, "changes": {k: after[k] for k in diff}},
                public=False,
            )
        )
    return agent


async def do_set_password(uow: UnitOfWork, agent: Agent, password: str) -> None:
    if uow.actor.id != agent.id or not uow.actor.is_staff:
        uow.require(Perm.AGENTS_WRITE)
    agent.password_hash = hash_password(password)
    uow.audit("agent.password", "agent", agent.id)


async def do_create_team(uow: UnitOfWork, slug: str, name: str, description: str = "") -> Team:
    uow.require(Perm.TEAMS_WRITE)
    slug = slug.strip().lower()
    if not slug or not slug.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput("team slug must be letters, digits, - and _")
    if await people.team_by_slug(uow.session, slug):
        raise Conflict(f"team {slug!r} already exists")
    team = Team(slug=slug, name=name.strip() or slug, description=description, created_at=uow.now())
    uow.session.add(team)
    await uow.session.flush()
    uow.audit("team.create", "team", team.id, after={"slug": slug, "name": team.name})
    return team


async def do_set_team_members(uow: UnitOfWork, team: Team, agent_ids: list[int]) -> list[int]:
    uow.require(Perm.TEAMS_WRITE)
    for agent_id in agent_ids:
        await people.get_agent(uow.session, agent_id)
    current = set((await people.member_ids_of(uow.session, [team.id])).get(team.id, []))
    wanted = set(agent_ids)
    if current == wanted:
        return sorted(current)
    if current - wanted:
        await uow.session.execute(
            delete(agent_teams).where(
                agent_teams.c.team_id == team.id, agent_teams.c.agent_id.in_(current - wanted)
            )
        )
    if wanted - current:
        await uow.session.execute(
            insert(agent_teams), [{"team_id": team.id, "agent_id": a} for a in wanted - current]
        )
    uow.audit(
        "team.members",
        "team",
        team.id,
        before={"member_ids": sorted(current)},
        after={"member_ids": sorted(wanted)},
    )
    return sorted(wanted)


async def do_create_api_token(
    uow: UnitOfWork, agent: Agent, name: str, scopes: list[str] | None
) -> tuple[ApiToken, str]:
    """Create a token acting as `agent`, narrowed to `scopes`; the secret is returned once."""
    uow.require(Perm.TOKENS_WRITE)
    scope_set = validate_scopes(scopes) if scopes is not None else None
    # A token may not do more than whoever creates it: a narrowed token must not mint a wider one.
    granted = effective_perms(PrincipalKind.TOKEN, Role(agent.role), scope_set)
    if not granted <= uow.actor.perms:
        extra = ", ".join(sorted(p.value for p in granted - uow.actor.perms))
        raise PermissionDenied(f"cannot create a token with permissions you lack: {extra}")
    secret = new_api_token()
    token = ApiToken(
        created_at=uow.now(),
        agent_id=agent.id,
        name=name.strip() or "token",
        token_hash=hash_api_token(secret),
        scopes=sorted(scope_set) if scope_set is not None else None,
    )
    uow.session.add(token)
    await uow.session.flush()
    uow.audit(
        "token.create",
        "api_token",
        token.id,
        after={"agent_id": agent.id, "name": token.name, "scopes": token.scopes},
    )
    return token, secret


async def do_revoke_api_token(uow: UnitOfWork, token_id: int) -> ApiToken:
    uow.require(Perm.TOKENS_WRITE)
    token = (
        await uow.session.execute(select(ApiToken).where(ApiToken.id == token_id))
    ).scalar_one_or_none()
    if token is None:
        raise NotFound(f"API token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = uow.now()
        uow.audit("token.revoke", "api_token", token.id)
    return token
