"""Queue position and expected wait, shown to the customer as a range.

Model: while every slot is busy, conversations end at about `service_rate` per second (slots on
shift over the recent mean handle time, taking the share of those agents' time this queue gets),
and tickets arriving with a higher priority take `ahead_rate` of that. A customer at position
`p` with `free` slots open waits for `p − free` departures, which for Poisson departures is a
Gamma(p − free, service_rate − ahead_rate) time; the shown range is its central quantiles, so
it widens for positions far back and narrows as the customer moves up. Simulation (see
`simulation.py` and bench/routing.py) checks how often actual waits land inside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

LOW_Q = 0.1
HIGH_Q = 0.9
_MIN_SHARE = 0.1  # arrivals ahead never take more than 90% of the capacity in the model


@dataclass(frozen=True)
class WaitEstimate:
    position: int  # 1: next to be served
    low: float  # seconds
    high: float  # seconds; inf when nobody who can take the ticket is on shift
    expected: float

    def as_dict(self) -> dict[str, float | int | None]:
        finite = math.isfinite(self.high)
        return {
            "position": self.position,
            "wait_low_seconds": round(self.low),
            "wait_high_seconds": round(self.high) if finite else None,
            "wait_expected_seconds": round(self.expected) if finite else None,
        }


def service_rate(slots: int, handle_times: Sequence[float], share: float = 1.0) -> float:
    """Conversations ended per second by `slots` busy slots with these recent handle times."""
    if slots <= 0 or not handle_times:
        return 0.0
    mean = sum(handle_times) / len(handle_times)
    return slots * share / mean if mean > 0 else 0.0


def gamma_quantile(shape: int, q: float) -> float:
    """Quantile of Gamma(shape, rate 1) for an integer shape ≥ 1 (the time of the shape-th
    event of a unit Poisson process)."""
    if shape < 1 or not 0 < q < 1:
        raise ValueError("shape ≥ 1 and 0 < q < 1")
    if shape == 1:
        return -math.log1p(-q)
    if shape > 40:  # Wilson–Hilferty, accurate to a fraction of a percent here
        z = NormalDist().inv_cdf(q)
        c = 1.0 / (9.0 * shape)
        return shape * (1.0 - c + z * math.sqrt(c)) ** 3
    lo, hi = 0.0, shape + 10.0 * math.sqrt(shape) + 10.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _erlang_cdf(shape, mid) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _erlang_cdf(shape: int, x: float) -> float:
    """P(Gamma(shape, 1) ≤ x) = P(Poisson(x) ≥ shape)."""
    term = math.exp(-x)
    total = term
    for i in range(1, shape):
        term *= x / i
        total += term
    return max(0.0, 1.0 - total)


def estimate_wait(
    position: int,
    free_slots: int,
    rate: float,
    ahead_rate: float = 0.0,
    low_q: float = LOW_Q,
    high_q: float = HIGH_Q,
) -> WaitEstimate:
    """The range of waits for a customer at `position` (1-based)."""
    if position < 1:
        raise ValueError("positions start at 1")
    needed = position - max(free_slots, 0)
    if needed <= 0:
        return WaitEstimate(position, 0.0, 0.0, 0.0)
    if rate <= 0:
        return WaitEstimate(position, 0.0, math.inf, math.inf)
    effective = max(rate - ahead_rate, _MIN_SHARE * rate)
    return WaitEstimate(
        position,
        gamma_quantile(needed, low_q) / effective,
        gamma_quantile(needed, high_q) / effective,
        needed / effective,
    )


def wait_error(expected: float, actual: float) -> float:
    """The model's error for one served customer: log(actual / expected), a wait under a
    second counting as one second."""
    return math.log(max(actual, 1.0) / expected)


class WaitCalibrator:
    """Keeps the shown range honest: it learns how actual waits stray from the model.

    For each customer served it records `log(actual / expected)`, the model's error. The range
    shown next is the expected wait times the central `level` of recent errors: a split-conformal
    interval that adapts when the day turns (a surge, agents leaving, customers ahead giving up)
    instead of trusting the model's own quantiles, whose spread assumes the model is right. (In
    simulation the error is dominated by bias that does not shrink with the position, so it is
    not scaled by it.) Until `warm` waits have been seen it shows the model's quantiles.
    """

    def __init__(self, size: int = 400, level: float = 0.85, warm: int = 30) -> None:
        if not 0 < level < 1:
            raise ValueError("level is a share in (0, 1)")
        self.size = size
        self.level = level
        self.warm = warm
        self._errors: list[float] = []

    def __len__(self) -> int:
        return len(self._errors)

    @classmethod
    def from_errors(
        cls, errors: Sequence[float], size: int = 400, level: float = 0.85, warm: int = 30
    ) -> WaitCalibrator:
        """A calibrator that has seen these errors (`wait_error` of served customers, oldest
        first), e.g. read back from the database."""
        calibrator = cls(size, level, warm)
        for error in errors[-size:]:
            calibrator.observe_error(error)
        return calibrator

    def observe_error(self, error: float) -> None:
        self._errors.append(error)
        if len(self._errors) > self.size:
            del self._errors[0]

    def observe(self, shown: WaitEstimate, actual: float, free_slots: int = 0) -> None:
        needed = shown.position - max(free_slots, 0)
        if needed <= 0 or not math.isfinite(shown.expected) or shown.expected <= 0:
            return
        self.observe_error(wait_error(shown.expected, actual))

    def estimate(
        self, position: int, free_slots: int, rate: float, ahead_rate: float = 0.0
    ) -> WaitEstimate:
        model = estimate_wait(position, free_slots, rate, ahead_rate)
        if len(self._errors) < self.warm or model.high == 0 or not math.isfinite(model.high):
            return model
        ordered = sorted(self._errors)
        tail = (1 - self.level) / 2
        low = ordered[int(tail * (len(ordered) - 1))]
        high = ordered[math.ceil((1 - tail) * (len(ordered) - 1))]
        return WaitEstimate(
            position,
            model.expected * math.exp(low),
            model.expected * math.exp(high),
            model.expected,
        )
