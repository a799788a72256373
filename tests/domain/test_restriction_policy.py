from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kefu.domain.restriction_policy import (
    DEFAULT,
    Level,
    Restriction,
    check,
    current,
    lift,
    on_violation,
    unrestricted,
)

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class PolicyMachine(RuleBasedStateMachine):
    """Random violations, quiet time and reviews: the level only moves as the policy says."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.r = unrestricted(T0)

    @rule(seconds=st.floats(min_value=0, max_value=4 * 3600))
    def wait(self, seconds: float) -> None:
        before = current(self.r, self.now).level
        self.now += timedelta(seconds=seconds)
        after = current(self.r, self.now).level
        assert after <= before  # time only ever lowers a level …
        if before == Level.BLOCKED:
            assert after == Level.BLOCKED  # … and never lifts a block

    @rule(severe=st.booleans())
    def violation(self, severe: bool) -> None:
        before = current(self.r, self.now)
        self.r = on_violation(self.r, self.now, severe=severe)
        after = self.r.level
        step = after - before.level
        assert step in ((0, 1, 2) if severe else (0, 1))
        if after == Level.BLOCKED and before.level != Level.BLOCKED:
            assert before.level == Level.MUTED  # never skips the mute on the way to a block
        if step == 0 and before.level != Level.BLOCKED:
            # No rise only inside the grace period after the last rise.
            assert before.raised_at is not None
            assert self.now - before.raised_at < timedelta(seconds=DEFAULT.grace_seconds)
        if step > 0:
            assert self.r.raised_at == self.now

    @rule()
    def review(self) -> None:
        self.r = lift(self.r, self.now)
        assert current(self.r, self.now).level == Level.NONE

    @rule(seconds=st.floats(min_value=0, max_value=120))
    def message(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        verdict = check(self.r, self.now)
        level = current(self.r, self.now).level
        assert verdict.level == level
        expected = {Level.BLOCKED: "blocked", Level.MUTED: "muted"}.get(level)
        if expected:
            assert verdict.outcome == expected
        elif level != Level.SLOW:
            assert verdict.outcome == "ok"
        if verdict.retry_at is not None:
            assert verdict.retry_at > self.now
        self.r = Restriction(self.r.level, self.r.since, self.r.raised_at, last_message_at=self.now)

    @invariant()
    def level_in_range(self) -> None:
        assert Level.NONE <= current(self.r, self.now).level <= Level.BLOCKED


TestPolicyMachine = PolicyMachine.TestCase
TestPolicyMachine.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


def test_escalation_ladder_and_grace() -> None:
    r = unrestricted(T0)
    levels = []
    t = T0
    for _ in range(5):
        r = on_violation(r, t)
        levels.append(r.level)
        t += timedelta(seconds=DEFAULT.grace_seconds + 1)
    assert levels == [Level.WARNING, Level.SLOW, Level.MUTED, Level.BLOCKED, Level.BLOCKED]
    # A burst inside the grace period counts once.
    burst = unrestricted(T0)
    for i in range(10):
        burst = on_violation(burst, T0 + timedelta(seconds=i))
    assert burst.level == Level.WARNING


def test_severe_skips_one_level_but_never_the_mute() -> None:
    r = on_violation(unrestricted(T0), T0, severe=True)
    assert r.level == Level.SLOW
    later = T0 + timedelta(minutes=5)
    r = on_violation(r, later, severe=True)
    assert r.level == Level.MUTED  # not a block: a block follows a mute
    r = on_violation(r, later + timedelta(minutes=2), severe=True)
    assert r.level == Level.BLOCKED


def test_mute_ends_and_levels_decay() -> None:
    r = Restriction(Level.MUTED, T0, T0)
    verdict = check(r, T0 + timedelta(minutes=1))
    assert verdict.outcome == "muted"
    assert verdict.retry_at == T0 + timedelta(seconds=DEFAULT.mute_seconds)
    assert current(r, verdict.retry_at).level == Level.SLOW
    quiet = timedelta(seconds=DEFAULT.mute_seconds + DEFAULT.slow_seconds + DEFAULT.warning_seconds)
    assert current(r, T0 + quiet).level == Level.NONE
    blocked = Restriction(Level.BLOCKED, T0, T0)
    assert current(blocked, T0 + timedelta(days=30)).level == Level.BLOCKED
    assert lift(blocked, T0).level == Level.NONE


@given(st.floats(min_value=0, max_value=30))
def test_slow_mode_spaces_messages(gap: float) -> None:
    r = Restriction(Level.SLOW, T0, T0, last_message_at=T0)
    verdict = check(r, T0 + timedelta(seconds=gap))
    if gap < DEFAULT.slow_interval_seconds:
        assert verdict.outcome == "slowed"
        assert verdict.retry_at == T0 + timedelta(seconds=DEFAULT.slow_interval_seconds)
    else:
        assert verdict.outcome == "ok"
