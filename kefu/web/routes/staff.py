"""Agents, teams and API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kefu.actions.agents import (
    AgentInput,
    do_create_agent,
    do_create_api_token,
    do_create_team,
    do_revoke_api_token,
    do_set_team_members,
    do_update_agent,
)
from kefu.domain.errors import InvalidInput
from kefu.domain.permissions import Perm, require
from kefu.store.repositories import people
from kefu.store.serialize import agent_view, team_view, token_view
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import IdPath
from kefu.web.schemas.people import (
    AgentCreate,
    AgentOut,
    AgentPatch,
    TeamCreate,
    TeamMembers,
    TeamOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from kefu.web.views import render_agent

router = APIRouter(prefix="/api/v1", tags=["staff"], responses=PROBLEM_RESPONSES)


@router.get("/agents", response_model=list[AgentOut], summary="List agents")
async def list_agents(session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    require(principal, Perm.AGENTS_READ)
    agents = await people.list_agents(session)
    teams = await people.team_ids_of(session, [a.id for a in agents])
    return [agent_view(a, teams.get(a.id, [])) for a in agents]


@router.post("/agents", status_code=201, response_model=AgentOut, summary="Create an agent")
async def create_agent(
    body: AgentCreate, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    data = AgentInput(
        email=body.email,
        name=body.name,
        role=body.role,
        password=body.password,
        languages=tuple(body.languages),
        skills=tuple(body.skills),
        timezone=body.timezone,
        **({"capacity": body.capacity} if body.capacity is not None else {}),
    )
    async with unit_of_work(state, principal) as uow:
        agent = await do_create_agent(uow, data)
        return await render_agent(uow.session, agent)


@router.get("/agents/{agent_id}", response_model=AgentOut, summary="Get an agent")
async def get_agent(
    agent_id: IdPath, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    require(principal, Perm.AGENTS_READ)
    return await render_agent(session, await people.get_agent(session, agent_id))


@router.patch("/agents/{agent_id}", response_model=AgentOut, summary="Update an agent")
async def patch_agent(
    agent_id: IdPath, body: AgentPatch, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, mode="json")
    if any(v is None for v in changes.values()):
        raise InvalidInput("agent fields cannot be set to null")
    require(principal, Perm.AGENTS_READ)
    async with unit_of_work(state, principal) as uow:
        agent = await people.get_agent(uow.session, agent_id)
        await do_update_agent(uow, agent, changes)
        view = await render_agent(uow.session, agent)
    state.tokens.clear()  # role or activity may have changed: forget cached principals here
    return view


@router.post(
    "/agents/{agent_id}/tokens",
    status_code=201,
    response_model=TokenCreated,
    summary="Create an API token acting as this agent",
)
async def create_token(
    agent_id: IdPath, body: TokenCreate, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        require(principal, Perm.TOKENS_WRITE)
        agent = await people.get_agent(uow.session, agent_id)
        token, secret = await do_create_api_token(uow, agent, body.name, body.scopes)
        await uow.session.flush()
        return {**token_view(token), "token": secret}


@router.get("/agents/{agent_id}/tokens", response_model=list[TokenOut], summary="List tokens")
async def list_tokens(
    agent_id: IdPath, session: SessionDep, principal: PrincipalDep
) -> list[dict[str, Any]]:
    require(principal, Perm.TOKENS_WRITE)
    await people.get_agent(session, agent_id)
    return [token_view(t) for t in await people.tokens_of(session, agent_id)]


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
async def revoke_token(
    token_id: IdPath, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        token = await do_revoke_api_token(uow, token_id)
        view = token_view(token)
    state.tokens.clear()
    return view


@router.get("/teams", response_model=list[TeamOut], summary="List teams")
async def list_teams(session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    require(principal, Perm.AGENTS_READ)
    teams = await people.list_teams(session)
    members = await people.member_ids_of(session, [t.id for t in teams])
    return [team_view(t, members.get(t.id, [])) for t in teams]


@router.post("/teams", status_code=201, response_model=TeamOut, summary="Create a team")
async def create_team(body: TeamCreate, state: StateDep, principal: PrincipalDep) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        team = await do_create_team(uow, body.slug, body.name, body.description)
        return team_view(team, [])


@router.get("/teams/{team_id}", response_model=TeamOut, summary="Get a team")
async def get_team(team_id: IdPath, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    require(principal, Perm.AGENTS_READ)
    team = await people.get_team(session, team_id)
    members = await people.member_ids_of(session, [team.id])
    return team_view(team, members.get(team.id, []))


@router.put("/teams/{team_id}/members", response_model=TeamOut, summary="Set a team's members")
async def set_members(
    team_id: IdPath, body: TeamMembers, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        require(principal, Perm.TEAMS_WRITE)
        team = await people.get_team(uow.session, team_id)
        members = await do_set_team_members(uow, team, body.agent_ids)
        return team_view(team, members)
