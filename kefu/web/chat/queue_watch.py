"""Live queue position for waiting customers: one task per process tells the customers connected
to it where their waiting chat stands, and keeps telling them as the queue moves.

Nothing of this runs per message. The task follows the queue's events (a chat starts waiting,
one is taken or ends, an agent comes or goes), lets a burst settle, then computes the status of
every waiting chat whose customer is connected here from one snapshot (kefu/actions/waiting.py
`queue_statuses`), and sends a `queue_position` frame to the connections whose status changed.
It also refreshes every `refresh` seconds, since the range of the wait moves with time. When a
chat stops waiting (an agent took it) its customers get `"waiting": false` once.

Each process serves only its own connections, so several processes never send a customer the
same frame twice; the first estimate shown for a wait is stored for calibration
(kefu/actions/wait_estimates.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from kefu.actions.unit_of_work import ActionDeps
from kefu.actions.wait_estimates import WaitCalibration, record_expected
from kefu.actions.waiting import QueueStatus, queue_statuses
from kefu.domain.enums import Channel
from kefu.domain.ticket_number import format_number
from kefu.events.bus import QUEUE_STREAM
from kefu.store.models import utcnow

log = logging.getLogger("kefu.chat.queue")

SETTLE_SECONDS = 0.5  # changes within this long of the first are handled together
REFRESH_SECONDS = 30.0
SEND_TIMEOUT = 2.0
LOST_BACKOFF = 0.5
TRIGGERS = frozenset({"ticket.created", "ticket.updated", "agent.presence", "routing.changed"})


class QueueListener(Protocol):
    async def queue_position(self, frame: dict[str, Any]) -> None: ...


def queue_frame(ticket_id: int, status: QueueStatus | None) -> dict[str, Any]:
    """The `queue_position` frame for a conversation (None: it does not wait)."""
    frame: dict[str, Any] = {"type": "queue_position", "conversation": format_number(ticket_id)}
    if status is None or status.estimate is None:
        frame["waiting"] = False
        return frame
    est = status.estimate.as_dict()
    frame.update(
        waiting=True,
        position=est["position"],
        wait_low_seconds=est["wait_low_seconds"],
        wait_high_seconds=est["wait_high_seconds"],
        agents_on_shift=status.agents_on_shift,
    )
    return frame


class QueueWatch:
    def __init__(
        self,
        deps: ActionDeps,
        calibration: WaitCalibration,
        *,
        settle: float = SETTLE_SECONDS,
        refresh: float = REFRESH_SECONDS,
    ) -> None:
        self.deps = deps
        self.calibration = calibration
        self.settle = settle
        self.refresh = refresh
        self._listeners: dict[int, set[QueueListener]] = {}
        self._sent: dict[tuple[int, int], dict[str, Any]] = {}  # (listener, ticket) → frame
        self._recorded: set[int] = set()  # waits whose estimate is stored
        self._nudge = asyncio.Event()

    # -- connections -------------------------------------------------------------------
    def watch(self, listener: QueueListener, ticket_id: int) -> None:
        """Tell this listener about this conversation from the next round on (soon)."""
        self._listeners.setdefault(ticket_id, set()).add(listener)
        self._nudge.set()

    def forget(self, listener: QueueListener) -> None:
        for ticket_id in list(self._listeners):
            self._listeners[ticket_id].discard(listener)
            self._sent.pop((id(listener), ticket_id), None)
            if not self._listeners[ticket_id]:
                del self._listeners[ticket_id]

    # -- the task ----------------------------------------------------------------------
    async def run(self) -> None:
        """Run until cancelled: a round after each settled burst of changes, and at least
        every `refresh` seconds."""
        pump = asyncio.create_task(self._pump())
        try:
            while True:
                try:
                    await asyncio.wait_for(self._nudge.wait(), self.refresh)
                    await asyncio.sleep(self.settle)  # let the burst settle
                except TimeoutError:
                    pass
                try:
                    await self.round()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("queue positions failed; trying again on the next change")
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)

    async def _pump(self) -> None:
        """Turn the queue's events into nudges (the bus losing events is one too)."""
        while True:
            subscription = self.deps.bus.subscription()
            try:
                await subscription.add(QUEUE_STREAM)
                while (event := await subscription.get()) is not None:
                    if event.type in TRIGGERS:
                        self._nudge.set()
            finally:
                await subscription.close()
            self._nudge.set()
            await asyncio.sleep(LOST_BACKOFF)  # a bus that keeps failing is not spun on

    async def round(self) -> None:
        """Compute the status of every watched conversation and send what changed."""
        self._nudge.clear()
        if not self._listeners:
            return
        ids = list(self._listeners)
        async with self.deps.sessionmaker() as session:
            now = utcnow()
            chat = await self.calibration.get(session, now, Channel.WEB_CHAT.value)
            found = await queue_statuses(session, ids, now, {Channel.WEB_CHAT.value: chat})
        new = [
            e
            for i, s in found.items()
            if i not in self._recorded and (e := s.expected()) is not None
        ]
        if new:
            await record_expected(self.deps, new)
            self._recorded.update(e.ticket_id for e in new)
        self._recorded.intersection_update(found)  # a wait that ended starts afresh next time
        for ticket_id in ids:
            frame = queue_frame(ticket_id, found.get(ticket_id))
            for listener in list(self._listeners.get(ticket_id, ())):
                key = (id(listener), ticket_id)
                last = self._sent.get(key)
                if last == frame or (last is None and not frame["waiting"]):
                    continue  # unchanged, or never shown as waiting: nothing to take back
                self._sent[key] = frame
                try:  # a stalled connection does not hold up everyone else's
                    await asyncio.wait_for(listener.queue_position(frame), SEND_TIMEOUT)
                except Exception:
                    log.debug("a connection went away while being told its queue position")
