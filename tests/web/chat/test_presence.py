"""Agent presence: online on hello, away by choice or by idleness, offline when silent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from kefu.actions.presence import do_sweep_presence
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.permissions import SYSTEM
from kefu.store.models import Agent, utcnow
from kefu.web.chat import connection
from tests.web.chat.conftest import Client, LiveServer


async def _status(live: LiveServer, agent_id: int) -> tuple[str, bool]:
    async with live.app_state.sessionmaker() as session:
        agent = await session.get(Agent, agent_id)
        assert agent is not None
        return agent.status, agent.auto_away


async def _presence(client: Client, agent_id: int) -> str:
    """The next presence change announced for this agent."""
    frames = await client.until(lambda f: f["type"] == "presence" and f["agent"]["id"] == agent_id)
    status: str = frames[-1]["status"]
    return status


async def _sweep(live: LiveServer, ahead: timedelta) -> list[tuple[int, str]]:
    async with UnitOfWork(live.app_state.deps, SYSTEM) as uow:
        return await do_sweep_presence(uow, utcnow() + ahead)


async def test_presence_lifecycle(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every heartbeat is written, so each ping below has its effect before its pong.
    monkeypatch.setattr(connection, "ACTIVE_WRITE_SECONDS", 0.0)
    monkeypatch.setattr(connection, "HEARTBEAT_WRITE_SECONDS", 0.0)
    me, other = live.desk.agent_ids["agent"], live.desk.agent_ids["agent2"]
    assert await _status(live, me) == ("offline", False)

    agent = await live.agent()
    assert await _status(live, me) == ("online", False)
    watcher = await live.agent("agent2")
    assert await _presence(agent, other) == "online"

    # Chosen away: announced to everyone, the agent included; activity does not undo it.
    await agent.send({"type": "presence", "status": "away"})
    assert await _presence(agent, me) == "away"
    assert await _presence(watcher, me) == "away"
    assert await _status(live, me) == ("away", False)
    await agent.send({"type": "ping", "active": True})
    await agent.expect({"type": "pong"})
    assert await _status(live, me) == ("away", False)
    await agent.send({"type": "presence", "status": "online"})
    assert await _presence(watcher, me) == "online"

    # Nobody heard from for long: offline.
    changed = await _sweep(live, timedelta(hours=1))
    assert sorted(changed) == sorted([(me, "offline"), (other, "offline")])
    assert await _presence(watcher, me) == "offline"
    assert await _presence(agent, other) == "offline"
    assert await _status(live, me) == ("offline", False)
    assert await _sweep(live, timedelta(hours=1)) == []  # idempotent

    # A heartbeat of a live connection brings the agent back.
    await agent.send({"type": "ping", "active": True})
    assert await _presence(watcher, me) == "online"
    assert await _status(live, me) == ("online", False)

    # Idle at the keyboard for long: away by itself …
    async with live.app_state.sessionmaker() as session, session.begin():
        await session.execute(
            update(Agent)
            .where(Agent.id == me)
            .values(last_active_at=utcnow() - timedelta(minutes=10))
        )
    assert (me, "away") in await _sweep(live, timedelta(0))
    assert await _presence(watcher, me) == "away"
    assert await _status(live, me) == ("away", True)
    # … still away while the connection only says it is alive …
    await agent.send({"type": "ping", "active": False})
    await agent.expect({"type": "pong"})
    assert await _status(live, me) == ("away", True)
    # … and back when the person does something.
    await agent.send({"type": "ping", "active": True})
    assert await _presence(watcher, me) == "online"
    assert await _status(live, me) == ("online", False)


async def test_customers_get_no_presence(live: LiveServer) -> None:
    customer = await live.customer("U-presence")
    agent = await live.agent()
    await agent.send({"type": "presence", "status": "away"})
    await agent.until(lambda f: f["type"] == "presence")
    assert [f for f in await customer.barrier() if f["type"] == "presence"] == []
