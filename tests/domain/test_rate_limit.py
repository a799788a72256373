"""TokenBucket: never more than the burst plus the rate times the time that passed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.domain.rate_limit import TokenBucket

rates = st.floats(min_value=0.01, max_value=100.0)
bursts = st.integers(min_value=1, max_value=50).map(float)
times = st.floats(min_value=0.0, max_value=1000.0)
EPSILON = 1e-6  # float rounding in the refill sums


@settings(max_examples=300, deadline=None)
@given(rates, bursts, st.lists(times, min_size=1, max_size=200))
def test_never_more_than_burst_plus_refill(rate: float, burst: float, stamps: list[float]) -> None:
    stamps.sort()
    bucket = TokenBucket(rate, burst)
    allowed: list[float] = [t for t in stamps if bucket.allow(t)]
    # Over every window of calls, not just the whole run.
    for i, start in enumerate(allowed):
        for j in range(i, len(allowed)):
            assert j - i + 1 <= burst + rate * (allowed[j] - start) + EPSILON


@settings(max_examples=200, deadline=None)
@given(rates, bursts, times)
def test_a_full_bucket_allows_exactly_the_burst(rate: float, burst: float, start: float) -> None:
    bucket = TokenBucket(rate, burst)
    assert sum(bucket.allow(start) for _ in range(int(burst) + 5)) == int(burst)
    # Rested long enough, the whole burst is there again, and no more.
    later = start + burst / rate + 1.0
    assert sum(bucket.allow(later) for _ in range(int(burst) + 5)) == int(burst)


@settings(max_examples=200, deadline=None)
@given(rates, bursts, times)
def test_refused_calls_cost_nothing(rate: float, burst: float, start: float) -> None:
    bucket = TokenBucket(rate, burst)
    for _ in range(int(burst)):
        assert bucket.allow(start)
    for _ in range(100):
        assert not bucket.allow(start)
    assert bucket.allow(start + 1.0 / rate + 1e-6)


def test_cost() -> None:
    bucket = TokenBucket(rate=1.0, burst=10.0)
    assert bucket.allow(0.0, cost=10.0)
    assert not bucket.allow(0.0, cost=1.0)
    assert not bucket.allow(4.0, cost=5.0)
    assert bucket.allow(5.0, cost=5.0)
    assert not bucket.allow(100.0, cost=11.0)  # more than the bucket ever holds


def test_a_clock_swinging_back_and_forth() -> None:
    bucket = TokenBucket(rate=1.0, burst=1.0)
    allowed = sum(bucket.allow(t) for t in [1.0, 0.0] * 50)
    assert allowed <= 1 + 1.0 * (1.0 - 0.0)
