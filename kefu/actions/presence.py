"""Agent presence: online, away, offline, from connections, heartbeats and inactivity.

Every app process runs the same sweep; its UPDATEs are idempotent, so several processes sweeping
at once change each agent once and only the process that changed a row announces it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import AgentStatus
from kefu.domain.errors import PermissionDenied
from kefu.events.bus import DESK_STREAM, QUEUE_STREAM, Event
from kefu.store.models import Agent

AWAY_AFTER = timedelta(minutes=5)  # no activity at the keyboard
OFFLINE_AFTER = timedelta(seconds=90)  # no heartbeat from any connection


def _announce(uow: UnitOfWork, agent_id: int, name: str, status: str) -> None:
    uow.emit(
        Event(
            "agent.presence",
            (DESK_STREAM, QUEUE_STREAM),
            {"agent": {"id": agent_id, "name": name}, "status": status},
            public=False,
        )
    )


def _check_self(uow: UnitOfWork, agent: Agent) -> None:
    if not uow.actor.is_staff or (uow.actor.id != agent.id and uow.actor.id != 0):
        raise PermissionDenied("agents set their own presence")


async def do_heartbeat(uow: UnitOfWork, agent: Agent, *, active: bool) -> None:
    """A connection of the agent is alive; `active`: the person did something lately.

    An offline agent comes online; one who went away by inactivity comes back when active.
    """
    _check_self(uow, agent)
    now = uow.now()
    agent.last_seen_at = now
    if active:
        agent.last_active_at = now
    back = agent.status == AgentStatus.OFFLINE.value or (
        active and agent.status == AgentStatus.AWAY.value and agent.auto_away
    )
    if back:
        agent.status = AgentStatus.ONLINE.value
        agent.auto_away = False
        if agent.last_active_at is None:
            agent.last_active_at = now
        uow.audit("agent.presence", "agent", agent.id, after={"status": agent.status})
        _announce(uow, agent.id, agent.name, agent.status)


async def do_set_presence(uow: UnitOfWork, agent: Agent, status: AgentStatus) -> None:
    """The agent chose online or away."""
    _check_self(uow, agent)
    if agent.status == status.value and not agent.auto_away:
        return
    before = agent.status
    agent.status = status.value
    agent.auto_away = False
    agent.last_seen_at = agent.last_active_at = uow.now()
    uow.audit(
        "agent.presence",
        "agent",
        agent.id,
        before={"status": before},
        after={"status": status.value},
    )
    _announce(uow, agent.id, agent.name, status.value)


async def do_sweep_presence(uow: UnitOfWork, now: datetime) -> list[tuple[int, str]]:
    """Agents silent too long go offline; idle ones go away. Returns (agent id, new status)."""
    changed: list[tuple[int, str]] = []
    gone = (
        await uow.session.execute(
            update(Agent)
            .where(
                Agent.status != AgentStatus.OFFLINE.value,
                or_(Agent.last_seen_at.is_(None), Agent.last_seen_at < now - OFFLINE_AFTER),
            )
            .values(status=AgentStatus.OFFLINE.value, auto_away=False)
            .returning(Agent.id, Agent.name)
        )
    ).all()
    changed += [(agent_id, AgentStatus.OFFLINE.value) for agent_id, _ in gone]
    idle = (
        await uow.session.execute(
            update(Agent)
            .where(
                and_(
                    Agent.status == AgentStatus.ONLINE.value,
                    Agent.last_active_at.is_not(None),
                    Agent.last_active_at < now - AWAY_AFTER,
                )
            )
            .values(status=AgentStatus.AWAY.value, auto_away=True)
            .returning(Agent.id, Agent.name)
        )
    ).all()
    changed += [(agent_id, AgentStatus.AWAY.value) for agent_id, _ in idle]
    names = {agent_id: name for agent_id, name in [*gone, *idle]}
    for agent_id, status in changed:
        uow.audit("agent.presence", "agent", agent_id, after={"status": status, "cause": "sweep"})
        _announce(uow, agent_id, names[agent_id], status)
    return changed
