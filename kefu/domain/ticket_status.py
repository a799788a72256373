"""The ticket status machine: which transitions are allowed, and what a message does to status.

new → open | pending | on_hold | solved
open ↔ pending ↔ on_hold, any of them → solved
solved → open (reopened) | closed
closed is final: a follow-up becomes a new ticket.
"""

from __future__ import annotations

from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.errors import InvalidTransition

S = TicketStatus

ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.OPEN, S.PENDING, S.ON_HOLD, S.SOLVED}),
    S.OPEN: frozenset({S.PENDING, S.ON_HOLD, S.SOLVED}),
    S.PENDING: frozenset({S.OPEN, S.ON_HOLD, S.SOLVED}),
    S.ON_HOLD: frozenset({S.OPEN, S.PENDING, S.SOLVED}),
    S.SOLVED: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset(),
}


def can_transition(current: TicketStatus, target: TicketStatus) -> bool:
    return target in ALLOWED[current]


def check_transition(current: TicketStatus, target: TicketStatus) -> None:
    if current == target:
        raise InvalidTransition(f"ticket is already {current.value}")
    if not can_transition(current, target):
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "none (closed is final)"
        raise InvalidTransition(
            f"cannot move a ticket from {current.value} to {target.value}; allowed: {allowed}"
        )


def status_after_message(current: TicketStatus, direction: Direction) -> TicketStatus | None:
    """The status a ticket moves to when a message is added, or None for no change.

    A customer writing again reopens a pending or solved ticket; a public staff reply to a new
    ticket opens it. Internal notes never change status. Closed tickets accept no messages.
    """
    if current == S.CLOSED:
        raise InvalidTransition("ticket is closed; a follow-up needs a new ticket")
    if direction == Direction.INBOUND and current in (S.PENDING, S.SOLVED):
        return S.OPEN
    if direction == Direction.OUTBOUND and current == S.NEW:
        return S.OPEN
    return None
