"""Auto-assignment as things happen: a process-wide task that follows the desk's events and
fills free slots the moment a chat starts waiting, an agent comes online or a conversation ends.

Several processes may each run one: every assignment is claimed under locks
(kefu/actions/routing.py), so they only duplicate the deciding, never an assignment.
"""

from __future__ import annotations

import asyncio
import logging

from kefu.actions.routing import route_waiting
from kefu.actions.unit_of_work import ActionDeps
from kefu.events.bus import DESK_STREAM, QUEUE_STREAM, Event, Subscription

log = logging.getLogger("kefu.router")
TRIGGERS = frozenset({"ticket.created", "ticket.updated", "agent.presence", "routing.changed"})


async def route_on_events(deps: ActionDeps, settle: float = 0.2) -> None:
    """Run until cancelled. Events arriving within `settle` seconds of the first are handled
    together, so a burst of changes costs one routing round."""
    loop = asyncio.get_running_loop()
    subscription = await _follow(deps)
    try:
        while True:
            event: Event | None = await subscription.get()
            lost, wanted = event is None, event is not None and event.type in TRIGGERS
            deadline = loop.time() + settle
            while not lost and (left := deadline - loop.time()) > 0:
                try:
                    event = await asyncio.wait_for(subscription.get(), left)
                except TimeoutError:
                    break
                lost = event is None
                wanted = wanted or (event is not None and event.type in TRIGGERS)
            if lost:  # the bus lost events or closed: resubscribe, and route anyway
                await subscription.close()
                subscription = await _follow(deps)
            if lost or wanted:
                try:
                    await route_waiting(deps)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("routing failed; trying again on the next event")
    finally:
        await subscription.close()


async def _follow(deps: ActionDeps) -> Subscription:
    subscription = deps.bus.subscription()
    await subscription.add(DESK_STREAM)
    await subscription.add(QUEUE_STREAM)
    return subscription
