"""Customers recently seen unrestricted, so the inbound path can skip reading their row.

The restriction itself lives in the database (kefu/actions/restrictions.py). Almost every
sender is unrestricted, and the live-chat send path is hot, so each process remembers for a
couple of seconds who was free to write. A change made in this process forgets the customer at
once; one made in another process is seen here within `ttl` seconds, the same order of delay as
the enricher that raises a restriction after a message is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable

TTL_SECONDS = 2.0
MAX_ENTRIES = 100_000


class SenderCache:
    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._free_until: dict[int, float] = {}

    def known_free(self, customer_id: int) -> bool:
        until = self._free_until.get(customer_id)
        if until is None:
            return False
        if self.clock() >= until:
            del self._free_until[customer_id]
            return False
        return True

    def remember_free(self, customer_id: int) -> None:
        if len(self._free_until) >= MAX_ENTRIES:
            self._free_until.clear()  # cheap and safe: it only costs reads
        self._free_until[customer_id] = self.clock() + self.ttl

    def forget(self, customer_id: int) -> None:
        self._free_until.pop(customer_id, None)
