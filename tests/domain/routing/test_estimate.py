"""Wait ranges: the Gamma quantiles behind them, and their accuracy in simulation."""

from __future__ import annotations

import math
import random

import pytest

from kefu.domain.routing.estimate import estimate_wait, gamma_quantile, service_rate
from kefu.domain.routing.simulation import DayConfig, quantile, simulate_day


def test_gamma_quantile_matches_sampling() -> None:
    rng = random.Random(5)
    for shape in (1, 3, 12, 60):
        draws = sorted(sum(rng.expovariate(1.0) for _ in range(shape)) for _ in range(4000))
        for q in (0.1, 0.5, 0.9):
            assert gamma_quantile(shape, q) == pytest.approx(draws[int(q * 4000)], rel=0.06)
    # The two methods agree where they meet.
    assert gamma_quantile(40, 0.9) == pytest.approx(gamma_quantile(41, 0.9) - 1, rel=0.02)
    with pytest.raises(ValueError, match="shape"):
        gamma_quantile(0, 0.5)


def test_estimate_range_grows_with_position_and_shrinks_with_staff() -> None:
    rate = service_rate(slots=30, handle_times=[600.0] * 10)
    assert rate == pytest.approx(0.05)
    near, far = estimate_wait(2, 0, rate), estimate_wait(20, 0, rate)
    assert 0 < near.low < near.expected < near.high < far.high
    more = estimate_wait(20, 0, service_rate(60, [600.0]))
    assert more.high < far.high
    assert estimate_wait(3, 5, rate).high == 0  # a free slot is waiting for this customer
    closed = estimate_wait(3, 0, 0.0)
    assert math.isinf(closed.high)
    assert closed.as_dict()["wait_high_seconds"] is None
    assert service_rate(0, [600.0]) == 0 == service_rate(3, [])
    with pytest.raises(ValueError, match="positions"):
        estimate_wait(0, 0, rate)


def test_a_simulated_day_is_reproducible_and_favours_vips_over_fifo() -> None:
    config = DayConfig(contacts=2500, agents_per_language={"en": 4, "zh": 2}, surge_start_hour=12,
                       languages={"en": 0.6, "zh": 0.4})  # fmt: skip
    kefu = simulate_day(config, "kefu", seed=2)
    again = simulate_day(config, "kefu", seed=2)
    fifo = simulate_day(config, "fifo", seed=2)
    assert [o.wait for o in kefu.outcomes] == [o.wait for o in again.outcomes]
    assert len(kefu.outcomes) == len(fifo.outcomes) > 2000
    vip = ("vip2", "vip3")
    kefu_vip = [w for t in vip for w in kefu.waits(t)]
    fifo_vip = [w for t in vip for w in fifo.waits(t)]
    assert quantile(kefu_vip, 0.9) < quantile(fifo_vip, 0.9)
    inside, shown = kefu.estimate_hits()
    assert shown > 0
    assert 0 <= inside <= shown
    assert 0 <= kefu.abandonment() <= 1
    assert 0 <= kefu.sla_attainment("standard") <= 1
