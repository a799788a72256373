"""Reads of agents, teams, tokens and customers."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.errors import NotFound
from kefu.store.models import (
    Agent,
    ApiToken,
    Customer,
    CustomerIdentity,
    Team,
    agent_teams,
)


async def get_agent(session: AsyncSession, agent_id: int) -> Agent:
    agent = await session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} does not exist")
    return agent


async def agent_by_email(session: AsyncSession, email: str) -> Agent | None:
    stmt = select(Agent).where(Agent.email == email.strip().lower())
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_agents(session: AsyncSession) -> list[Agent]:
    return list((await session.execute(select(Agent).order_by(Agent.id))).scalars())


async def team_ids_of(session: AsyncSession, agent_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if agent_ids:
        rows = await session.execute(
            select(agent_teams.c.agent_id, agent_teams.c.team_id).where(
                agent_teams.c.agent_id.in_(agent_ids)
            )
        )
        for agent_id, team_id in rows:
            out[agent_id].append(team_id)
    return out


async def member_ids_of(session: AsyncSession, team_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if team_ids:
        rows = await session.execute(
            select(agent_teams.c.team_id, agent_teams.c.agent_id).where(
                agent_teams.c.team_id.in_(team_ids)
            )
        )
        for team_id, agent_id in rows:
            out[team_id].append(agent_id)
    return out


async def get_team(session: AsyncSession, team_id: int) -> Team:
    team = await session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist")
    return team


async def team_by_slug(session: AsyncSession, slug: str) -> Team | None:
    return (await session.execute(select(Team).where(Team.slug == slug))).scalar_one_or_none()


async def list_teams(session: AsyncSession) -> list[Team]:
    return list((await session.execute(select(Team).order_by(Team.id))).scalars())


async def token_by_hash(session: AsyncSession, token_hash: str) -> tuple[ApiToken, Agent] | None:
    row = (
        await session.execute(
            select(ApiToken, Agent)
            .join(Agent, Agent.id == ApiToken.agent_id)
            .where(ApiToken.token_hash == token_hash)
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


async def get_customer(session: AsyncSession, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer


async def customer_by_uid(session: AsyncSession, uid: str) -> Customer | None:
    return (await session.execute(select(Customer).where(Customer.uid == uid))).scalar_one_or_none()


async def customer_by_identity(session: AsyncSession, kind: str, value: str) -> Customer | None:
    stmt = (
        select(Customer)
        .join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
        .where(CustomerIdentity.kind == kind, CustomerIdentity.value == value)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def identities_of(
    session: AsyncSession, customer_ids: list[int]
) -> dict[int, list[CustomerIdentity]]:
    out: dict[int, list[CustomerIdentity]] = defaultdict(list)
    if customer_ids:
        rows = await session.execute(
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id.in_(customer_ids))
            .order_by(CustomerIdentity.id)
        )
        for ident in rows.scalars():
            out[ident.customer_id].append(ident)
    return out


async def list_customers(
    session: AsyncSession, limit: int, after_id: int | None, q: str | None
) -> list[Customer]:
    stmt = select(Customer)
    if after_id is not None:
        stmt = stmt.where(Customer.id > after_id)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(
            Customer.uid.ilike(pattern)
            | Customer.name.ilike(pattern)
            | Customer.id.in_(
                select(CustomerIdentity.customer_id).where(CustomerIdentity.value.ilike(pattern))
            )
        )
    return list((await session.execute(stmt.order_by(Customer.id).limit(limit))).scalars())


async def tokens_of(session: AsyncSession, agent_id: int) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.agent_id == agent_id).order_by(ApiToken.id)
    return list((await session.execute(stmt)).scalars())
