"""SLA clocks replayed from a ticket's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kefu.domain.routing.schedule import Schedule
from kefu.domain.routing.sla import SlaMetric, SlaRule, SlaState
from kefu.domain.routing.sla_replay import History, replay

T0 = datetime(2026, 11, 23, 9, tzinfo=UTC)
RULE = SlaRule(timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=8))
ALWAYS = Schedule.around_the_clock()


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_first_response_met_then_next_response_runs() -> None:
    history = History(
        T0,
        messages=[(T0, "inbound"), (m(5), "outbound"), (m(20), "inbound")],
        statuses=[(m(5), "open")],
    )
    clocks = replay(history, RULE, ALWAYS)
    assert clocks[SlaMetric.FIRST_RESPONSE].state(m(60)) == SlaState.MET
    nxt = clocks[SlaMetric.NEXT_RESPONSE]
    assert nxt.deadline() == m(50)
    assert nxt.state(m(45)) == SlaState.WARNING
    assert nxt.state(m(50)) == SlaState.BREACHED
    assert clocks[SlaMetric.RESOLUTION].state(m(60)) == SlaState.OK


def test_unanswered_ticket_breaches_first_response() -> None:
    clocks = replay(History(T0, [(T0, "inbound")], []), RULE, ALWAYS)
    first = clocks[SlaMetric.FIRST_RESPONSE]
    assert first.deadline() == m(10)
    assert first.state(m(11)) == SlaState.BREACHED
    assert SlaMetric.NEXT_RESPONSE not in clocks


def test_pending_pauses_and_reopening_resumes_resolution() -> None:
    history = History(
        T0,
        messages=[(T0, "inbound"), (m(2), "outbound")],
        statuses=[(m(2), "pending"), (m(62), "open"), (m(70), "solved"), (m(100), "open")],
    )
    clocks = replay(history, RULE, ALWAYS)
    resolution = clocks[SlaMetric.RESOLUTION]
    # 2 min before pending, 8 min open, then reopened at 100: 10 minutes used by then.
    assert resolution.used(m(100)) == 10 * 60
    assert resolution.running
    assert resolution.deadline() == m(100) + timedelta(hours=8, minutes=-10)
    # A customer message while pending starts a paused next-response clock.
    waiting = History(
        T0,
        messages=[(m(1), "outbound"), (m(3), "inbound")],
        statuses=[(m(2), "pending")],
    )
    assert replay(waiting, RULE, ALWAYS)[SlaMetric.NEXT_RESPONSE].state(m(90)) == SlaState.PAUSED
