"""What screening noticed about an inbound message, carried to the ticket.

`do_add_message` hands over the `Screened` result of a message it stored. Flags become ticket
tags (`security`, `secret:seed_phrase` …) agents see and filter on; notices become one system
message to the customer in their language, public, so it reaches every open chat window at once
and stays in the transcript; for secrets, agents get an internal note with the
account-protection steps. The audit entry says what was found, never the text.
"""

from __future__ import annotations

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Channel, Direction
from kefu.domain.errors import InvalidInput
from kefu.domain.secret_warnings import agent_advice, customer_warning, language_of, secret_kinds
from kefu.domain.tags import normalize_tags
from kefu.events.bus import DESK_STREAM, agent_stream
from kefu.store.models import Customer, Message, Ticket, TicketTag
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import message_view, ticket_view
from kefu.triage.pipeline import Screened


async def record_screening(
    uow: UnitOfWork, ticket: Ticket, message: Message, screened: Screened, original: str
) -> tuple[str, ...]:
    """Flag the ticket and tell the customer; returns what the customer was told.

    `original` is the text as the customer sent it, used only to pick the warning's language
    when the customer's is not known; it is not kept."""
    if not screened.flags and not screened.notices:
        return ()
    uow.audit(
        "message.screened",
        "message",
        message.id,
        after={"flags": list(screened.flags), "notices": list(screened.notices)},
    )
    await _flag(uow, ticket, screened.flags)
    kinds = secret_kinds(screened.notices)
    told: list[str] = []
    if screened.notices:
        customer = await uow.session.get(Customer, ticket.customer_id)
        language = language_of((ticket.language, customer.language if customer else None), original)
        if kinds:
            told.append(customer_warning(kinds, language))
        # Other steps' notices are texts of their own.
        told.extend(n for n in screened.notices if n not in {f"secret:{k}" for k in kinds})
        await _system_message(uow, ticket, message, Direction.OUTBOUND, "\n\n".join(told))
    flagged = secret_kinds(screened.flags)
    if flagged:
        await _system_message(uow, ticket, message, Direction.INTERNAL, agent_advice(flagged))
    return tuple(told)


async def _flag(uow: UnitOfWork, ticket: Ticket, flags: tuple[str, ...]) -> None:
    tags: list[str] = []
    for flag in flags:
        try:
            tags.extend(normalize_tags([flag]))
        except InvalidInput:
            continue  # not a tag: it stays in the audit entry
    current = set((await repo.tags_of(uow.session, [ticket.id])).get(ticket.id, []))
    new = [t for t in tags if t not in current]
    if not new:
        return
    uow.session.add_all(TicketTag(ticket_id=ticket.id, tag=t) for t in new)
    await uow.session.flush()
    uow.audit(
        "ticket.tags",
        "ticket",
        ticket.id,
        before={"tags": sorted(current)},
        after={"tags": sorted(current | set(new)), "cause": "screening"},
    )
    also = [DESK_STREAM]
    if ticket.assignee_id is not None:
        also.append(agent_stream(ticket.assignee_id))
    uow.ticket_event(
        ticket,
        "ticket.updated",
        {"ticket": ticket_view(ticket, sorted(current | set(new)))},
        public=False,
        also=tuple(also),
    )


async def _system_message(
    uow: UnitOfWork, ticket: Ticket, about: Message, direction: Direction, body: str
) -> None:
    """A message from kefu itself: neither a reply (no first response, no status change) nor
    the customer's."""
    msg = Message(
        created_at=uow.now(),
        ticket_id=ticket.id,
        direction=direction.value,
        author_kind="system",
        author_id=None,
        body=body,
        channel=about.channel if direction == Direction.OUTBOUND else Channel.API.value,
    )
    uow.session.add(msg)
    await uow.session.flush()
    uow.ticket_event(
        ticket,
        "message.created",
        {"message": message_view(msg, []), "ticket": {}},
        public=direction != Direction.INTERNAL,
    )
