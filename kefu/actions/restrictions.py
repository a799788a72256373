"""Restricting abusive or flooding customers, and lifting it on review.

The level lives in the database (`customer_restrictions`), so it holds across connections and
processes; the policy is kefu/domain/restriction_policy.py. Sending is never refused: a
restricted customer's message is stored, marked (`message_marks`) and answered with a notice
saying when they can write freely again. Checking a sender costs one primary-key read on the
inbound path; the signals that raise a level (abuse, flood, repetition) are found after commit,
by the triage enricher.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.customer_notices import restriction_raised
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import Perm
from kefu.domain.restriction_policy import (
    Level,
    Restriction,
    Verdict,
    check,
    current,
    lift,
    on_violation,
)
from kefu.domain.secret_warnings import language_of
from kefu.events.bus import DESK_STREAM, Event, customer_stream
from kefu.store.models import CustomerRestriction, MessageMark, Ticket
from kefu.store.serialize import iso


def _policy_state(row: CustomerRestriction) -> Restriction:
    return Restriction(Level.parse(row.level), row.since, row.raised_at, row.last_message_at)


def restriction_view(row: CustomerRestriction, now: Any) -> dict[str, Any]:
    state = current(_policy_state(row), now)
    verdict = check(state, now)
    return {
        "customer_id": row.customer_id,
        "level": state.level.label,
        "stored_level": row.level,
        "since": iso(row.since),
        "raised_at": iso(row.raised_at),
        "retry_at": iso(verdict.retry_at),
        "pending_review": state.level == Level.BLOCKED,
        "reason": row.reason,
        "updated_at": iso(row.updated_at),
    }


async def check_sender(uow: UnitOfWork, customer_id: int) -> Verdict | None:
    """How the customer's next message is to be marked; None: not restricted."""
    senders = uow.deps.senders
    if senders.known_free(customer_id):
        return None
    row = await uow.session.get(CustomerRestriction, customer_id)
    if row is None:
        senders.remember_free(customer_id)
        return None
    now = uow.now()
    state = _policy_state(row)
    verdict = check(state, now)
    if current(state, now).level >= Level.SLOW:
        row.last_message_at = now  # slow mode spaces messages from the last one sent
    elif not verdict.restricted:
        senders.remember_free(customer_id)
    return verdict if verdict.restricted else None


def mark_message(
    uow: UnitOfWork, message_id: int, kind: str, score: float | None, detail: dict[str, Any]
) -> None:
    """Mark a stored message (written with the unit of work)."""
    uow.session.add(
        MessageMark(
            message_id=message_id, kind=kind, score=score, detail=detail, created_at=uow.now()
        )
    )


async def _locked_row(uow: UnitOfWork, customer_id: int) -> CustomerRestriction:
    """The customer's row, created if missing, locked for this unit of work."""
    now = uow.now()
    values = {
        "customer_id": customer_id,
        "level": Level.NONE.label,
        "since": now,
        "reason": "",
        "updated_at": now,
    }
    insert = pg_insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await uow.session.execute(insert(CustomerRestriction).values(values).on_conflict_do_nothing())
    stmt = (
        select(CustomerRestriction)
        .where(CustomerRestriction.customer_id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await uow.session.execute(stmt)).scalar_one()


async def do_record_violation(
    uow: UnitOfWork,
    ticket: Ticket,
    message_id: int,
    kind: str,
    *,
    severe: bool = False,
    reason: str = "",
) -> Level:
    """A message broke the rules (`kind`: abuse, flood, repeat): raise the customer's level as
    the policy says, and tell them when it rises. Returns the level now."""
    uow.require(Perm.TICKETS_WRITE)
    if not uow.actor.is_staff:
        raise PermissionDenied("only triage or staff record violations")
    row = await _locked_row(uow, ticket.customer_id)
    uow.deps.senders.forget(ticket.customer_id)
    now = uow.now()
    before = current(_policy_state(row), now)
    after = on_violation(before, now, severe=severe)
    row.level = after.level.label
    row.since = after.since
    row.raised_at = after.raised_at
    row.updated_at = now
    if after.level != before.level:
        row.reason = f"{kind}: {reason}"[:300]
        row.last_message_at = now  # slow mode counts from the message that raised it
    uow.audit(
        "customer.violation",
        "customer",
        ticket.customer_id,
        before={"level": before.level.label},
        after={"level": after.level.label, "kind": kind, "message_id": message_id},
    )
    if after.level > before.level:
        view = restriction_view(row, now)
        uow.emit(Event("restriction.changed", (DESK_STREAM,), {"restriction": view}))
        uow.ticket_event(
            ticket,
            "notice",
            {
                "kind": "restriction",
                "level": after.level.label,
                "text": restriction_raised(after.level, language_of((ticket.language,), "")),
                "retry_at": view["retry_at"],
            },
            also=(customer_stream(ticket.customer_id),),
        )
    return after.level


async def do_lift_restriction(uow: UnitOfWork, customer_id: int, note: str) -> CustomerRestriction:
    """A supervisor's review: the customer may write freely again."""
    uow.require(Perm.DESK_SUPERVISE)
    note = note.strip()
    if not note:
        raise InvalidInput("say why the restriction is lifted")
    row = await uow.session.get(CustomerRestriction, customer_id, with_for_update=True)
    if row is None:
        raise InvalidInput(f"customer {customer_id} is not restricted")
    uow.deps.senders.forget(customer_id)
    now = uow.now()
    before = current(_policy_state(row), now)
    after = lift(before, now)
    row.level, row.since, row.raised_at = after.level.label, now, None
    row.reason = f"lifted: {note}"[:300]
    row.updated_at = now
    uow.audit(
        "customer.restriction_lift",
        "customer",
        customer_id,
        before={"level": before.level.label},
        after={"level": after.level.label, "note": note[:300]},
    )
    uow.emit(
        Event("restriction.changed", (DESK_STREAM,), {"restriction": restriction_view(row, now)})
    )
    return row


async def customer_restricted(uow: UnitOfWork, customer_id: int) -> bool:
    row = await uow.session.get(CustomerRestriction, customer_id)
    return row is not None and current(_policy_state(row), uow.now()).level > Level.NONE
