"""Fixed-window limits shared by every app process: how often one source may do one thing.

With `KEFU_REDIS_URL` the counters live in Redis (`INCR` and `EXPIRE` in one round trip, the
standard Redis rate-limit pattern), so the limit holds across all processes behind a load
balancer; without it, in this process's memory (one process: the embedded default).

Used for what costs kefu something per attempt and comes from unauthenticated callers: starting
a chat as a new visitor (each start creates a customer).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from kefu.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis


class WindowLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> int:
        """Count one attempt for `key`; 0 when within `limit` per `window` seconds, else the
        seconds until the window ends."""
        ...

    async def close(self) -> None: ...


class LocalWindowLimiter:
    """In-process counters; old windows are dropped as they pass."""

    def __init__(self, clock: Callable[[], float] = time.time, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._counts: dict[str, tuple[int, int]] = {}  # key → (window start, count)

    async def hit(self, key: str, limit: int, window: int) -> int:
        now = self._clock()
        start = int(now // window) * window
        seen_start, count = self._counts.get(key, (start, 0))
        count = count + 1 if seen_start == start else 1
        if len(self._counts) >= self._max_keys and key not in self._counts:
            self._counts = {k: v for k, v in self._counts.items() if v[0] == start}
        self._counts[key] = (start, count)
        return 0 if count <= limit else max(1, int(start + window - now + 0.999))

    async def close(self) -> None:
        self._counts.clear()


class RedisWindowLimiter:
    """Counters in Redis under `<prefix>limit:<key>:<window start>` (prefix `KEFU_REDIS_PREFIX`),
    expiring with the window."""

    def __init__(self, url: str, prefix: str, clock: Callable[[], float] = time.time) -> None:
        self._url = url
        self._prefix = prefix
        self._clock = clock
        self._client: Redis | None = None

    def _redis(self) -> Redis:
        if self._client is None:
            from redis.asyncio import Redis

            self._client = Redis.from_url(self._url)
        return self._client

    async def hit(self, key: str, limit: int, window: int) -> int:
        now = self._clock()
        start = int(now // window) * window
        name = f"{self._prefix}limit:{key}:{start}"
        pipe = self._redis().pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, window + 1)
        results: list[Any] = await pipe.execute()
        count = int(results[0])
        return 0 if count <= limit else max(1, int(start + window - now + 0.999))

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def create_limiter(settings: Settings) -> WindowLimiter:
    if settings.redis_url:
        return RedisWindowLimiter(settings.redis_url, settings.redis_prefix)
    return LocalWindowLimiter()
