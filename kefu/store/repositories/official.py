"""Reads of the official-channel registry, identity codes and lookalike findings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.errors import NotFound
from kefu.store.models import Agent, IdentityCode, LookalikeFinding, OfficialChannel

RegistryVersion = tuple[int, datetime | None]


async def list_channels(session: AsyncSession) -> list[OfficialChannel]:
    stmt = select(OfficialChannel).order_by(OfficialChannel.kind, OfficialChannel.id)
    return list((await session.execute(stmt)).scalars())


async def get_channel(session: AsyncSession, channel_id: int) -> OfficialChannel:
    row = await session.get(OfficialChannel, channel_id)
    if row is None:
        raise NotFound(f"official channel {channel_id} does not exist")
    return row


async def channel_by_value(session: AsyncSession, kind: str, value: str) -> OfficialChannel | None:
    stmt = select(OfficialChannel).where(
        OfficialChannel.kind == kind, OfficialChannel.value == value
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def registry_version(session: AsyncSession) -> RegistryVersion:
    """Changes whenever an entry is added, changed or removed (for caches of the registry)."""
    row = (
        await session.execute(
            select(func.count(OfficialChannel.id), func.max(OfficialChannel.updated_at))
        )
    ).one()
    return int(row[0]), row[1]


async def get_identity_code(session: AsyncSession, code_id: int) -> IdentityCode:
    row = await session.get(IdentityCode, code_id)
    if row is None:
        raise NotFound(f"identity code {code_id} does not exist")
    return row


async def identity_code_by_digest(
    session: AsyncSession, digest: str
) -> tuple[IdentityCode, Agent] | None:
    stmt = (
        select(IdentityCode, Agent)
        .join(Agent, Agent.id == IdentityCode.agent_id)
        .where(IdentityCode.digest == digest)
    )
    row = (await session.execute(stmt)).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def live_codes_of(
    session: AsyncSession, agent_id: int, ticket_id: int | None, now: datetime
) -> list[IdentityCode]:
    stmt = select(IdentityCode).where(
        IdentityCode.agent_id == agent_id,
        IdentityCode.expires_at > now,
        IdentityCode.revoked_at.is_(None),
    )
    stmt = stmt.where(
        IdentityCode.ticket_id.is_(None)
        if ticket_id is None
        else IdentityCode.ticket_id == ticket_id
    )
    return list((await session.execute(stmt)).scalars())


async def findings_of_messages(
    session: AsyncSession, message_ids: list[int]
) -> list[LookalikeFinding]:
    if not message_ids:
        return []
    stmt = select(LookalikeFinding).where(LookalikeFinding.message_id.in_(message_ids))
    return list((await session.execute(stmt)).scalars())


async def findings_of_ticket(session: AsyncSession, ticket_id: int) -> list[LookalikeFinding]:
    stmt = (
        select(LookalikeFinding)
        .where(LookalikeFinding.ticket_id == ticket_id)
        .order_by(LookalikeFinding.id)
    )
    return list((await session.execute(stmt)).scalars())
