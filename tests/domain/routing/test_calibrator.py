"""The wait calibrator widens or shifts the shown range to what recent waits were."""

from __future__ import annotations

import math

import pytest

from kefu.domain.routing.estimate import WaitCalibrator, estimate_wait


def test_calibrator_learns_a_biased_model() -> None:
    calibrator = WaitCalibrator(size=100, level=0.8, warm=10)
    rate = 0.01  # model: 100 s per position
    assert calibrator.estimate(5, 0, rate) == estimate_wait(5, 0, rate)  # cold: the model
    for i in range(100):
        shown = calibrator.estimate(5, 0, rate)
        calibrator.observe(shown, 2 * shown.expected * (0.9 + 0.2 * (i % 10) / 9))
    assert len(calibrator) == 100
    shown = calibrator.estimate(5, 0, rate)
    # Actual waits were 1.8–2.2 times the model's 500 s: the range moves there.
    assert 850 <= shown.low <= 950
    assert 1050 <= shown.high <= 1150
    assert calibrator.estimate(2, 5, rate).high == 0  # a free slot: no wait
    assert math.isinf(calibrator.estimate(2, 0, 0.0).high)  # nobody on shift
    with pytest.raises(ValueError, match="level"):
        WaitCalibrator(level=1.0)
