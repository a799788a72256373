"""A short-lived, per-process cache of resolved credentials (API tokens, session agents).

Keeps the hot path to one database round trip per request at most; revocation or deactivation
takes effect in every process within `ttl` seconds.
"""

from __future__ import annotations

import time
from typing import Generic, TypeVar

from kefu.domain.permissions import Principal

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(self, ttl: float = 30.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._items: dict[str, tuple[float, V]] = {}

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._items.pop(key, None)
            return None
        return value

    def put(self, key: str, value: V) -> None:
        if len(self._items) >= self.max_entries:
            self._items.clear()
        self._items[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        self._items.clear()


class TokenCache:
    """Principals by API-token hash and by agent id (for session cookies)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.tokens: TtlCache[Principal] = TtlCache(ttl)
        self.agents: TtlCache[Principal] = TtlCache(ttl)

    def clear(self) -> None:
        self.tokens.clear()
        self.agents.clear()
