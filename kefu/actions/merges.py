"""Undoing a merge: the source ticket reopens with its own messages.

A merge (kefu/actions/tickets.py `do_merge`) closes the source and points it at the target,
whose transcript then shows the source's messages; its `TicketMerge` row records the source's
status, the tags the target gained and the messages it took in. Unmerging clears the pointer,
reopens the source, takes those tags off the target again, and tells live views of the target
which messages left (`ticket.unmerged`). Messages written on the target after the merge stay
there: they were the target's.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.tickets import ticket_changed
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import Perm
from kefu.domain.ticket_number import format_number
from kefu.events.bus import DESK_STREAM, customer_stream
from kefu.store.models import Message, Ticket, TicketMerge, TicketTag
from kefu.store.repositories import tickets as repo


async def open_merge(uow: UnitOfWork, source_id: int) -> TicketMerge | None:
    """The record of the source's current merge (None for merges made before they were
    recorded)."""
    stmt = (
        select(TicketMerge)
        .where(TicketMerge.source_id == source_id, TicketMerge.unmerged_at.is_(None))
        .order_by(TicketMerge.id.desc())
        .limit(1)
    )
    return (await uow.session.execute(stmt)).scalar_one_or_none()


async def do_unmerge(uow: UnitOfWork, source: Ticket, target: Ticket) -> Ticket:
    """Undo the merge of `source` into `target` (both row-locked by the caller)."""
    uow.require(Perm.TICKETS_MERGE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot unmerge tickets")
    if source.merged_into_id != target.id:
        raise InvalidInput(
            f"{format_number(source.id)} is not merged into {format_number(target.id)}"
        )
    record = await open_merge(uow, source.id)
    now = uow.now()
    ids = await repo.merged_ids(uow.session, source.id)
    leaving = list(
        (await uow.session.execute(select(Message.id).where(Message.ticket_id.in_(ids)))).scalars()
    )
    before = {"status": source.status, "merged_into": format_number(target.id)}
    source.merged_into_id = None
    source.status = TicketStatus.OPEN.value
    source.closed_at = None
    removed: list[str] = []
    if record is not None:
        record.unmerged_at = now
        record.unmerged_by_id = uow.actor_id
        removed = list(record.tags_added)
        if removed:
            await uow.session.execute(
                delete(TicketTag).where(
                    TicketTag.ticket_id == target.id, TicketTag.tag.in_(removed)
                )
            )
    await ticket_changed(
        uow,
        source,
        "ticket.unmerge",
        before,
        {"status": source.status, "merged_into": None},
    )
    uow.ticket_event(
        target,
        "ticket.unmerged",
        {"source": format_number(source.id), "message_ids": sorted(leaving)},
        also=(DESK_STREAM, customer_stream(target.customer_id)),
    )
    await do_add_message(
        uow,
        target,
        Direction.INTERNAL,
        MessageInput(body=f"Unmerged {format_number(source.id)} from this ticket.", channel="api"),
    )
    await ticket_changed(
        uow,
        target,
        "ticket.unmerge_out",
        {"merged_from": format_number(source.id), "tags": removed},
        {},
        public=False,
    )
    return source
