"""What one app process holds: engine, sessions, bus, file store, caches. Built in lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kefu.actions.unit_of_work import ActionDeps
from kefu.actions.wait_estimates import WaitCalibration
from kefu.events.bus import EventBus
from kefu.settings import Settings
from kefu.web.chat.queue_watch import QueueWatch
from kefu.web.limits import LocalWindowLimiter, WindowLimiter
from kefu.web.token_cache import TokenCache


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    bus: EventBus
    deps: ActionDeps
    tokens: TokenCache = field(default_factory=TokenCache)
    limiter: WindowLimiter = field(default_factory=LocalWindowLimiter)
    waits: WaitCalibration = field(default_factory=WaitCalibration)
    queue_watch: QueueWatch | None = None  # live queue positions for this process's customers
