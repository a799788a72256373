"""Loading what a route shows, with the access check, and rendering it with the serialisers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.errors import NotFound
from kefu.domain.permissions import Perm, Principal, require
from kefu.domain.ticket_number import format_number, parse_number
from kefu.store.models import Agent, Customer, Message, Ticket
from kefu.store.repositories import people
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import agent_view, customer_view, message_view, ticket_view


async def access_ticket(
    session: AsyncSession, number: str, principal: Principal, *, lock: bool = False
) -> Ticket:
    """The ticket if the caller may see it; customers get 404 for tickets not theirs."""
    require(principal, Perm.TICKETS_READ)
    ticket_id = parse_number(number)
    try:
        ticket = await repo.get_ticket(session, ticket_id, lock=lock)
    except NotFound:
        raise NotFound(f"ticket {format_number(ticket_id)} does not exist") from None
    if principal.is_customer and ticket.customer_id != principal.id:
        raise NotFound(f"ticket {format_number(ticket_id)} does not exist")
    return ticket


# What staff keep to themselves on a ticket: its tags (security, abusive, tone, lookalike…),
# the intent the classifier read and the team it was routed to.
STAFF_ONLY: dict[str, Any] = {"tags": [], "intent": None, "team_id": None}


def shown_to(principal: Principal, view: dict[str, Any]) -> dict[str, Any]:
    """A ticket view as this caller may see it: customers get it without the staff-only fields."""
    return {**view, **STAFF_ONLY} if principal.is_customer else view


async def render_ticket(
    session: AsyncSession, ticket: Ticket, principal: Principal
) -> dict[str, Any]:
    await session.flush()
    tags = (await repo.tags_of(session, [ticket.id])).get(ticket.id, [])
    return shown_to(principal, ticket_view(ticket, tags))


async def render_tickets(
    session: AsyncSession, tickets: list[Ticket], principal: Principal
) -> list[dict[str, Any]]:
    tags = await repo.tags_of(session, [t.id for t in tickets])
    return [shown_to(principal, ticket_view(t, tags.get(t.id, []))) for t in tickets]


async def render_message(session: AsyncSession, message: Message) -> dict[str, Any]:
    await session.flush()
    atts = (await repo.attachments_of(session, [message.id])).get(message.id, [])
    return message_view(message, atts)


async def render_customer(session: AsyncSession, customer: Customer) -> dict[str, Any]:
    await session.flush()
    idents = (await people.identities_of(session, [customer.id])).get(customer.id, [])
    return customer_view(customer, idents)


async def render_agent(session: AsyncSession, agent: Agent) -> dict[str, Any]:
    await session.flush()
    teams = (await people.team_ids_of(session, [agent.id])).get(agent.id, [])
    return agent_view(agent, teams)
