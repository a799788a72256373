"""What routing decides over: waiting tickets, agents, the weights of the policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ONLINE = "online"
VIP_TIERS = frozenset({"vip1", "vip2", "vip3"})


def _frozen(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class Weights:
    """How a waiting ticket's priority grows. Scores are in "standard-tier waiting seconds".

    - `tier_rate`: score gained per second of waiting; every rate is positive, so every ticket's
      score grows without bound and nobody starves; VIP tiers grow faster.
    - `priority_base`: a head start by ticket priority (an urgent ticket starts as if a standard
      one had waited 15 minutes).
    - `urgency_window` / `urgency_rate`: within this many seconds before its SLA deadline a
      ticket gains `urgency_rate` more per second, so tickets that can still make their target
      go first.
    - `breach_keep`: the share of that urgency boost a ticket keeps once its deadline has passed
      (1: it keeps all of it; 0: a breached ticket is back to plain aging, as its breach has
      escalated it to a supervisor). Aging never stops, so a breached ticket still cannot
      starve.
    """

    tier_rate: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"standard": 1.0, "vip1": 1.5, "vip2": 2.0, "vip3": 3.0})
    )
    priority_base: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"low": 0.0, "normal": 60.0, "high": 300.0, "urgent": 900.0}
        )
    )
    urgency_window: float = 300.0
    urgency_rate: float = 10.0
    breach_keep: float = 0.0

    def __post_init__(self) -> None:
        if any(rate <= 0 for rate in self.tier_rate.values()):
            raise ValueError("every tier must gain priority while it waits (rate > 0)")
        if self.urgency_window < 0 or self.urgency_rate < 0:
            raise ValueError("urgency window and rate must not be negative")
        if not 0 <= self.breach_keep <= 1:
            raise ValueError("breach_keep is a share of the urgency boost, in [0, 1]")

    def rate(self, tier: str) -> float:
        return self.tier_rate.get(tier, min(self.tier_rate.values()))

    def base(self, priority: str) -> float:
        return self.priority_base.get(priority, 0.0)

    @property
    def slowest_rate(self) -> float:
        return min(self.tier_rate.values())


@dataclass(frozen=True, slots=True)
class WaitingTicket:
    """A ticket waiting for an agent. `enqueued_at`, `deadline`: seconds on the routing clock."""

    id: int
    language: str
    skill: str
    channel: str
    tier: str
    priority: str
    enqueued_at: float
    deadline: float | None = None  # first (or next) response due
    certification: str | None = None  # a certification the handling agent must hold
    account_manager_id: int | None = None  # the VIP customer's dedicated manager
    boost: float = 0.0  # extra head start (distress, repeat contact), in score units


@dataclass(frozen=True, slots=True)
class AgentState:
    """An agent as routing sees them: what they can handle and how busy they are."""

    id: int
    languages: frozenset[str]
    skills: frozenset[str]
    capacity: Mapping[str, int]  # per channel: e.g. {"web_chat": 3, "phone": 1}
    load: Mapping[str, int] = field(default_factory=dict)
    certifications: frozenset[str] = frozenset()
    status: str = ONLINE
    on_shift: bool = True
    idle_since: float = 0.0  # last time a conversation ended (or the shift began)
    vip_desk: bool = False

    def free(self, channel: str) -> int:
        return self.capacity.get(channel, 0) - self.load.get(channel, 0)

    @property
    def available(self) -> bool:
        return self.status == ONLINE and self.on_shift

    def load_fraction(self, channel: str) -> float:
        cap = self.capacity.get(channel, 0)
        return self.load.get(channel, 0) / cap if cap > 0 else 1.0

    @property
    def total_load(self) -> int:
        return sum(self.load.values())


def qualified(agent: AgentState, ticket: WaitingTicket) -> bool:
    """The agent speaks the language, has the skill and any certification the ticket needs."""
    return (
        ticket.language in agent.languages
        and ticket.skill in agent.skills
        and (ticket.certification is None or ticket.certification in agent.certifications)
    )


def eligible(agent: AgentState, ticket: WaitingTicket) -> bool:
    """Qualified, online, on shift, and with room on the ticket's channel."""
    return agent.available and agent.free(ticket.channel) > 0 and qualified(agent, ticket)
