"""`create_bus(settings)`: the event bus a process uses, from its settings."""

from __future__ import annotations

from kefu.events.bus import EventBus, InProcessBus
from kefu.settings import Settings


def create_bus(settings: Settings) -> EventBus:
    """`RedisBus` when `KEFU_REDIS_URL` is set (several app processes), else `InProcessBus`."""
    if settings.redis_url:
        from kefu.events.redis_bus import RedisBus

        return RedisBus(settings.redis_url, prefix=settings.redis_prefix + "ev:")
    return InProcessBus()
