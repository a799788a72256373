"""A day of chats in a contact centre, to compare routing policies and check wait estimates.

Discrete-event and deterministic for a seed: customers arrive (Poisson, with an hourly profile
and an optional surge), wait in the routing queue, abandon when their patience runs out, and are
served by agents with languages, skills and concurrent-chat capacity. The same routing core the
desk uses decides; "fifo" is that core with every tier alike, no priority head start and no
SLA urgency, i.e. oldest eligible first.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from kefu.domain.routing.agents import AgentPool
from kefu.domain.routing.estimate import WaitCalibrator, WaitEstimate, service_rate
from kefu.domain.routing.model import AgentState, WaitingTicket, Weights
from kefu.domain.routing.queue import BucketKey, WaitingQueue

CHAT = "web_chat"
FIFO_WEIGHTS = Weights(
    tier_rate={"standard": 1.0, "vip1": 1.0, "vip2": 1.0, "vip3": 1.0},
    priority_base={"low": 0.0, "normal": 0.0, "high": 0.0, "urgent": 0.0},
    urgency_window=0.0,
    urgency_rate=0.0,
)
# Share of daily contacts per hour of the day (UTC), a two-peak exchange profile.
NORMAL_PROFILE = (
    2.5, 2.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.0, 5.0, 4.5,
    4.5, 5.0, 5.5, 5.5, 5.0, 4.5, 4.0, 4.0, 3.5, 3.0, 3.0, 2.5,
)  # fmt: skip


@dataclass(frozen=True)
class DayConfig:
    contacts: int = 6000  # on a normal day
    surge_start_hour: float | None = None  # a market crash: arrivals multiplied …
    surge_hours: float = 3.0
    surge_factor: float = 3.0
    languages: Mapping[str, float] = field(
        default_factory=lambda: dict(en=0.45, zh=0.25, ja=0.1, ko=0.08, es=0.07, ru=0.05)
    )
    skills: Mapping[str, float] = field(
        default_factory=lambda: dict(general=0.35, payments=0.35, account=0.15, trading=0.15)
    )
    tiers: Mapping[str, float] = field(
        default_factory=lambda: {"standard": 0.9, "vip1": 0.06, "vip2": 0.03, "vip3": 0.01}
    )
    sla_seconds: Mapping[str, float] = field(
        default_factory=lambda: {"standard": 300.0, "vip1": 180.0, "vip2": 120.0, "vip3": 60.0}
    )
    handle_mean: float = 540.0  # seconds a chat occupies one slot (lognormal)
    handle_sigma: float = 0.6
    patience_mean: float = 900.0  # exponential; VIPs are no more patient
    agents_per_language: Mapping[str, int] = field(
        default_factory=lambda: {"en": 8, "zh": 4, "ja": 2, "ko": 1, "es": 1, "ru": 1}
    )
    chats_per_agent: int = 3
    bilingual_share: float = 0.25  # agents who also speak English
    vip_desk_share: float = 0.1


@dataclass
class Outcome:
    id: int
    tier: str
    language: str
    arrived: float
    wait: float | None = None  # None: abandoned
    estimate: WaitEstimate | None = None

    @property
    def abandoned(self) -> bool:
        return self.wait is None


@dataclass(frozen=True)
class DayResult:
    policy: str
    outcomes: Sequence[Outcome]
    sla_seconds: Mapping[str, float]

    def waits(self, tier: str | None = None) -> list[float]:
        return [
            o.wait for o in self.outcomes if o.wait is not None and (tier is None or o.tier == tier)
        ]

    def abandonment(self, tier: str | None = None) -> float:
        group = [o for o in self.outcomes if tier is None or o.tier == tier]
        return sum(o.abandoned for o in group) / len(group) if group else 0.0

    def sla_attainment(self, tier: str | None = None) -> float:
        """Share of customers (abandoned ones included) answered within their tier's target."""
        group = [o for o in self.outcomes if tier is None or o.tier == tier]
        met = sum(o.wait is not None and o.wait <= self.sla_seconds[o.tier] for o in group)
        return met / len(group) if group else 0.0

    def estimate_hits(self) -> tuple[int, int]:
        """(answered customers whose wait fell inside the range shown on arrival, all of them)."""
        shown = [o for o in self.outcomes if o.wait is not None and o.estimate is not None]
        inside = sum(
            o.estimate is not None and o.estimate.low <= o.wait <= o.estimate.high
            for o in shown
            if o.wait is not None
        )
        return inside, len(shown)


def quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def make_agents(config: DayConfig, rng: random.Random) -> list[AgentState]:
    agents: list[AgentState] = []
    skills = frozenset(config.skills)
    for language, count in config.agents_per_language.items():
        for _ in range(count):
            langs = {language}
            if language != "en" and rng.random() < config.bilingual_share:
                langs.add("en")
            agents.append(
                AgentState(
                    id=len(agents) + 1,
                    languages=frozenset(langs),
                    skills=skills,
                    capacity={CHAT: config.chats_per_agent},
                    load={},
                    vip_desk=rng.random() < config.vip_desk_share,
                )
            )
    return agents


