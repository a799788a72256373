"""A discrete-event model of the contact center (SimPy), to validate staffing and compare policies.

Contacts arrive per language as Poisson streams, wait for an agent who speaks their language,
and hang up after an exponential patience (or never). Agents may speak several languages.
Who takes what is decided by a :class:`RoutingPolicy`, a plain object with two methods, so
kefu's own routing can be plugged in beside the built-in FIFO and language-priority ones:

- ``pick_agent(contact, idle_agents)``: an arriving contact is offered to the idle agents who
  speak its language, longest idle first; return one, or ``None`` to queue it;
- ``pick_contact(agent, waiting)``: an agent who becomes free sees the waiting contacts in
  its languages, oldest first; return one, or ``None`` to stay idle.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Agent:
    agent_id: int
    languages: frozenset[str]


@dataclass
class Contact:
    contact_id: int
    language: str
    arrived: float
    handle_seconds: float
    patience_seconds: float
    answered: Any = None  # the SimPy event triggered with the agent who answers


class RoutingPolicy(Protocol):
    """Declared extension point for routing in the simulator."""

    def pick_agent(self, contact: Contact, idle: Sequence[Agent]) -> Agent | None: ...

    def pick_contact(self, agent: Agent, waiting: Sequence[Contact]) -> Contact | None: ...


class Fifo:
    """Oldest contact first, to the agent idle the longest who speaks its language."""

    def pick_agent(self, contact: Contact, idle: Sequence[Agent]) -> Agent | None:
        return idle[0] if idle else None

    def pick_contact(self, agent: Agent, waiting: Sequence[Contact]) -> Contact | None:
        return waiting[0] if waiting else None


class LanguagePriority:
    """Keep multilingual agents for the languages few agents speak.

    An arriving contact goes to the idle agent with the fewest languages; a free agent takes
    the oldest contact of its rarest language (the one the fewest agents speak) first.
    """

    def __init__(self, agents: Sequence[Agent]) -> None:
        self.speakers: dict[str, int] = {}
        for agent in agents:
            for language in agent.languages:
                self.speakers[language] = self.speakers.get(language, 0) + 1

    def pick_agent(self, contact: Contact, idle: Sequence[Agent]) -> Agent | None:
        return min(idle, key=lambda a: (len(a.languages), a.agent_id)) if idle else None

    def pick_contact(self, agent: Agent, waiting: Sequence[Contact]) -> Contact | None:
        if not waiting:
            return None
        return min(waiting, key=lambda c: (self.speakers.get(c.language, 0), c.arrived))


@dataclass(frozen=True)
class Scenario:
    """Rates per hour by language, agents with their languages, and the targets."""

    arrivals_per_hour: Mapping[str, float]
    agents: Sequence[Agent]
    aht_seconds: float
    patience_seconds: float | None = None  # None: nobody hangs up
    target_seconds: float = 20.0
    hours: float = 100.0
    warmup_hours: float = 1.0


@dataclass
class LanguageStats:
    offered: int = 0
    answered: int = 0
    answered_in_target: int = 0
    abandoned: int = 0
    total_wait: float = 0.0

    @property
    def service_level(self) -> float:
        """Answered within the target over offered (abandoned contacts count as failures)."""
        return self.answered_in_target / self.offered if self.offered else 1.0

    @property
    def abandonment(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0

    @property
    def asa_seconds(self) -> float:
        """Mean wait over all offered contacts (abandoned ones with the time they waited)."""
        return self.total_wait / self.offered if self.offered else 0.0


@dataclass
class SimulationResult:
    by_language: dict[str, LanguageStats] = field(default_factory=dict)
    occupancy: float = 0.0

    @property
    def overall(self) -> LanguageStats:
        out = LanguageStats()
        for s in self.by_language.values():
            out.offered += s.offered
            out.answered += s.answered
            out.answered_in_target += s.answered_in_target
            out.abandoned += s.abandoned
            out.total_wait += s.total_wait
        return out


def simulate(scenario: Scenario, policy: RoutingPolicy, seed: int = 0) -> SimulationResult:
    """Run ``scenario`` under ``policy``; statistics exclude contacts arriving in the warm-up."""
    return _Run(scenario, policy, random.Random(seed)).run()


class _Run:
    def __init__(self, scenario: Scenario, policy: RoutingPolicy, rng: random.Random) -> None:
        import simpy

        self.env = simpy.Environment()
        self.s = scenario
        self.policy = policy
        self.rng = rng
        self.idle: list[Agent] = sorted(scenario.agents, key=lambda a: a.agent_id)
        self.waiting: list[Contact] = []
        languages = scenario.arrivals_per_hour
        self.result = SimulationResult({language: LanguageStats() for language in languages})
        self.busy_seconds = 0.0
        self.warmup = scenario.warmup_hours * 3600.0
        self.end = self.warmup + scenario.hours * 3600.0
        self._ids = 0

    def run(self) -> SimulationResult:
        for language, rate in self.s.arrivals_per_hour.items():
            if rate > 0:
                self.env.process(self._arrivals(language, rate / 3600.0))
        self.env.run(until=self.end)
        agents = max(1, len(self.s.agents))
        self.result.occupancy = self.busy_seconds / (agents * (self.end - self.warmup))
        return self.result

    def _arrivals(self, language: str, rate: float) -> Any:
        while True:
            yield self.env.timeout(self.rng.expovariate(rate))
            self._ids += 1
            patience = self.s.patience_seconds
            contact = Contact(
                self._ids,
                language,
                self.env.now,
                self.rng.expovariate(1.0 / self.s.aht_seconds),
                self.rng.expovariate(1.0 / patience) if patience else float("inf"),
                self.env.event(),
            )
            self.env.process(self._contact(contact))

    def _counted(self, contact: Contact) -> LanguageStats | None:
        return self.result.by_language[contact.language] if contact.arrived >= self.warmup else None

    def _contact(self, contact: Contact) -> Any:
        stats = self._counted(contact)
        if stats:
            stats.offered += 1
        speakers = [a for a in self.idle if contact.language in a.languages]
        agent = self.policy.pick_agent(contact, speakers)
        if agent is None:
            self.waiting.append(contact)
            if contact.patience_seconds == float("inf"):
                agent = yield contact.answered
            else:
                outcome = yield contact.answered | self.env.timeout(contact.patience_seconds)
                if contact.answered not in outcome:
                    self.waiting.remove(contact)
                    if stats:
                        stats.abandoned += 1
                        stats.total_wait += self.env.now - contact.arrived
                    return
                agent = outcome[contact.answered]
        else:
            self.idle.remove(agent)
        wait = self.env.now - contact.arrived
        if stats:
            stats.answered += 1
            stats.total_wait += wait
            stats.answered_in_target += wait <= self.s.target_seconds
        yield self.env.timeout(contact.handle_seconds)
        start = max(self.env.now - contact.handle_seconds, self.warmup)
        self.busy_seconds += max(0.0, min(self.env.now, self.end) - start)
        self._free(agent)

    def _free(self, agent: Agent) -> None:
        eligible = [c for c in self.waiting if c.language in agent.languages]
        contact = self.policy.pick_contact(agent, eligible)
        if contact is None:
            self.idle.append(agent)  # idle agents stay in the order they became free
            return
        self.waiting.remove(contact)
        contact.answered.succeed(agent)


def pools(counts: Mapping[tuple[str, ...], int]) -> list[Agent]:
    """Agents from counts per language set, e.g. ``{("en",): 10, ("en", "zh"): 3}``."""
    out: list[Agent] = []
    for languages, count in counts.items():
        for _ in range(count):
            out.append(Agent(len(out) + 1, frozenset(languages)))
    return out
