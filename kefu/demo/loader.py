"""Load the demo desk through the same `do_*` actions the API and CLI use.

    result = await load_demo(deps)

Everything happens in one unit of work, so a failed load leaves nothing behind and a second load
finds the demo admin and changes nothing. Each step runs as the person who does it (an agent
replying, a supervisor assigning, the system ingesting a customer's message), so transcripts and
the audit trail name real people.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import assert_never

from kefu.actions.agents import (
    AgentInput,
    do_create_agent,
    do_create_team,
    do_set_team_members,
    do_update_agent,
)
from kefu.actions.customers import CustomerInput, do_create_customer, do_update_customer
from kefu.actions.messages import AttachmentInput, MessageInput, do_add_message, do_add_note
from kefu.actions.official_channels import OfficialChannelInput, do_add_official_channel
from kefu.actions.tickets import (
    TicketInput,
    do_assign,
    do_change_status,
    do_create_ticket,
    do_escalate,
    do_merge,
    do_set_tags,
    do_update_ticket,
)
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.demo import data
from kefu.demo.spec import (
    Assign,
    AttachmentSpec,
    Escalate,
    In,
    MergeInto,
    Note,
    Out,
    SetPriority,
    Status,
    Step,
    Tag,
    TicketSpec,
)
from kefu.domain.enums import AgentStatus, Direction, Role
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.store.models import Agent, Customer, Team, Ticket, utcnow
from kefu.store.repositories import people


class DemoClock:
    """Spreads the demo over the past ten days, so tickets have real ages and response times.

    Each ticket starts at its own (deterministic) moment; each step follows the previous one
    after a few minutes to a few hours. Nothing is ever in the future.
    """

    SPAN_HOURS = 240

    def __init__(self, end: datetime) -> None:
        self.end = end
        self.current = end

    def __call__(self) -> datetime:
        return min(self.current, self.end)

    def start_ticket(self, index: int, steps: int) -> None:
        hours_ago = (index * 53) % self.SPAN_HOURS + 2 + steps * 3
        self.current = self.end - timedelta(hours=hours_ago, minutes=(index * 17) % 60)

    def advance(self, index: int, step: int) -> None:
        self.current += timedelta(minutes=5 + (index * 31 + step * 47) % 170)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    name: str


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False: the demo desk was already there and nothing changed
    logins: tuple[DemoLogin, ...]
    teams: int = 0
    agents: int = 0
    customers: int = 0
    tickets: int = 0


def demo_logins() -> tuple[DemoLogin, ...]:
    return tuple(DemoLogin(s.role.value, s.email, s.password, s.name) for s in data.STAFF)


async def load_demo(deps: ActionDeps) -> DemoResult:
    """Create the demo desk unless its admin (`admin@demo.kefu.example`) already exists."""
    clock = DemoClock(utcnow())
    async with UnitOfWork(deps, SYSTEM, clock=clock) as uow:
        if await people.agent_by_email(uow.session, data.ADMIN_EMAIL) is not None:
            return DemoResult(loaded=False, logins=demo_logins())
        builder = _Builder(uow)
        clock.current = clock.end - timedelta(days=30)
        await builder.staff()
        for kind, value, label in data.OFFICIAL_CHANNELS:
            await do_add_official_channel(uow, OfficialChannelInput(kind, value, label))
        await builder.customers()
        for index, spec in enumerate(data.TICKETS):
            clock.start_ticket(index, len(spec.steps))
            await builder.ticket(spec)
            for step_no, step in enumerate(spec.steps):
                clock.advance(index, step_no)
                await builder.step(spec, builder.tickets[spec.key], step)
    return DemoResult(
        loaded=True,
        logins=demo_logins(),
        teams=len(builder.teams),
        agents=len(builder.agents),
        customers=len(builder.customer_ids),
        tickets=len(builder.tickets),
    )


def _attachments(specs: tuple[AttachmentSpec, ...]) -> tuple[AttachmentInput, ...]:
    return tuple(AttachmentInput(a.filename, a.content_type, a.text.encode()) for a in specs)


class _Builder:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.teams: dict[str, Team] = {}
        self.agents: dict[str, Agent] = {}
        self.principals: dict[str, Principal] = {}
        self.customer_ids: dict[str, int] = {}
        self.tickets: dict[str, Ticket] = {}
        self.assignees: dict[str, str | None] = {}

    @contextmanager
    def acting(self, key: str | None) -> Iterator[UnitOfWork]:
        """Run the next actions as the agent with this key (None: the system)."""
        saved = self.uow.actor
        self.uow.actor = self.principals[key] if key is not None else SYSTEM
        try:
            yield self.uow
        finally:
            self.uow.actor = saved

    async def staff(self) -> None:
        uow = self.uow
        for team in data.TEAMS:
            self.teams[team.slug] = await do_create_team(
                uow, team.slug, team.name, team.description
            )
        for spec in data.STAFF:
            agent = await do_create_agent(
                uow,
                AgentInput(
                    email=spec.email,
                    name=spec.name,
                    role=spec.role,
                    password=spec.password,
                    languages=spec.languages,
                    skills=spec.skills,
                    capacity=dict(spec.capacity),
                    timezone=spec.timezone,
                ),
            )
            if spec.status != AgentStatus.OFFLINE:
                await do_update_agent(uow, agent, {"status": spec.status})
            self.agents[spec.key] = agent
            self.principals[spec.key] = make_principal(
                PrincipalKind.AGENT, agent.id, Role(agent.role), name=agent.name
            )
        for team in data.TEAMS:
            members = [self.agents[s.key].id for s in data.STAFF if team.slug in s.teams]
            await do_set_team_members(uow, self.teams[team.slug], members)

    async def customers(self) -> None:
        for spec in data.CUSTOMERS:
            customer: Customer = await do_create_customer(
                self.uow,
                CustomerInput(
                    uid=spec.uid,
                    name=spec.name,
                    tier=spec.tier.value,
                    language=spec.language,
                    region=spec.region,
                    kyc_level=spec.kyc_level,
                    flags=spec.flags,
                    identities=spec.identities,
                ),
            )
            if spec.account_manager is not None:
                manager_id = self.agents[spec.account_manager].id
                await do_update_customer(self.uow, customer, {"account_manager_id": manager_id})
            self.customer_ids[spec.key] = customer.id

    async def ticket(self, spec: TicketSpec) -> None:
        with self.acting(None) as uow:
            created = await do_create_ticket(
                uow,
                TicketInput(
                    customer_id=self.customer_ids[spec.customer],
                    subject=spec.subject,
                    message=MessageInput(
                        body=spec.body,
                        channel=spec.channel.value,
                        attachments=_attachments(spec.attachments),
                    ),
                    priority=spec.priority,
                    language=spec.language,
                    intent=spec.intent,
                    team_id=self.teams[spec.team].id if spec.team else None,
                    tags=spec.tags,
                ),
            )
        self.tickets[spec.key] = created.ticket
        self.assignees[spec.key] = None

    async def step(self, spec: TicketSpec, ticket: Ticket, step: Step) -> None:
        assignee = self.assignees[spec.key]
        match step:
            case In():
                channel = (step.channel or spec.channel).value
                message = MessageInput(
                    step.body, channel, attachments=_attachments(step.attachments)
                )
                with self.acting(None) as uow:
                    await do_add_message(uow, ticket, Direction.INBOUND, message)
            case Out():
                with self.acting(step.agent) as uow:
                    message = MessageInput(step.body, spec.channel.value)
                    await do_add_message(uow, ticket, Direction.OUTBOUND, message)
            case Note():
                with self.acting(step.agent) as uow:
                    await do_add_note(uow, ticket, step.body)
            case Assign():
                agent_id = self.agents[step.agent].id if step.agent else None
                team_id = self.teams[step.team].id if step.team else None
                with self.acting(step.by or step.agent) as uow:
                    await do_assign(uow, ticket, agent_id, team_id, change_team=bool(step.team))
                self.assignees[spec.key] = step.agent
            case Status():
                with self.acting(step.by or assignee) as uow:
                    await do_change_status(uow, ticket, step.status)
            case Escalate():
                with self.acting(step.by) as uow:
                    await do_escalate(uow, ticket, step.reason)
            case Tag():
                with self.acting(step.by or assignee) as uow:
                    await do_set_tags(uow, ticket, list(step.add), list(step.remove))
            case SetPriority():
                with self.acting(step.by or assignee) as uow:
                    await do_update_ticket(uow, ticket, {"priority": step.priority})
            case MergeInto():
                with self.acting(step.by) as uow:
                    await do_merge(uow, ticket, self.tickets[step.target])
            case _:
                assert_never(step)