def arrivals(config: DayConfig, rng: random.Random) -> list[float]:
    total = sum(NORMAL_PROFILE)
    out: list[float] = []
    for hour, share in enumerate(NORMAL_PROFILE):
        rate = config.contacts * share / total / 3600.0
        t = hour * 3600.0
        while True:
            factor = 1.0
            if config.surge_start_hour is not None:
                s = config.surge_start_hour * 3600
                if s <= t < s + config.surge_hours * 3600:
                    factor = config.surge_factor
            t += rng.expovariate(rate * factor)
            if t >= (hour + 1) * 3600.0:
                break
            out.append(t)
    return out


class _Recent:
    """Handle times of the last conversations, for the estimate."""

    def __init__(self, size: int, prior: float) -> None:
        self.values = [prior] * 20
        self.size = size

    def add(self, value: float) -> None:
        self.values.append(value)
        if len(self.values) > self.size:
            del self.values[0]


def simulate_day(
    config: DayConfig, policy: str, seed: int = 1, weights: Weights | None = None
) -> DayResult:
    """Run one day under `policy` ("kefu" or "fifo")."""
    weights = (weights or Weights()) if policy == "kefu" else FIFO_WEIGHTS
    rng = random.Random(seed)
    agents = make_agents(config, rng)
    pool = AgentPool(agents)
    queue = WaitingQueue(weights)
    outcomes: dict[int, Outcome] = {}
    events: list[tuple[float, int, str, int]] = []  # time, order, kind, id
    order = 0

    def push(at: float, kind: str, ident: int) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, kind, ident))

    for i, at in enumerate(arrivals(config, rng), start=1):
        push(at, "arrive", i)
    handle = _Recent(200, config.handle_mean)
    calibrator = WaitCalibrator()
    tickets: dict[int, WaitingTicket] = {}

    def start(ticket: WaitingTicket, agent: AgentState, now: float) -> None:
        load = dict(agent.load)
        load[CHAT] = load.get(CHAT, 0) + 1
        pool.put(replace(agent, load=load))
        outcome = outcomes[ticket.id]
        outcome.wait = now - ticket.enqueued_at
        if outcome.estimate is not None:
            calibrator.observe(outcome.estimate, outcome.wait)
        duration = rng.lognormvariate(
            math.log(config.handle_mean) - config.handle_sigma**2 / 2, config.handle_sigma
        )
        push(now + duration, f"done:{duration}", agent.id)

    while events:
        now, _, kind, ident = heapq.heappop(events)
        if kind == "arrive":
            tier = _pick(rng, config.tiers)
            ticket = WaitingTicket(
                id=ident,
                language=_pick(rng, config.languages),
                skill=_pick(rng, config.skills),
                channel=CHAT,
                tier=tier,
                priority="normal",
                enqueued_at=now,
                deadline=now + config.sla_seconds[tier],
            )
            tickets[ident] = ticket
            outcomes[ident] = Outcome(ident, tier, ticket.language, now)
            agent = pool.best_for(ticket) if policy == "kefu" else _first_fit(pool, ticket)
            # Agents with room pull whenever something they can take waits, so an agent with
            # room now has nothing else eligible waiting: push the newcomer straight to them.
            if agent is not None:
                start(ticket, agent, now)
                outcomes[ident].estimate = WaitEstimate(1, 0.0, 0.0, 0.0)
                continue
            queue.add(ticket, now)
            outcomes[ident].estimate = _estimate(
                queue, pool, ticket, now, handle.values, calibrator
            )
            push(now + rng.expovariate(1.0 / config.patience_mean), "abandon", ident)
        elif kind == "abandon":
            queue.remove(ident)
        else:
            handle.add(float(kind.split(":", 1)[1]))
            agent = pool.get(ident)
            assert agent is not None
            load = dict(agent.load)
            load[CHAT] -= 1
            agent = replace(agent, load=load, idle_since=now)
            pool.put(agent)
            chosen = queue.best_for(agent, now)
            if chosen is not None:
                queue.remove(chosen.id)
                start(chosen, agent, now)
    return DayResult(policy, list(outcomes.values()), config.sla_seconds)


def _first_fit(pool: AgentPool, ticket: WaitingTicket) -> AgentState | None:
    found = pool.candidates(ticket)
    return min(found, key=lambda a: (a.total_load, a.idle_since, a.id)) if found else None


def _estimate(
    queue: WaitingQueue,
    pool: AgentPool,
    ticket: WaitingTicket,
    now: float,
    handle_times: Sequence[float],
    calibrator: WaitCalibrator,
) -> WaitEstimate:
    """Position among the waiting tickets of the language the qualified agents could take,
    and those agents' capacity, shared by the languages they serve in proportion to the queue."""
    qualified = [
        a
        for a in pool.all()
        if a.available and ticket.language in a.languages and ticket.skill in a.skills
    ]
    slots = sum(a.capacity.get(CHAT, 0) for a in qualified)
    skills = {s for a in qualified for s in a.skills}
    keys: list[BucketKey] = [(ticket.language, s, None, CHAT) for s in skills]
    langs = {lang for a in qualified for lang in a.languages}
    mine = queue.count(keys)
    theirs = queue.count([(lang, s, None, CHAT) for lang in langs for s in skills])
    share = mine / theirs if theirs else 1.0
    rate = service_rate(slots, handle_times, share)
    return calibrator.estimate(queue.position(ticket.id, now, keys), 0, rate)
