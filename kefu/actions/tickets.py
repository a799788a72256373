"""State changes of tickets: create, status, assign, escalate, merge, tag, update."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete

from kefu.actions.messages import MessageInput, PostedMessage, do_add_message
from kefu.actions.unit_of_work import UnitOfWork
from kefu.actions.wait_estimates import end_wait, waiting_now
from kefu.domain.enums import Channel, Direction, Priority, TicketStatus
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import Perm, has
from kefu.domain.tags import normalize_tags
from kefu.domain.ticket_number import format_number
from kefu.domain.ticket_status import check_transition
from kefu.events.bus import DESK_STREAM, QUEUE_STREAM, agent_stream, customer_stream
from kefu.store.models import Agent, Escalation, Ticket, TicketMerge, TicketTag
from kefu.store.repositories import people
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import message_view, ticket_view

MAX_ESCALATION_LEVEL = 3


@dataclass(frozen=True)
class TicketInput:
    customer_id: int
    subject: str
    message: MessageInput
    priority: Priority = Priority.NORMAL
    language: str | None = None
    intent: str | None = None
    team_id: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


async def ticket_changed(
    uow: UnitOfWork,
    ticket: Ticket,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    public: bool = True,
) -> None:
    """Audit a change and send everyone watching the ticket its new state."""
    ticket.updated_at = uow.now()
    uow.audit(action, "ticket", ticket.id, before=before, after=after)
    await uow.session.flush()
    was_unassigned = before.get("assignee_id", ticket.assignee_id) is None
    moved = "assignee_id" in before or "status" in before
    if was_unassigned and moved and not waiting_now(ticket):
        await end_wait(uow, ticket)  # taken, or solved / closed / merged while waiting
    tags = (await repo.tags_of(uow.session, [ticket.id])).get(ticket.id, [])
    also = [DESK_STREAM, customer_stream(ticket.customer_id)]
    if ticket.assignee_id is not None:
        also.append(agent_stream(ticket.assignee_id))
    if before.get("assignee_id") not in (None, ticket.assignee_id):
        also.append(agent_stream(before["assignee_id"]))
    if (
        ticket.channel == Channel.WEB_CHAT.value
        and moved
        and (was_unassigned or waiting_now(ticket))
    ):
        also.append(QUEUE_STREAM)  # waiting chats: taken, ended, or back in the queue
    uow.ticket_event(
        ticket,
        "ticket.updated",
        {"ticket": ticket_view(ticket, tags)},
        public=public,
        also=tuple(also),
    )


@dataclass(frozen=True)
class CreatedTicket:
    ticket: Ticket
    tags: list[str]
    first: PostedMessage

    def view(self) -> dict[str, Any]:
        return ticket_view(self.ticket, self.tags)


async def do_create_ticket(uow: UnitOfWork, data: TicketInput) -> CreatedTicket:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer and data.customer_id != uow.actor.id:
        raise PermissionDenied("customers can only open tickets for themselves")
    if uow.actor.is_customer and (data.tags or data.team_id is not None):
        # As after creation (do_set_tags, do_assign): tags and teams are for staff to set.
        raise PermissionDenied("customers cannot set tags or a team")
    subject = data.subject.strip()
    if not subject:
        raise InvalidInput("subject must not be empty")
    # The subject is inbound text too: a secret in it must not be stored either.
    screened_subject = uow.deps.pipeline.screen(subject, None)
    subject = screened_subject.body
    if data.team_id is not None:
        await people.get_team(uow.session, data.team_id)
    tags = normalize_tags(data.tags)
    ticket = Ticket(
        subject=subject[:300],
        status=TicketStatus.NEW.value,
        priority=data.priority.value,
        language=data.language,
        intent=data.intent,
        channel=data.message.channel,
        customer_id=data.customer_id,
        team_id=data.team_id,
        escalation_level=0,
    )
    ticket.created_at = ticket.updated_at = uow.now()
    uow.session.add(ticket)
    await uow.session.flush()
    uow.session.add_all([TicketTag(ticket_id=ticket.id, tag=t) for t in tags])
    uow.audit(
        "ticket.create",
        "ticket",
        ticket.id,
        after={
            "number": format_number(ticket.id),
            "subject": ticket.subject,
            "channel": ticket.channel,
            "priority": ticket.priority,
        },
    )
    also = [DESK_STREAM, customer_stream(ticket.customer_id)]
    if ticket.channel == Channel.WEB_CHAT.value:
        also.append(QUEUE_STREAM)
    uow.ticket_event(
        ticket, "ticket.created", {"ticket": ticket_view(ticket, tags)}, also=tuple(also)
    )
    first = await do_add_message(
        uow, ticket, Direction.INBOUND, data.message, subject_screened=screened_subject
    )
    return CreatedTicket(ticket, tags, first)


async def do_change_status(uow: UnitOfWork, ticket: Ticket, status: TicketStatus) -> Ticket:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer and status not in (TicketStatus.SOLVED,):
        raise PermissionDenied("customers can only mark their ticket solved")
    current = TicketStatus(ticket.status)
    check_transition(current, status)
    now = uow.now()
    ticket.status = status.value
    if status == TicketStatus.SOLVED:
        ticket.solved_at = now
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
    elif current == TicketStatus.SOLVED:
        ticket.solved_at = None
    await ticket_changed(
        uow, ticket, "ticket.status", {"status": current.value}, {"status": status.value}
    )
    return ticket


async def _check_assignee(uow: UnitOfWork, assignee_id: int) -> Agent:
    agent = await people.get_agent(uow.session, assignee_id)
    if not agent.active:
        raise InvalidInput(f"agent {assignee_id} is deactivated")
    return agent


async def do_assign(
    uow: UnitOfWork,
    ticket: Ticket,
    assignee_id: int | None,
    team_id: int | None = None,
    *,
    change_team: bool = False,
) -> Ticket:
    """Assign the ticket to an agent (or nobody) and optionally move it to a team.

    Agents may take a ticket themselves or release their own; assigning others needs a
    supervisor."""
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot assign tickets")
    if not has(uow.actor, Perm.TICKETS_ASSIGN_ANY):
        own = assignee_id == uow.actor.id or (
            assignee_id is None and ticket.assignee_id == uow.actor.id
        )
        if not own:
            raise PermissionDenied("agents can only assign tickets to themselves")
    if assignee_id is not None:
        await _check_assignee(uow, assignee_id)
    if change_team and team_id is not None:
        await people.get_team(uow.session, team_id)
    if ticket.status == TicketStatus.CLOSED.value:
        raise InvalidInput("closed tickets cannot be reassigned")
    before = {"assignee_id": ticket.assignee_id, "team_id": ticket.team_id}
    ticket.assignee_id = assignee_id
    if change_team:
        ticket.team_id = team_id
    after = {"assignee_id": ticket.assignee_id, "team_id": ticket.team_id}
    if before != after:
        await ticket_changed(uow, ticket, "ticket.assign", before, after)
    return ticket


async def do_escalate(
    uow: UnitOfWork, ticket: Ticket, reason: str, *, trigger: str | None = None
) -> Escalation:
    """Escalate to a supervisor (one level up), with a reason everyone can audit; `trigger`
    names what escalated it automatically (kefu/actions/escalation.py)."""
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers ask for escalation in a message; agents escalate")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("an escalation needs a reason")
    if ticket.status == TicketStatus.CLOSED.value:
        raise InvalidInput("closed tickets cannot be escalated")
    if ticket.escalation_level >= MAX_ESCALATION_LEVEL:
        raise InvalidInput(
            f"ticket is already at the highest escalation level {ticket.escalation_level}"
        )
    before: dict[str, Any] = {"escalation_level": ticket.escalation_level}
    after: dict[str, Any] = {}
    ticket.escalation_level += 1
    if TicketStatus(ticket.status) in (TicketStatus.SOLVED,):
        before["status"], after["status"] = ticket.status, TicketStatus.OPEN.value
        ticket.status = TicketStatus.OPEN.value
        ticket.solved_at = None
    esc = Escalation(
        created_at=uow.now(),
        ticket_id=ticket.id,
        level=ticket.escalation_level,
        reason=reason[:2000],
        trigger=trigger,
        by_kind=uow.actor_kind,
        by_id=uow.actor_id,
    )
    uow.session.add(esc)
    await uow.session.flush()
    await ticket_changed(
        uow,
        ticket,
        "ticket.escalate",
        before,
        {
            "escalation_level": ticket.escalation_level,
            "reason": esc.reason,
            **({"trigger": trigger} if trigger else {}),
            **after,
        },
        public=False,
    )
    return esc


async def do_merge(
    uow: UnitOfWork,
    source: Ticket,
    target: Ticket,
    *,
    reason: str = "manual",
    similarity: float | None = None,
) -> Ticket:
    """Merge `source` into `target`: the source closes and points at the target, whose
    transcript then includes the source's messages. A `TicketMerge` row records what changed
    (the source's status, the tags the target gained, the messages it took in), so that
    kefu/actions/merges.py `do_unmerge` can undo it."""
    uow.require(Perm.TICKETS_MERGE)
    if source.id == target.id:
        raise InvalidInput("cannot merge a ticket into itself")
    if source.customer_id != target.customer_id:
        raise InvalidInput("only tickets of the same customer can be merged")
    if source.merged_into_id is not None:
        raise InvalidInput(f"{format_number(source.id)} is already merged")
    if target.merged_into_id is not None or target.status == TicketStatus.CLOSED.value:
        raise InvalidInput(
            f"{format_number(target.id)} is merged or closed; merge into an open ticket"
        )
    before = {"status": source.status, "merged_into": None}
    source.merged_into_id = target.id
    source.status = TicketStatus.CLOSED.value
    source.closed_at = uow.now()
    # Tags of the source carry over.
    src_tags = (await repo.tags_of(uow.session, [source.id])).get(source.id, [])
    tgt_tags = set((await repo.tags_of(uow.session, [target.id])).get(target.id, []))
    gained = [t for t in src_tags if t not in tgt_tags]
    uow.session.add_all(TicketTag(ticket_id=target.id, tag=t) for t in gained)
    await ticket_changed(
        uow,
        source,
        "ticket.merge",
        before,
        {"status": source.status, "merged_into": format_number(target.id)},
    )
    moved = await repo.transcript(uow.session, source.id, include_internal=True)
    uow.session.add(
        TicketMerge(
            source_id=source.id,
            target_id=target.id,
            reason=reason,
            similarity=similarity,
            source_status=before["status"],
            tags_added=gained,
            message_ids=[m.id for m, _ in moved],
            merged_at=uow.now(),
            merged_by_kind=uow.actor_kind,
            merged_by_id=uow.actor_id,
        )
    )
    # Live views of the target learn what it gained: the source's messages, then its tags.
    for message, attachments in moved:
        uow.ticket_event(
            target,
            "message.created",
            {"message": message_view(message, attachments), "ticket": {}},
            public=message.direction != Direction.INTERNAL.value,
        )
    await do_add_message(
        uow,
        target,
        Direction.INTERNAL,
        MessageInput(body=f"Merged {format_number(source.id)} into this ticket.", channel="api"),
    )
    await ticket_changed(
        uow, target, "ticket.merge_in", {}, {"merged_from": format_number(source.id)}, public=False
    )
    return target


async def do_set_tags(
    uow: UnitOfWork, ticket: Ticket, add: list[str], remove: list[str]
) -> list[str]:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot tag tickets")
    to_add = normalize_tags(add)
    to_remove = normalize_tags(remove)
    current = set((await repo.tags_of(uow.session, [ticket.id])).get(ticket.id, []))
    new = (current | set(to_add)) - set(to_remove)
    if new == current:
        return sorted(current)
    if to_remove:
        await uow.session.execute(
            delete(TicketTag).where(TicketTag.ticket_id == ticket.id, TicketTag.tag.in_(to_remove))
        )
    uow.session.add_all(TicketTag(ticket_id=ticket.id, tag=t) for t in new - current)
    await ticket_changed(
        uow, ticket, "ticket.tags", {"tags": sorted(current)}, {"tags": sorted(new)}, public=False
    )
    return sorted(new)


UPDATABLE = ("subject", "priority", "intent", "language")


async def do_update_ticket(uow: UnitOfWork, ticket: Ticket, changes: dict[str, Any]) -> Ticket:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot edit ticket fields")
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))} this way")
    if "subject" in changes and not str(changes["subject"]).strip():
        raise InvalidInput("subject must not be empty")
    before = {k: getattr(ticket, k) for k in changes}
    for key, value in changes.items():
        setattr(ticket, key, value.value if isinstance(value, Priority) else value)
    after = {k: getattr(ticket, k) for k in changes}
    if before != after:
        await ticket_changed(uow, ticket, "ticket.update", before, after)
    return ticket


async def resolve_merged(uow: UnitOfWork, ticket: Ticket) -> Ticket:
    """Follow merges to the ticket that now carries the conversation."""
    seen = {ticket.id}
    while ticket.merged_into_id is not None and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = await repo.get_ticket(uow.session, ticket.merged_into_id, lock=True)
    return ticket
