"""The discrete-event model against Erlang C and Erlang A, and routing policies compared."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kefu.cli.main import app
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


languages = st.sampled_from(["en", "ja", "zh", "es"])
agent_lists = st.lists(
    st.frozensets(languages, min_size=1, max_size=3), min_size=1, max_size=8
).map(lambda sets: [Agent(i + 1, s) for i, s in enumerate(sets)])
contact_lists = st.lists(
    st.tuples(languages, st.floats(min_value=0, max_value=1e4)), max_size=10
).map(lambda rows: [Contact(i + 1, lang, t, 60.0, 60.0) for i, (lang, t) in enumerate(rows)])


@given(agent_lists, contact_lists)
def test_policies_pick_from_what_they_are_offered(
    agents: list[Agent], waiting: list[Contact]
) -> None:
    for policy in (Fifo(), LanguagePriority(agents)):
        for agent in agents:
            eligible = [c for c in waiting if c.language in agent.languages]
            picked = policy.pick_contact(agent, eligible)
            assert (picked is None) == (not eligible)
            assert picked is None or picked in eligible
        for contact in waiting:
            idle = [a for a in agents if contact.language in a.languages]
            chosen = policy.pick_agent(contact, idle)
            assert (chosen is None) == (not idle)
            assert chosen is None or chosen in idle
    priority = LanguagePriority(agents)
    for contact in waiting:
        idle = [a for a in agents if contact.language in a.languages]
        chosen = priority.pick_agent(contact, idle)
        if chosen is not None:
            assert len(chosen.languages) == min(len(a.languages) for a in idle)


def test_simulate_cli_compares_policies() -> None:
    args = ["wfm", "simulate", "--arrivals", "en=200", "--arrivals", "ja=40"]
    args += ["--agents", "en=8", "--agents", "en+ja=3", "--aht-seconds", "120"]
    args += ["--patience-seconds", "300", "--hours", "20", "--seed", "3", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"fifo", "language_priority"}
    assert set(out["fifo"]["languages"]) == {"en", "ja"}
    assert out["fifo"]["languages"]["ja"]["offered"] > 500
    bad = CliRunner().invoke(app, [*args[:-1], "--policy", "random"])
    assert bad.exit_code == 2
    assert "unknown policy" in bad.output
    worse = CliRunner().invoke(
        app, ["wfm", "simulate", "--arrivals", "en=x", "--agents", "en=1", "--aht-seconds", "60"]
    )
    assert worse.exit_code == 2
