"""Reads for triage safety: ticket embeddings, incidents, message marks, restrictions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.errors import NotFound
from kefu.store.models import (
    CustomerRestriction,
    Incident,
    IncidentTicket,
    Message,
    MessageMark,
    Ticket,
    TicketEmbedding,
)

OPEN_STATUSES = ("new", "open", "pending", "on_hold")


async def open_tickets_like(
    session: AsyncSession, customer_id: int, exclude_id: int, limit: int = 50
) -> list[TicketEmbedding]:
    """Embeddings of the customer's other open, unmerged tickets, newest first."""
    stmt = (
        select(TicketEmbedding)
        .join(Ticket, Ticket.id == TicketEmbedding.ticket_id)
        .where(
            Ticket.customer_id == customer_id,
            Ticket.id != exclude_id,
            Ticket.merged_into_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
        )
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def recent_unclustered(
    session: AsyncSession, since: datetime, exclude_id: int, limit: int
) -> list[tuple[TicketEmbedding, str]]:
    """Open, unmerged tickets embedded since `since` that are in no incident, with subjects."""
    stmt = (
        select(TicketEmbedding, Ticket.subject)
        .join(Ticket, Ticket.id == TicketEmbedding.ticket_id)
        .where(
            TicketEmbedding.created_at >= since,
            Ticket.id != exclude_id,
            Ticket.merged_into_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            ~Ticket.id.in_(select(IncidentTicket.ticket_id)),
        )
        .order_by(TicketEmbedding.created_at.desc())
        .limit(limit)
    )
    return [(e, subject) for e, subject in (await session.execute(stmt)).all()]


# Key of the PostgreSQL advisory lock that serialises incident placement (b"kefu" + b"in").
_PLACEMENT_LOCK = 0x6B656675696E


async def lock_incident_placement(session: AsyncSession) -> None:
    """Hold, until this transaction ends, the right to place tickets in incidents.

    Placement reads the open incidents and the recent unclustered tickets, then creates or
    extends an incident; two enrichers doing that at once (several workers, or concurrent
    batches) would each found an incident for the same surge. On SQLite write transactions
    are serialised already."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PLACEMENT_LOCK})


async def open_incidents(session: AsyncSession) -> list[Incident]:
    stmt = select(Incident).where(Incident.status == "open").order_by(Incident.id)
    return list((await session.execute(stmt)).scalars())


async def list_incidents(
    session: AsyncSession, status: str | None, limit: int = 100
) -> list[Incident]:
    stmt = select(Incident)
    if status:
        stmt = stmt.where(Incident.status == status)
    return list((await session.execute(stmt.order_by(Incident.id.desc()).limit(limit))).scalars())


async def get_incident(session: AsyncSession, incident_id: int, *, lock: bool = False) -> Incident:
    stmt = select(Incident).where(Incident.id == incident_id)
    if lock:
        stmt = stmt.with_for_update()
    incident = (await session.execute(stmt)).scalar_one_or_none()
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist")
    return incident


async def members_of(session: AsyncSession, incident_ids: list[int]) -> dict[int, list[int]]:
    """Member ticket ids of each incident, in the order they joined."""
    out: dict[int, list[int]] = defaultdict(list)
    if not incident_ids:
        return out
    rows = await session.execute(
        select(IncidentTicket.incident_id, IncidentTicket.ticket_id)
        .where(IncidentTicket.incident_id.in_(incident_ids))
        .order_by(IncidentTicket.linked_at, IncidentTicket.ticket_id)
    )
    for incident_id, ticket_id in rows:
        out[incident_id].append(ticket_id)
    return out


async def incident_of(session: AsyncSession, ticket_id: int) -> IncidentTicket | None:
    stmt = select(IncidentTicket).where(IncidentTicket.ticket_id == ticket_id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def member_vectors(session: AsyncSession, incident_id: int) -> list[bytes]:
    stmt = (
        select(TicketEmbedding.vector)
        .join(IncidentTicket, IncidentTicket.ticket_id == TicketEmbedding.ticket_id)
        .where(IncidentTicket.incident_id == incident_id)
    )
    return list((await session.execute(stmt)).scalars())


async def recent_inbound(
    session: AsyncSession, customer_id: int, since: datetime, before_id: int, limit: int = 50
) -> list[tuple[datetime, str]]:
    """The customer's inbound messages since `since`, older than message `before_id`."""
    stmt = (
        select(Message.created_at, Message.body)
        .where(
            Message.author_id == customer_id,
            Message.author_kind == "customer",
            Message.direction == "inbound",
            Message.created_at >= since,
            Message.id < before_id,
        )
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return [(at, body) for at, body in (await session.execute(stmt)).all()]


async def marks_of(session: AsyncSession, message_ids: list[int]) -> list[MessageMark]:
    if not message_ids:
        return []
    stmt = (
        select(MessageMark)
        .where(MessageMark.message_id.in_(message_ids))
        .order_by(MessageMark.message_id, MessageMark.kind)
    )
    return list((await session.execute(stmt)).scalars())


async def list_restrictions(session: AsyncSession, limit: int = 200) -> list[CustomerRestriction]:
    stmt = (
        select(CustomerRestriction)
        .where(CustomerRestriction.level != "none")
        .order_by(CustomerRestriction.updated_at.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def restriction_of(session: AsyncSession, customer_id: int) -> CustomerRestriction | None:
    return await session.get(CustomerRestriction, customer_id)
