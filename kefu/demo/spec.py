"""The shapes of the demo data: plain frozen dataclasses the loader turns into `do_*` calls.

People are referred to by short keys: an agent by the local part of their email
(`wang.fang`), a customer by a readable key (`zhang.wei`), a team by its slug, a ticket by a
scenario key (`deposit-trc20-zh`). A ticket is its first inbound message plus a script of steps,
run in order, each by the agent it names (or by the ticket's current assignee).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.domain.enums import AgentStatus, Channel, Priority, Role, TicketStatus, Tier

DOMAIN = "demo.kefu.example"


def demo_email(key: str) -> str:
    return f"{key}@{DOMAIN}"


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class AgentSpec:
    key: str
    name: str
    password: str
    role: Role = Role.AGENT
    languages: tuple[str, ...] = ("en",)
    skills: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    capacity: dict[str, int] = field(default_factory=lambda: {"chat": 3, "email": 10, "phone": 1})
    timezone: str = "UTC"
    status: AgentStatus = AgentStatus.OFFLINE

    @property
    def email(self) -> str:
        return demo_email(self.key)


@dataclass(frozen=True)
class CustomerSpec:
    key: str
    name: str
    uid: str | None
    tier: Tier = Tier.STANDARD
    language: str = "en"
    region: str | None = None
    kyc_level: int = 0
    flags: tuple[str, ...] = ()
    identities: tuple[tuple[str, str], ...] = ()
    account_manager: str | None = None  # agent key


@dataclass(frozen=True)
class AttachmentSpec:
    filename: str
    content_type: str
    text: str


# -- ticket script steps --------------------------------------------------------------------


@dataclass(frozen=True)
class In:
    """The customer writes again (on the ticket's channel unless `channel` is given)."""

    body: str
    channel: Channel | None = None
    attachments: tuple[AttachmentSpec, ...] = ()


@dataclass(frozen=True)
class Out:
    """A public reply by `agent`."""

    agent: str
    body: str


@dataclass(frozen=True)
class Note:
    """An internal note by `agent`; customers never see it."""

    agent: str
    body: str


@dataclass(frozen=True)
class Assign:
    """Assign to `agent` (None: unassign), optionally moving to `team`. Done by `by`, or by the
    assignee taking the ticket themselves."""

    agent: str | None
    team: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Status:
    """Change status explicitly, by `by` or else the current assignee."""

    status: TicketStatus
    by: str | None = None


@dataclass(frozen=True)
class Escalate:
    by: str
    reason: str


@dataclass(frozen=True)
class Tag:
    add: tuple[str, ...]
    remove: tuple[str, ...] = ()
    by: str | None = None


@dataclass(frozen=True)
class SetPriority:
    priority: Priority
    by: str | None = None


@dataclass(frozen=True)
class MergeInto:
    """Merge this ticket into the ticket with scenario key `target` (same customer)."""

    target: str
    by: str


Step = In | Out | Note | Assign | Status | Escalate | Tag | SetPriority | MergeInto


@dataclass(frozen=True)
class TicketSpec:
    key: str
    customer: str  # customer key
    subject: str
    body: str  # the customer's first message
    channel: Channel
    language: str
    priority: Priority = Priority.NORMAL
    intent: str | None = None
    team: str | None = None
    tags: tuple[str, ...] = ()
    attachments: tuple[AttachmentSpec, ...] = ()
    steps: tuple[Step, ...] = ()
