"""What the public verify endpoints keep: rate limits per client address and the registry index.

The limits go through the app's shared window limiter (`kefu/web/limits.py`): in Redis when
`KEFU_REDIS_URL` is set, so a client gets the same allowance however many app processes sit
behind the load balancer. They are there to make guessing identity codes hopeless, not to meter
use. A code has 40 random bits (10¹² values): with 100 live codes, a thousand addresses guessing
at the code limit (10 a minute) all day hit one with odds of about 1 in 800 — and a hit names an
agent the guesser is not talking to.
"""

from __future__ import annotations

from starlette.requests import Request

from kefu.actions.official_channels import RegistryCache
from kefu.web.state import AppState

WINDOW = 60  # seconds


class VerifyGuard:
    def __init__(self, state: AppState) -> None:
        self._state = state
        self.value_limit = state.settings.verify_per_minute
        self.code_limit = max(5, self.value_limit // 3)
        self.registry = RegistryCache()  # a per-process cache of the official registry

    async def allow_value(self, request: Request) -> bool:
        """Count one check of a value by this client; False past the per-minute limit."""
        key = f"verify-value:{client_key(request)}"
        return await self._state.limiter.hit(key, self.value_limit, WINDOW) == 0

    async def allow_code(self, request: Request) -> bool:
        """Count one identity-code check by this client (a stricter limit: codes are guessed)."""
        key = f"verify-code:{client_key(request)}"
        return await self._state.limiter.hit(key, self.code_limit, WINDOW) == 0


def verify_guard(request: Request) -> VerifyGuard:
    """The app's guard, made on first use (the app's state holds it, not a module global)."""
    guard: VerifyGuard | None = getattr(request.app.state, "verify_guard", None)
    if guard is None:
        guard = VerifyGuard(request.app.state.kefu)
        request.app.state.verify_guard = guard
    return guard


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
