"""Automatic escalation: on an SLA breach (kefu/actions/sla.py), when a customer asks for a
supervisor, and when a customer contacts again about the same unresolved issue.

The rules are pure (kefu/triage/escalation.py); the enricher here runs them on inbound messages
after they are stored (kefu/actions/inbound.py), after language, intent and duplicate detection,
so it sees the classifier's intent and the merges. It reads a few rows per batch and never
runs a model. Each trigger escalates a ticket once per escalation level: asking again, or
writing again, does not climb the ladder message by message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from kefu.actions.tickets import MAX_ESCALATION_LEVEL, do_escalate, resolve_merged
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import TicketStatus
from kefu.domain.permissions import SYSTEM
from kefu.domain.ticket_number import format_number
from kefu.store.models import AuditEntry, Escalation, Message, Ticket, TicketMerge
from kefu.store.repositories import tickets as repo
from kefu.triage.escalation import Reopening, contacts_again, supervisor_request
from kefu.triage.pipeline import Enricher

SLA_BREACH = "sla_breach"
SUPERVISOR_REQUEST = "supervisor_request"
REPEAT_CONTACT = "repeat_contact"
_RESOLVED = (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value)


async def do_auto_escalate(
    uow: UnitOfWork, ticket: Ticket, trigger: str, reason: str
) -> Escalation | None:
    """Escalate the (locked) ticket for this trigger unless the trigger already escalated it
    to its current level, or it is closed, merged away or at the top; None when not."""
    if (
        ticket.status == TicketStatus.CLOSED.value
        or ticket.merged_into_id is not None
        or ticket.escalation_level >= MAX_ESCALATION_LEVEL
    ):
        return None
    done = await uow.session.scalar(
        select(func.count())
        .select_from(Escalation)
        .where(
            Escalation.ticket_id == ticket.id,
            Escalation.trigger == trigger,
            Escalation.level >= ticket.escalation_level,
        )
    )
    if done:
        return None
    return await do_escalate(uow, ticket, reason, trigger=trigger)


@dataclass(frozen=True)
class _Inbound:
    message_id: int
    at: datetime
    body: str
    ticket_id: int  # the ticket the conversation continues on (merges followed)
    from_ticket: int  # the ticket the message was stored on
    intent: str | None
    status: str


_Loaded = tuple[list[_Inbound], dict[int, int], dict[int, list[Reopening]]]


async def _load(deps: ActionDeps, ids: list[int]) -> _Loaded:
    async with deps.sessionmaker() as session:
        rows = (
            await session.execute(
                select(Message.id, Message.created_at, Message.body, Ticket)
                .join(Ticket, Ticket.id == Message.ticket_id)
                .where(Message.id.in_(ids), Message.direction == "inbound")
                .order_by(Message.id)
            )
        ).all()
        items = []
        for message_id, at, body, ticket in rows:
            target = ticket
            for _ in range(5):  # follow merges (a chain is short)
                if target.merged_into_id is None:
                    break
                target = await session.get(Ticket, target.merged_into_id) or target
            items.append(
                _Inbound(message_id, at, body, target.id, ticket.id, target.intent, target.status)
            )
        targets = list({i.ticket_id for i in items})
        merged = dict(
            (
                await session.execute(
                    select(TicketMerge.target_id, func.count())
                    .where(TicketMerge.target_id.in_(targets), TicketMerge.unmerged_at.is_(None))
                    .group_by(TicketMerge.target_id)
                )
            ).all()
        )
        reopened: dict[int, list[Reopening]] = defaultdict(list)
        audits = await session.execute(
            select(AuditEntry.entity_id, AuditEntry.at, AuditEntry.before, AuditEntry.after).where(
                AuditEntry.entity == "ticket",
                AuditEntry.entity_id.in_(targets),
                AuditEntry.action == "ticket.status",
            )
        )
        for ticket_id, at, before, after in audits:
            if (before or {}).get("status") != TicketStatus.SOLVED.value:
                continue
            if (after or {}).get("status") in _RESOLVED:
                continue
            cause = str((after or {}).get("cause", ""))
            by = int(cause[8:]) if cause.startswith("message ") and cause[8:].isdigit() else None
            reopened[ticket_id].append(Reopening(at, by))
    return items, merged, reopened


def escalation_enricher(deps: ActionDeps) -> Enricher:
    """The enricher for a process (registered in kefu/actions/inbound.py)."""

    async def enrich(message_ids: list[int]) -> None:
        items, merged, reopened = await _load(deps, message_ids)
        wanted: dict[tuple[int, str], str] = {}
        for item in items:
            if item.status in _RESOLVED:
                continue
            cue = supervisor_request(item.body, item.intent)
            if cue is not None:
                wanted.setdefault(
                    (item.ticket_id, SUPERVISOR_REQUEST),
                    f"Customer asked for a supervisor (“{cue}”)",
                )
            merged_in = merged.get(item.ticket_id, 0)
            if contacts_again(item.message_id, item.at, merged_in, reopened[item.ticket_id]):
                how = (
                    f"{format_number(item.from_ticket)} joined it as a duplicate"
                    if item.from_ticket != item.ticket_id
                    else "another ticket joined it"
                    if merged_in
                    else "written to again after it was reopened"
                )
                wanted.setdefault(
                    (item.ticket_id, REPEAT_CONTACT),
                    f"Customer contacted again about the same unresolved issue ({how})",
                )
        for (ticket_id, trigger), reason in wanted.items():
            async with UnitOfWork(deps, SYSTEM) as uow:
                ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
                ticket = await resolve_merged(uow, ticket)
                await do_auto_escalate(uow, ticket, trigger, reason)

    return enrich
