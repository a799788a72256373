"""What the public verify endpoints keep per app: rate limits per client and the registry index.

Limits are per process (a deployment with N processes allows N times as much); they are there to
make guessing identity codes hopeless, not to meter use. A code has 40 random bits (10¹² values):
with 100 live codes, a thousand addresses guessing at the code limit (10 a minute) all day hit
one with odds of about 1 in 800 — and a hit names an agent the guesser is not talking to.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from starlette.requests import Request

from kefu.actions.official_channels import RegistryCache
from kefu.domain.rate_limit import TokenBucket
from kefu.web.state import AppState

MAX_CLIENTS = 10_000


class KeyedBuckets:
    """A token bucket per key, forgetting the least recently seen keys past a bound."""

    def __init__(self, per_minute: int, max_keys: int = MAX_CLIENTS) -> None:
        self.per_minute = per_minute
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        bucket = self._buckets.pop(key, None) or TokenBucket(
            self.per_minute / 60, float(self.per_minute)
        )
        self._buckets[key] = bucket
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return bucket.allow(time.monotonic() if now is None else now)


class VerifyGuard:
    def __init__(self, per_minute: int) -> None:
        self.values = KeyedBuckets(per_minute)
        self.codes = KeyedBuckets(max(5, per_minute // 3))
        self.registry = RegistryCache()


def verify_guard(request: Request) -> VerifyGuard:
    """The app's guard, made on first use (the app's state holds it, not a module global)."""
    guard: VerifyGuard | None = getattr(request.app.state, "verify_guard", None)
    if guard is None:
        state: AppState = request.app.state.kefu
        guard = VerifyGuard(state.settings.verify_per_minute)
        request.app.state.verify_guard = guard
    return guard


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
