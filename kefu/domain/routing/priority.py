"""The priority of a waiting ticket, and the keys that let a heap find the highest at any time.

    score(now) = base + rate(tier) · (now − enqueued_at) + urgency(now)

`base` is the priority's head start plus any boost. `urgency` is 0 until `deadline − window`,
then grows by `urgency_rate` a second until the deadline, after which it stays at
`breach_keep · urgency_rate · window`. So the score is piecewise linear in `now`, in three
phases:

1. before the window:  aging_key + rate · now
2. in the window:      urgent_key + (rate + urgency_rate) · now
3. after the deadline: breached_key + rate · now

Tickets of one tier in phases 1 and 3 share a slope, as do those in phase 2, so their order never
changes while they wait: one heap per slope, keyed on the constant part, finds the highest
exactly. A ticket moves between phases at known times (`phase_changes`).
"""

from __future__ import annotations

from kefu.domain.routing.model import WaitingTicket, Weights

AGING, URGENT, BREACHED = 1, 2, 3


def base(ticket: WaitingTicket, weights: Weights) -> float:
    return weights.base(ticket.priority) + ticket.boost


def _window(ticket: WaitingTicket, weights: Weights) -> tuple[float, float] | None:
    if ticket.deadline is None or weights.urgency_rate == 0:
        return None
    return ticket.deadline - weights.urgency_window, ticket.deadline


def urgency(ticket: WaitingTicket, now: float, weights: Weights) -> float:
    window = _window(ticket, weights)
    if window is None or now <= window[0]:
        return 0.0
    if now < window[1]:
        return weights.urgency_rate * (now - window[0])
    return weights.breach_keep * weights.urgency_rate * (window[1] - window[0])


def score(ticket: WaitingTicket, now: float, weights: Weights) -> float:
    aged = base(ticket, weights) + weights.rate(ticket.tier) * (now - ticket.enqueued_at)
    return aged + urgency(ticket, now, weights)


def phase(ticket: WaitingTicket, now: float, weights: Weights) -> int:
    window = _window(ticket, weights)
    if window is None or now < window[0]:
        return AGING
    return URGENT if now < window[1] else BREACHED


def phase_changes(ticket: WaitingTicket, weights: Weights) -> tuple[float, float] | None:
    """When the ticket enters its urgency window and when its deadline passes."""
    return _window(ticket, weights)


def key(ticket: WaitingTicket, which: int, weights: Weights) -> float:
    """The constant part of the score in a phase: score = key + slope · now."""
    aging = base(ticket, weights) - weights.rate(ticket.tier) * ticket.enqueued_at
    if which == AGING:
        return aging
    window = _window(ticket, weights)
    assert window is not None
    if which == URGENT:
        return aging - weights.urgency_rate * window[0]
    return aging + weights.breach_keep * weights.urgency_rate * (window[1] - window[0])


def starvation_bound(weights: Weights, newer_wait: float) -> float:
    """A wait after which a ticket outranks every ticket that has waited at most `newer_wait`,
    whatever their tier, priority or deadline (boosts beyond the priority table excepted).

    The slowest-growing ticket gains `slowest_rate` per second; any other gains at most
    `max_rate + urgency_rate` a second, starts at most the priority table's spread up, and its
    urgency never exceeds `urgency_rate · urgency_window`.
    """
    fastest = max(weights.tier_rate.values())
    head = max(weights.priority_base.values(), default=0.0) - min(
        weights.priority_base.values(), default=0.0
    )
    reach = head + fastest * newer_wait + weights.urgency_rate * weights.urgency_window
    return reach / weights.slowest_rate
