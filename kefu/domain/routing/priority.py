"""The priority of a waiting ticket, and the keys that let a heap find the highest at any time.

    score(now) = base + rate(tier) · (now − enqueued_at)
                 + urgency_rate · max(0, now − (deadline − urgency_window))

`base` is the priority's head start plus any boost. The score is piecewise linear in `now`: in
phase 1 (far from the deadline) it is `aging_key + rate · now`; in phase 2 (inside the urgency
window) `urgent_key + (rate + urgency_rate) · now`. Tickets of one tier in one phase share the
slope, so their order never changes while they wait and a heap keyed on the constant part finds
the highest exactly; a ticket moves from phase 1 to phase 2 at `promote_at`.
"""

from __future__ import annotations

from kefu.domain.routing.model import WaitingTicket, Weights


def base(ticket: WaitingTicket, weights: Weights) -> float:
    return weights.base(ticket.priority) + ticket.boost


def score(ticket: WaitingTicket, now: float, weights: Weights) -> float:
    value = base(ticket, weights) + weights.rate(ticket.tier) * (now - ticket.enqueued_at)
    if ticket.deadline is not None:
        late = now - (ticket.deadline - weights.urgency_window)
        if late > 0:
            value += weights.urgency_rate * late
    return value


def promote_at(ticket: WaitingTicket, weights: Weights) -> float | None:
    """When the ticket enters its urgency window (None: it has no deadline)."""
    if ticket.deadline is None or weights.urgency_rate == 0:
        return None
    return ticket.deadline - weights.urgency_window


def aging_key(ticket: WaitingTicket, weights: Weights) -> float:
    return base(ticket, weights) - weights.rate(ticket.tier) * ticket.enqueued_at


def urgent_key(ticket: WaitingTicket, weights: Weights) -> float:
    start = promote_at(ticket, weights)
    assert start is not None
    return aging_key(ticket, weights) - weights.urgency_rate * start


def starvation_bound(weights: Weights, newer_wait: float) -> float:
    """A wait after which a ticket outranks every ticket that has waited at most `newer_wait`,
    whatever their tier, priority or deadline (boosts beyond the priority table excepted).

    The slowest-growing ticket gains `slowest_rate` per second; the fastest gains
    `max_rate + urgency_rate` and starts at most `max_base + urgency_rate · urgency_window` up.
    """
    top = max(weights.tier_rate.values()) + weights.urgency_rate
    head = max(weights.priority_base.values(), default=0.0) - min(
        weights.priority_base.values(), default=0.0
    )
    reach = head + top * newer_wait + weights.urgency_rate * weights.urgency_window
    return reach / weights.slowest_rate
