"""Reads for live chat: open conversations, waiting chats, a ticket's event log."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.enums import Channel, TicketStatus
from kefu.store.models import Ticket, TicketEvent

OPEN_CHAT = (
    TicketStatus.NEW.value,
    TicketStatus.OPEN.value,
    TicketStatus.PENDING.value,
    TicketStatus.ON_HOLD.value,
)


def _chats() -> Select[Ticket]:
    return select(Ticket).where(
        Ticket.channel == Channel.WEB_CHAT.value, Ticket.merged_into_id.is_(None)
    )


async def open_chats_of_customer(session: AsyncSession, customer_id: int) -> list[Ticket]:
    """The customer's chats that are not closed (solved ones too: the history stays visible)."""
    stmt = (
        _chats()
        .where(
            Ticket.customer_id == customer_id,
            Ticket.status.in_((*OPEN_CHAT, TicketStatus.SOLVED.value)),
        )
        .order_by(Ticket.id)
    )
    return list((await session.execute(stmt)).scalars())


async def latest_open_chat(session: AsyncSession, customer_id: int) -> Ticket | None:
    stmt = (
        _chats()
        .where(Ticket.customer_id == customer_id, Ticket.status.in_(OPEN_CHAT))
        .order_by(Ticket.id.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def chats_of_agent(session: AsyncSession, agent_id: int) -> list[Ticket]:
    stmt = (
        _chats()
        .where(Ticket.assignee_id == agent_id, Ticket.status.in_(OPEN_CHAT))
        .order_by(Ticket.id)
    )
    return list((await session.execute(stmt)).scalars())


async def waiting_chats(session: AsyncSession, limit: int = 200) -> list[Ticket]:
    stmt = (
        _chats()
        .where(Ticket.assignee_id.is_(None), Ticket.status.in_(OPEN_CHAT))
        .order_by(Ticket.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def events_between(
    session: AsyncSession, ticket_id: int, after: int, upto: int | None, *, public_only: bool
) -> list[TicketEvent]:
    """The ticket's stored events with after < seq ≤ upto (no upper bound when None)."""
    stmt = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id, TicketEvent.seq > after)
    if upto is not None:
        stmt = stmt.where(TicketEvent.seq <= upto)
    if public_only:
        stmt = stmt.where(TicketEvent.public.is_(True))
    return list((await session.execute(stmt.order_by(TicketEvent.seq))).scalars())
