"""Fixtures for the event buses: Redis at `KEFU_TEST_REDIS_URL` (default redis://127.0.0.1:6379/0).

Where Redis is unreachable its tests are skipped, except with CI=true, where that fails. Every run
uses channels of its own (a unique prefix), so concurrent runs on one server never meet.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable

import pytest
import redis

from kefu.events.bus import Event, Subscription
from kefu.events.redis_bus import RedisBus
from tests import support

REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = f"kefu-test:{os.getpid()}:{secrets.token_hex(4)}:"
WAIT = 2.0  # seconds an expected event may take

MakeRedisBus = Callable[..., RedisBus]


def redis_reachable() -> str | None:
    """None when Redis answers, else why not."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_ready() -> bool:
    why = redis_reachable()
    if why is not None:
        if support.in_ci():
            pytest.fail(f"Redis unreachable in CI at {REDIS_URL}: {why}")
        return False
    return True


@pytest.fixture
def redis_url(redis_ready: bool) -> str:
    if not redis_ready:
        pytest.skip("Redis unreachable")
    return REDIS_URL


@pytest.fixture
async def make_redis_bus(redis_url: str) -> AsyncIterator[MakeRedisBus]:
    """Builds RedisBus instances (each standing for one app process), closed after the test."""
    buses: list[RedisBus] = []

    def make(maxsize: int = 10_000) -> RedisBus:
        bus = RedisBus(redis_url, prefix=PREFIX, maxsize=maxsize, timeout=WAIT)
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        await bus.close()


async def next_event(sub: Subscription) -> Event | None:
    return await asyncio.wait_for(sub.get(), WAIT)


def event(n: int, *streams: str, public: bool = True, seq: int | None = None) -> Event:
    return Event("test", streams, {"n": n}, public=public, seq=seq)


class SlowLink:
    """A TCP proxy to Redis that holds what clients send for `delay` seconds (a slow network)."""

    def __init__(self, target_host: str, target_port: int, delay: float) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        self.tasks: set[asyncio.Task[None]] = set()
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        s_reader, s_writer = await asyncio.open_connection(*self.target)
        self.writers += [c_writer, s_writer]
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def hold() -> None:
            while data := await c_reader.read(65536):
                held.put_nowait((loop.time() + self.delay, data))
            held.put_nowait((0.0, b""))

        async def release() -> None:
            while True:
                due, data = await held.get()
                if not data:
                    s_writer.close()
                    return
                await asyncio.sleep(max(0.0, due - loop.time()))
                s_writer.write(data)

        async def back() -> None:
            while data := await s_reader.read(65536):
                c_writer.write(data)
            c_writer.close()

        for coro in (hold(), release(), back()):
            task = asyncio.create_task(coro)
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for writer in self.writers:
            writer.close()


@pytest.fixture
async def slow_redis_url(redis_url: str) -> AsyncIterator[str]:
    """`redis_url` through a link that delays each command by 20 ms."""
    kwargs = redis.connection.parse_url(redis_url)
    link = SlowLink(str(kwargs.get("host", "localhost")), int(kwargs.get("port", 6379)), 0.02)
    port = await link.start()
    yield f"redis://127.0.0.1:{port}/{kwargs.get('db', 0)}"
    await link.close()
