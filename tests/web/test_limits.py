"""Fixed-window limits: in memory (one process) and in Redis (every process)."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.settings import Settings
from kefu.web.limits import LocalWindowLimiter, RedisWindowLimiter, WindowLimiter, create_limiter
from tests import support
from tests.events.conftest import REDIS_URL, redis_reachable


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _exercise(limiter: WindowLimiter, clock: Clock, key: str) -> None:
    clock.now = 7200.0 * 1000 + 10  # 10 s into an hour window
    assert [await limiter.hit(key, 3, 3600) for _ in range(3)] == [0, 0, 0]
    assert await limiter.hit(key, 3, 3600) == 3590  # seconds until the window ends
    assert await limiter.hit(key + "-other", 3, 3600) == 0  # keys are counted apart
    clock.now += 3590  # the next window
    assert await limiter.hit(key, 3, 3600) == 0


async def test_local_limiter_counts_per_window() -> None:
    clock = Clock()
    await _exercise(LocalWindowLimiter(clock), clock, "visitor-start:10.0.0.1")


async def test_redis_limiter_counts_per_window_across_processes(
    redis_url: str,
) -> None:
    clock = Clock()
    prefix = f"kefu-test:{secrets.token_hex(4)}:"
    one, two = (
        RedisWindowLimiter(redis_url, prefix, clock),
        RedisWindowLimiter(redis_url, prefix, clock),
    )
    try:
        await _exercise(one, clock, "k")
        # A second process sees the same counters.
        assert await two.hit("k", 1, 3600) == 3600 - (clock.now % 3600)
    finally:
        await one.close()
        await two.close()


def test_create_limiter_follows_the_settings() -> None:
    assert isinstance(create_limiter(Settings(redis_url=None)), LocalWindowLimiter)
    assert isinstance(create_limiter(Settings(redis_url=REDIS_URL)), RedisWindowLimiter)


@given(
    limit=st.integers(1, 20),
    steps=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=60),
)
async def test_never_more_than_the_limit_in_a_window(limit: int, steps: list[float]) -> None:
    clock = Clock(0.0)
    limiter = LocalWindowLimiter(clock)
    allowed: dict[int, int] = {}
    for step in steps:
        clock.now += step
        if await limiter.hit("k", limit, 60) == 0:
            window = int(clock.now // 60)
            allowed[window] = allowed.get(window, 0) + 1
    assert all(count <= limit for count in allowed.values())


@pytest.fixture
def redis_url() -> str:
    why = redis_reachable()
    if why is not None:
        if support.in_ci():
            pytest.fail(f"Redis unreachable in CI at {REDIS_URL}: {why}")
        pytest.skip(f"Redis unreachable: {why}")
    return REDIS_URL


async def test_verify_limits_are_shared_by_every_app_process(redis_url: str) -> None:
    """Two processes behind a load balancer give one client one allowance, not one each."""
    from types import SimpleNamespace

    from starlette.requests import Request

    from kefu.web.verify_guard import VerifyGuard

    clock = Clock()
    prefix = f"kefu-test:{secrets.token_hex(4)}:"
    settings = Settings(redis_url=REDIS_URL, verify_per_minute=15)
    limiters = [RedisWindowLimiter(redis_url, prefix, clock) for _ in range(2)]
    guards = [VerifyGuard(SimpleNamespace(settings=settings, limiter=x)) for x in limiters]  # type: ignore[arg-type]
    request = Request({"type": "http", "client": ("203.0.113.7", 5000), "headers": []})
    try:
        answers = [await guards[i % 2].allow_code(request) for i in range(8)]
        assert answers == [True] * 5 + [False] * 3  # five a minute in all, not five each
        assert await guards[0].allow_value(request)  # values are counted apart from codes
    finally:
        for limiter in limiters:
            await limiter.close()
