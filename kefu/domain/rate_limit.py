"""Token buckets: a steady rate with room for bursts. Pure: the caller passes the clock."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float  # tokens added per second
    burst: float  # bucket size
    tokens: float = field(default=-1.0)
    stamp: float = 0.0

    def allow(self, now: float, cost: float = 1.0) -> bool:
        if self.tokens < 0:  # first use: full bucket
            self.tokens, self.stamp = self.burst, now
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.stamp = max(self.stamp, now)  # a clock stepping back refills nothing twice
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False
