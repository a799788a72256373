"""A ticket's SLA clocks, replayed from its history: messages and status changes.

- First response: runs from creation until the first reply to the customer.
- Next response: after that, runs from a customer message that is waiting for a reply until the
  reply; the latest one is reported.
- Resolution: runs from creation until solved or closed, and again if the ticket is reopened.
- Every running clock pauses while the ticket is `pending` (waiting on the customer).

Replaying instead of mutating stored clocks keeps one source of truth: whatever changed the
ticket, the clocks follow from what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from kefu.domain.routing.schedule import Schedule
from kefu.domain.routing.sla import SlaClock, SlaMetric, SlaRule

WAITING_ON_CUSTOMER = frozenset({"pending"})
DONE = frozenset({"solved", "closed"})


@dataclass(frozen=True)
class History:
    created_at: datetime
    messages: Sequence[tuple[datetime, str]]  # (at, "inbound" | "outbound"); notes left out
    statuses: Sequence[tuple[datetime, str]]  # (at, new status)


def replay(
    history: History, rule: SlaRule, calendar: Schedule, warn_at: float = 0.8
) -> dict[SlaMetric, SlaClock]:
    created = history.created_at
    clocks: dict[SlaMetric, SlaClock] = {}
    for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.RESOLUTION):
        target = rule.target(metric)
        if target is not None:
            clocks[metric] = SlaClock.start(metric, target, calendar, created, warn_at)
    next_target = rule.target(SlaMetric.NEXT_RESPONSE)
    events: list[tuple[datetime, int, str, str]] = [
        (at, 1, "status", status) for at, status in history.statuses
    ] + [(at, 0, "message", direction) for at, direction in history.messages]
    answered = False
    paused = False
    for at, _, kind, value in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == "message" and value == "outbound":
            for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.NEXT_RESPONSE):
                if metric in clocks:
                    clocks[metric] = clocks[metric].stop(at)
            answered = True
        elif kind == "message" and value == "inbound" and answered and next_target is not None:
            current = clocks.get(SlaMetric.NEXT_RESPONSE)
            if current is None or current.stopped_at is not None:
                started = SlaClock.start(
                    SlaMetric.NEXT_RESPONSE, next_target, calendar, at, warn_at
                )
                clocks[SlaMetric.NEXT_RESPONSE] = started.pause(at) if paused else started
        elif kind == "status":
            if value in WAITING_ON_CUSTOMER and not paused:
                clocks = {m: c.pause(at) for m, c in clocks.items()}
                paused = True
            elif value not in WAITING_ON_CUSTOMER and paused:
                clocks = {m: c.resume(at) for m, c in clocks.items()}
                paused = False
            resolution = clocks.get(SlaMetric.RESOLUTION)
            if resolution is not None:
                if value in DONE:
                    clocks[SlaMetric.RESOLUTION] = resolution.stop(at)
                elif resolution.stopped_at is not None:  # reopened: the clock runs on
                    clocks[SlaMetric.RESOLUTION] = replace(
                        resolution, stopped_at=None, since=None if paused else at
                    )
    return clocks
