"""Erlang C and Erlang A: the published reference, limits, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.wfm.erlang import (
    StaffingError,
    agents_for_slots,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
    staff_erlang_a,
    staff_erlang_c,
    with_shrinkage,
)


def test_reference_mmn_12_agents() -> None:
    # M/M/12, 4.2 arrivals a minute, 2-minute handle time, 20-second target.
    m = erlang_c_metrics(12, 4.2 * 60, 120, 20)
    assert m.service_level == pytest.approx(0.90, abs=0.005)
    assert m.asa_seconds / 60 == pytest.approx(0.10, abs=0.005)
    assert m.occupancy == pytest.approx(0.70)


def test_erlang_b_and_c_small_cases_by_hand() -> None:
    # One server: B = a / (1 + a), C = a.
    assert erlang_b(1, 0.5) == pytest.approx(0.5 / 1.5)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    # Two servers, a = 1: B = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2B / (2 - a(1 - B)) = 1/3.
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 3.0) == 1.0  # unstable


def test_thousands_of_erlangs_stay_finite() -> None:
    m = staff_erlang_c(
        arrivals_per_hour=60_000, aht_seconds=180, target_seconds=20, target_level=0.8
    )
    assert 3000 < m.agents < 3100
    assert 0.8 <= m.service_level < 0.82
    assert math.isfinite(m.asa_seconds)
    previous = erlang_c_metrics(m.agents - 1, 60_000, 180, 20)
    assert previous.service_level < 0.8  # it is the least


def test_staffing_respects_max_occupancy() -> None:
    loose = staff_erlang_c(600, 180, 60, 0.5)
    capped = staff_erlang_c(600, 180, 60, 0.5, max_occupancy=0.7)
    assert capped.agents > loose.agents
    assert capped.occupancy <= 0.7


def test_erlang_a_tends_to_erlang_c_with_endless_patience() -> None:
    c = erlang_c_metrics(12, 252, 120, 20)
    a = erlang_a_metrics(12, 252, 120, 1e9, 20)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
    assert a.abandonment < 1e-6


def test_erlang_a_single_agent_closed_form() -> None:
    # M/M/1+M with patience equal to handle time: the chain is M/M/inf-like above one,
    # P(j waiting) / P(1 busy) = a^j / (j+1)! ... checked against a direct sum.
    lam, mu, theta = 1 / 60, 1 / 60, 1 / 60
    terms = [1.0]
    for j in range(1, 60):
        terms.append(terms[-1] * lam / (mu + j * theta))
    p_busy = 1.0 / (1.0 + sum(terms))  # P(0 in system) relative weight 1 (a = 1)
    p_queue = [t * p_busy for t in terms]
    mean_queue = sum(j * p for j, p in enumerate(p_queue))
    m = erlang_a_metrics(1, 60, 60, 60, 0)
    assert m.p_wait == pytest.approx(sum(p_queue))
    assert m.abandonment == pytest.approx(theta * mean_queue / lam)
    assert m.service_level == pytest.approx(1 - sum(p_queue))  # target 0: only the unqueued


def test_erlang_a_staffs_below_the_offered_load_when_abandonment_allows() -> None:
    load = offered_load(3600, 300)  # 300 Erlangs
    m = staff_erlang_a(3600, 300, patience_seconds=60, target_seconds=60, target_level=0.5)
    assert m.agents < load
    c = staff_erlang_c(3600, 300, 60, 0.5)
    assert c.agents > load


def test_erlang_a_abandonment_cap_adds_agents() -> None:
    free = staff_erlang_a(360, 240, 90, 30, 0.6)
    capped = staff_erlang_a(360, 240, 90, 30, 0.6, max_abandonment=0.01)
    assert capped.agents >= free.agents
    assert capped.abandonment <= 0.01


def test_shrinkage_and_concurrency() -> None:
    assert with_shrinkage(10, 0.0) == 10
    assert with_shrinkage(10, 0.3) == 15  # 10 / 0.7 = 14.3
    assert with_shrinkage(7, 0.3) == 10
    assert agents_for_slots(7, 3) == 3
    assert agents_for_slots(6, 3) == 2
    with pytest.raises(StaffingError):
        with_shrinkage(10, 1.0)
    with pytest.raises(StaffingError):
        agents_for_slots(5, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrivals_per_hour": 0}, "arrivals per hour"),
        ({"aht_seconds": -1}, "aht seconds"),
        ({"target_level": 1.0}, "target level"),
        ({"target_seconds": -5}, "target seconds"),
        ({"max_occupancy": 0}, "max occupancy"),
    ],
)
def test_bad_inputs_are_refused(kwargs: dict[str, float], message: str) -> None:
    args: dict[str, float] = {
        "arrivals_per_hour": 100,
        "aht_seconds": 120,
        "target_seconds": 20,
        "target_level": 0.8,
    }
    args.update(kwargs)
    with pytest.raises(StaffingError, match=message):
        staff_erlang_c(**args)


loads = st.floats(min_value=0.1, max_value=300)
rates = st.floats(min_value=1, max_value=5000)
ahts = st.floats(min_value=10, max_value=900)
waits = st.floats(min_value=0, max_value=300)
patiences = st.floats(min_value=5, max_value=3600)


@settings(max_examples=60, deadline=None)
@given(rates, ahts, waits, st.integers(min_value=1, max_value=400))
def test_erlang_c_service_level_rises_with_agents(
    rate: float, aht: float, wait: float, agents: int
) -> None:
    a = erlang_c_metrics(agents, rate, aht, wait)
    b = erlang_c_metrics(agents + 1, rate, aht, wait)
    assert 0.0 <= a.p_wait <= 1.0
    assert 0.0 <= a.service_level <= 1.0
    assert b.service_level >= a.service_level - 1e-12
    assert b.asa_seconds <= a.asa_seconds


@settings(max_examples=40, deadline=None)
@given(rates, ahts, waits, patiences, st.integers(min_value=1, max_value=150))
def test_erlang_a_properties(
    rate: float, aht: float, wait: float, patience: float, agents: int
) -> None:
    m = erlang_a_metrics(agents, rate, aht, patience, wait)
    more_agents = erlang_a_metrics(agents + 1, rate, aht, patience, wait)
    more_patient = erlang_a_metrics(agents, rate, aht, patience * 2, wait)
    for x in (m, more_agents, more_patient):
        assert 0.0 <= x.p_wait <= 1.0 + 1e-9
        assert -1e-9 <= x.service_level <= 1.0 + 1e-9
        assert 0.0 <= x.abandonment <= 1.0 + 1e-9
        assert 0.0 <= x.occupancy <= 1.0
    assert more_agents.service_level >= m.service_level - 1e-9
    assert more_agents.abandonment <= m.abandonment + 1e-12
    assert more_patient.abandonment <= m.abandonment + 1e-12


@settings(max_examples=40, deadline=None)
@given(loads, st.floats(min_value=0.05, max_value=0.95), waits)
def test_staffing_is_the_least_meeting_the_target(load: float, level: float, wait: float) -> None:
    rate = load * 3600 / 120
    m = staff_erlang_c(rate, 120, wait, level)
    assert m.service_level >= level
    if m.agents > math.floor(load) + 1:
        assert erlang_c_metrics(m.agents - 1, rate, 120, wait).service_level < level


def test_extreme_inputs_are_bounded() -> None:
    # Near-endless patience with far too few agents: refused, not an endless sum.
    with pytest.raises(StaffingError, match="patience"):
        erlang_a_metrics(5, 3600, 120, 1e9, 20)
    # ... while staffing with it still finds the Erlang C answer.
    a = staff_erlang_a(3600, 120, 1e9, 20, 0.8)
    assert a.agents == staff_erlang_c(3600, 120, 20, 0.8).agents
    assert erlang_c_metrics(10**7, 3600, 120, 20).p_wait == 0.0  # quick: B underflows
    with pytest.raises(StaffingError, match="Erlangs"):
        offered_load(1e12, 120)
