"""The discrete-event model against Erlang C and Erlang A, and routing policies compared."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from kefu.wfm.erlang import erlang_a_metrics, erlang_c_metrics
from kefu.wfm.simulation import (
    Agent,
    Contact,
    Fifo,
    LanguagePriority,
    Scenario,
    pools,
    simulate,
)


def test_simulated_service_level_matches_erlang_c() -> None:
    scenario = Scenario({"en": 252}, pools({("en",): 12}), aht_seconds=120, hours=150)
    result = simulate(scenario, Fifo(), seed=11)
    expected = erlang_c_metrics(12, 252, 120, 20)
    overall = result.overall
    assert overall.offered > 30_000
    assert overall.service_level == pytest.approx(expected.service_level, abs=0.025)
    assert overall.asa_seconds == pytest.approx(expected.asa_seconds, rel=0.3)
    assert result.occupancy == pytest.approx(expected.occupancy, abs=0.02)
    assert overall.abandoned == 0


def test_simulated_abandonment_matches_erlang_a() -> None:
    scenario = Scenario(
        {"en": 300}, pools({("en",): 10}), aht_seconds=120, patience_seconds=90, hours=150
    )
    result = simulate(scenario, Fifo(), seed=5)
    expected = erlang_a_metrics(10, 300, 120, 90, 20)
    overall = result.overall
    assert overall.abandonment == pytest.approx(expected.abandonment, abs=0.012)
    assert overall.service_level == pytest.approx(expected.service_level, abs=0.03)
    assert result.occupancy == pytest.approx(expected.occupancy, abs=0.02)


def _mixed() -> Scenario:
    # English has its own agents; Japanese is served only by the bilingual ones.
    agents = pools({("en",): 8, ("en", "ja"): 3})
    return Scenario({"en": 200, "ja": 40}, agents, aht_seconds=120, patience_seconds=300, hours=60)


def test_language_priority_protects_the_rare_language() -> None:
    scenario = _mixed()
    fifo = simulate(scenario, Fifo(), seed=3)
    priority = simulate(scenario, LanguagePriority(scenario.agents), seed=3)
    assert priority.by_language["ja"].service_level > fifo.by_language["ja"].service_level + 0.05
    # ... at little cost to English.
    assert priority.by_language["en"].service_level > fifo.by_language["en"].service_level - 0.02
    assert fifo.by_language["ja"].offered > 1500


def test_a_policy_is_a_plain_object() -> None:
    class NeverFrench:
        def pick_agent(self, contact: Contact, idle: Sequence[Agent]) -> Agent | None:
            return None if contact.language == "fr" or not idle else idle[0]

        def pick_contact(self, agent: Agent, waiting: Sequence[Contact]) -> Contact | None:
            rest = [c for c in waiting if c.language != "fr"]
            return rest[0] if rest else None

    agents = pools({("en", "fr"): 4})
    scenario = Scenario({"en": 60, "fr": 20}, agents, 120, patience_seconds=60, hours=10)
    result = simulate(scenario, NeverFrench(), seed=1)
    french = result.by_language["fr"]
    assert french.offered > 100
    assert french.answered == 0
    assert (
        french.offered - 3 <= french.abandoned <= french.offered
    )  # a few still waiting at the end
    assert result.by_language["en"].answered > 0
