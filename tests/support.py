"""Helpers shared by the tests: databases on both back ends and a seeded desk."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kefu.actions.agents import AgentInput, do_create_agent, do_create_api_token, do_create_team
from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.inbound import build_deps
from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain import customer_token
from kefu.domain.enums import Direction, Role
from kefu.domain.permissions import SYSTEM, PrincipalKind, make_principal
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.migrate import upgrade
from kefu.store.models import Base
from kefu.store.repositories import tickets as tickets_repo

PG_URL = os.environ.get("KEFU_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
# One schema per test session, so concurrent runs on one server never touch each other's tables.
PG_SCHEMA_PREFIX = "kefu_test_"
PG_SCHEMA = f"{PG_SCHEMA_PREFIX}{os.getpid()}"
SECRET = "test-secret-key-0123456789abcdef0123456789"
CUSTOMER_SECRET = "test-customer-secret-0123456789"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


async def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    engine = make_engine(PG_URL, pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await engine.dispose()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def prepare_pg_schema() -> None:
    """Create this session's schema, dropping those left by sessions that died."""
    admin = make_engine(PG_URL, pool_size=1)
    async with admin.begin() as conn:
        rows = await conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": PG_SCHEMA_PREFIX + "%"},
        )
        for (name,) in rows.all():
            suffix = name.removeprefix(PG_SCHEMA_PREFIX)
            if name == PG_SCHEMA or not suffix.isdigit() or not _pid_alive(int(suffix)):
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        await conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    await admin.dispose()
    engine = make_engine(PG_URL, pool_size=1, schema=PG_SCHEMA)
    await upgrade(engine)
    await engine.dispose()


async def drop_pg_schema() -> None:
    admin = make_engine(PG_URL, pool_size=1)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    await admin.dispose()


async def truncate_pg(engine: AsyncEngine) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def make_sqlite_template(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    await upgrade(engine)
    await engine.dispose()


def fresh_sqlite(template: Path, target_dir: Path) -> str:
    target = target_dir / "kefu.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def settings_for(url: str, data_dir: Path, backend: str) -> Settings:
    return Settings(
        env="test",
        database_url=url,
        database_schema=PG_SCHEMA if backend == "postgresql" else None,
        data_dir=data_dir,
        secret_key=SECRET,
        customer_token_secret=CUSTOMER_SECRET,
        log_json=False,
        db_pool_size=5,
        sweep_seconds=0,
        classify=False,  # the classifier's tests turn it on (tests/actions/test_classify.py)
        triage_safety=False,  # tests that want the triage enricher turn it on
        auto_escalate=False,  # tests/actions/test_escalation.py turns it on
    )


def deps_for(settings: Settings) -> tuple[AsyncEngine, ActionDeps, RecordingBus]:
    engine = make_engine(settings.database_url, 5, schema=settings.database_schema)
    bus = RecordingBus()
    deps = build_deps(settings, make_sessionmaker(engine), bus, FileStore(settings.attachments_dir))
    return engine, deps, bus


def customer_token_for(uid: str, ttl: int = 3600, secret: str = CUSTOMER_SECRET) -> str:
    return customer_token.sign(uid, int(time.time()) + ttl, secret)


@dataclass
class Desk:
    """A seeded desk: staff of each role with API tokens, and a team."""

    deps: ActionDeps
    bus: RecordingBus
    agent_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    team_id: int = 0

    def auth(self, who: str) -> dict[str, str]:
        if who.startswith("customer:"):
            return {"Authorization": f"Bearer {customer_token_for(who.split(':', 1)[1])}"}
        return {"Authorization": f"Bearer {self.tokens[who]}"}


async def seed_desk(deps: ActionDeps, bus: RecordingBus) -> Desk:
    desk = Desk(deps=deps, bus=bus)
    async with UnitOfWork(deps, SYSTEM) as uow:
        team = await do_create_team(uow, "general", "General")
        desk.team_id = team.id
        for who, role, langs in (
            ("admin", Role.ADMIN, ("en",)),
            ("supervisor", Role.SUPERVISOR, ("en", "zh")),
            ("agent", Role.AGENT, ("en", "es")),
            ("agent2", Role.AGENT, ("ja",)),
        ):
            agent = await do_create_agent(
                uow,
                AgentInput(
                    email=f"{who}@test.example", name=who.title(), role=role, languages=langs
                ),
            )
            desk.agent_ids[who] = agent.id
            _, secret = await do_create_api_token(uow, agent, f"{who} token", None)
            desk.tokens[who] = secret
    bus.published.clear()
    return desk


async def create_ticket(
    client: httpx.AsyncClient, desk: Desk, who: str = "agent", uid: str = "U1", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": extra.pop("subject", "Withdrawal pending"),
        "message": {"body": extra.pop("text", "My BTC withdrawal is stuck for 3 hours")},
    }
    if not who.startswith("customer:"):
        body["customer"] = {"uid": uid}
    body.update(extra)
    response = await client.post("/api/v1/tickets", json=body, headers=desk.auth(who))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def customer_opens(deps: ActionDeps, uid: str, text: str, intent: str | None = None) -> int:
    """The customer `uid` (created if new) opens a web-chat ticket with `text`; enrichment is
    waited for. Returns the ticket's id."""
    async with UnitOfWork(deps, SYSTEM) as uow:
        customer_id = (await do_ensure_customer_by_uid(uow, uid)).id
    async with UnitOfWork(deps, make_principal(PrincipalKind.CUSTOMER, customer_id)) as uow:
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject=text[:60],
                message=MessageInput(body=text, channel="web_chat"),
                intent=intent,
            ),
        )
    await deps.pipeline.drain()
    return created.ticket.id


async def customer_says(deps: ActionDeps, ticket_id: int, text: str) -> int:
    """The ticket's customer writes `text` on it (web chat); enrichment is waited for. Returns
    the message's id."""
    async with deps.sessionmaker() as session:
        customer_id = (await tickets_repo.get_ticket(session, ticket_id)).customer_id
    async with UnitOfWork(deps, make_principal(PrincipalKind.CUSTOMER, customer_id)) as uow:
        ticket = await tickets_repo.get_ticket(uow.session, ticket_id, lock=True)
        posted = await do_add_message(
            uow, ticket, Direction.INBOUND, MessageInput(body=text, channel="web_chat")
        )
    await deps.pipeline.drain()
    return posted.message.id
