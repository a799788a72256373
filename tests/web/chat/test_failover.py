"""Two real app processes sharing PostgreSQL and Redis; one is killed mid-conversation.

The customer talks to process A, the agent to process B. A is SIGKILLed while both are
sending; the customer reconnects to B, resumes and sends again what was not acknowledged. In the
end the database, the customer and the agent hold exactly the same messages: none lost, none
twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from kefu.chat_client import ChatClient
from kefu.events.bus import RecordingBus
from kefu.store.db import make_engine
from kefu.store.migrate import upgrade
from tests import support
from tests.web.chat.conftest import free_port

REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SCHEMA = f"kefu_failover_{os.getpid()}"
N = 30  # messages each side sends after the first


async def _redis_reachable() -> str | None:
    try:
        import redis.asyncio as aioredis
    except ImportError:
        return "the redis package is not installed"
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()


@pytest.fixture
async def shared_backends(pg_ready: bool) -> AsyncIterator[support.Desk]:
    why = None if pg_ready else "PostgreSQL unreachable"
    why = why or await _redis_reachable()
    if why:
        if support.in_ci():
            pytest.fail(f"the failover test needs PostgreSQL and Redis: {why}")
        pytest.skip(why)
    admin = make_engine(support.PG_URL, pool_size=1)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine = make_engine(support.PG_URL, pool_size=2, schema=SCHEMA)
    await upgrade(engine)
    from kefu.actions.unit_of_work import ActionDeps
    from kefu.store.db import make_sessionmaker
    from kefu.store.files import FileStore

    bus = RecordingBus()
    deps = ActionDeps(make_sessionmaker(engine), bus, FileStore(Path("/nonexistent")))
    desk = await support.seed_desk(deps, bus)
    await engine.dispose()
    yield desk
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    await admin.dispose()


@pytest.fixture
def servers(
    shared_backends: support.Desk, tmp_path: Path
) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    env = {
        **os.environ,
        "KEFU_ENV": "test",
        "KEFU_DATABASE_URL": support.PG_URL,
        "KEFU_DATABASE_SCHEMA": SCHEMA,
        "KEFU_REDIS_URL": REDIS_URL,
        "KEFU_REDIS_PREFIX": f"{SCHEMA}:",
        "KEFU_SECRET_KEY": support.SECRET,
        "KEFU_CUSTOMER_TOKEN_SECRET": support.CUSTOMER_SECRET,
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_SWEEP_SECONDS": "0",
        "KEFU_CLASSIFY": "false",
        "KEFU_LOG_LEVEL": "WARNING",
    }
    kefu = Path(sys.executable).parent / "kefu"
    started = []
    for _ in range(2):
        port = free_port()
        log = open(tmp_path / f"server-{port}.log", "wb")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(
            [str(kefu), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        log.close()
        started.append((port, proc))
    yield started
    for _, proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _ready(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"server on {port} did not become ready")


@pytest.mark.slow
async def test_killing_a_process_loses_and_duplicates_nothing(
    servers: list[tuple[int, subprocess.Popen[bytes]]], shared_backends: support.Desk
) -> None:
    desk = shared_backends
    (port_a, proc_a), (port_b, _) = servers
    await asyncio.gather(_ready(port_a), _ready(port_b))
    a, b = f"ws://127.0.0.1:{port_a}", f"ws://127.0.0.1:{port_b}"
    customer = ChatClient(
        [f"{a}/ws/chat", f"{b}/ws/chat"],
        {"v": 1, "type": "hello", "token": support.customer_token_for("U-failover")},
    )
    agent = ChatClient([f"{b}/ws/agent"], {"v": 1, "type": "hello", "token": desk.tokens["agent"]})
    await customer.connect()
    await agent.connect()
    try:
        first = await customer.send("c0 my withdrawal is stuck")
        await customer.wait_for(lambda: first in customer.acks)
        number = customer.acks[first]["conversation"]
        await agent.wait_for(lambda: number in agent.queue)
        await agent.request({"type": "claim", "conversation": number})
        await agent.wait_for(lambda: number in agent.conversations)

        async def talk(client: ChatClient, prefix: str) -> None:
            for i in range(1, N + 1):
                await client.send(f"{prefix}{i}", number)
                await asyncio.sleep(0.05)  # faster than the rate limit: some are retried

        talking = asyncio.gather(talk(customer, "c"), talk(agent, "a"))
        await customer.wait_for(lambda: len(customer.acks) >= N // 3)
        proc_a.send_signal(signal.SIGKILL)  # mid-flight: some sent, some not yet acknowledged
        await talking
        total = 2 * N + 1
        await customer.wait_for(lambda: not customer.pending, 30)
        await agent.wait_for(lambda: not agent.pending, 30)
        await customer.wait_for(lambda: len(customer.messages(number)) >= total, 30)
        await agent.wait_for(lambda: len(agent.messages(number)) >= total, 30)
        assert customer.reconnects >= 1

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_b}") as http:
            response = await http.get(
                f"/api/v1/tickets/{number}/messages", headers=desk.auth("admin")
            )
        stored = [(m["id"], m["body"]) for m in response.json()]
        bodies = Counter(body for _, body in stored)
        assert all(count == 1 for count in bodies.values()), "a message was stored twice"
        expected = {"c0 my withdrawal is stuck"} | {f"c{i}" for i in range(1, N + 1)}
        expected |= {f"a{i}" for i in range(1, N + 1)}
        assert set(bodies) == expected, "a message was lost"
        assert [(m["id"], m["body"]) for m in customer.messages(number)] == stored
        assert [(m["id"], m["body"]) for m in agent.messages(number)] == stored
    finally:
        await customer.close()
        await agent.close()
