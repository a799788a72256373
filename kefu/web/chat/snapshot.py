"""A conversation as a client starts from: ticket, messages, seq, read marks."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.domain.chat_state import conversation, for_customer
from kefu.store.models import Ticket, TicketEvent
from kefu.store.repositories import chat as chat_repo
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import message_view, ticket_view


async def load_conversation(
    session: AsyncSession, ticket: Ticket, *, customer: bool
) -> dict[str, Any]:
    """Read the ticket (and its seq) before its messages: a message committed in between then
    shows up in both, which applying its event tolerates, and nothing falls between them."""
    await session.refresh(ticket)
    seq = ticket.event_seq
    tags = (await repo.tags_of(session, [ticket.id])).get(ticket.id, [])
    view = ticket_view(ticket, tags)
    rows = await repo.transcript(session, ticket.id, include_internal=not customer)
    messages = [message_view(m, atts) for m, atts in rows]
    return conversation(
        for_customer(view) if customer else view,
        messages,
        seq,
        ticket.customer_read_message_id,
        ticket.agent_read_message_id,
    )


async def events_after(
    session: AsyncSession, ticket_id: int, after: int, upto: int | None = None
) -> list[TicketEvent]:
    return await chat_repo.events_between(session, ticket_id, after, upto, public_only=False)


async def waiting(session: AsyncSession) -> list[dict[str, Any]]:
    tickets = await chat_repo.waiting_chats(session)
    tags = await repo.tags_of(session, [t.id for t in tickets])
    return [ticket_view(t, tags.get(t.id, [])) for t in tickets]
