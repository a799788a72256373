"""Periodic work every app process does: presence, routing, SLA clocks, pending enrichment.

Each sweep is idempotent, so all processes may run it; no leader is needed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from kefu.actions.enrichment import enrich_pending
from kefu.actions.presence import do_sweep_presence
from kefu.actions.routing import route_waiting
from kefu.actions.sla import do_sweep_sla
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.actions.wait_estimates import record_expected
from kefu.actions.waiting import queue_statuses
from kefu.domain.permissions import SYSTEM
from kefu.store.models import utcnow
from kefu.store.repositories import routing as routing_repo
from kefu.store.repositories import waits as waits_repo

log = logging.getLogger("kefu.sweeps")
ENRICH_GRACE = timedelta(seconds=30)


async def sweep_once(deps: ActionDeps, *, auto_assign: bool = False) -> None:
    async with UnitOfWork(deps, SYSTEM) as uow:
        await do_sweep_presence(uow, uow.now())
    # Live conversations of agents gone offline back to the queue; free slots filled if asked.
    await route_waiting(deps, fill=auto_assign)
    async with UnitOfWork(deps, SYSTEM) as uow:
        await do_sweep_sla(uow, uow.now())
    await record_waiting(deps)
    if not deps.pipeline.deferred:  # deferred: `kefu enrich` workers do it
        await enrich_pending(deps, utcnow() - ENRICH_GRACE)


async def record_waiting(deps: ActionDeps) -> int:
    """Store the expected wait of every waiting ticket that has none yet (the chat's queue
    updates store it sooner for the chats they show it to): calibration data."""
    async with deps.sessionmaker() as session:
        now = utcnow()
        ids = [w.id for w in await routing_repo.waiting(session)]
        have = await waits_repo.open_for(session, ids)
        todo = [i for i in ids if i not in have]
        found = await queue_statuses(session, todo, now) if todo else {}
    expected = [e for s in found.values() if (e := s.expected()) is not None]
    return await record_expected(deps, expected) if expected else 0


async def sweep_forever(deps: ActionDeps, interval: float, *, auto_assign: bool = False) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await sweep_once(deps, auto_assign=auto_assign)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweep failed; trying again next time")
