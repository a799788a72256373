"""Running the inbound pipeline's enrichers: after commit, and again for what a crash left."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select, update

from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.permissions import SYSTEM
from kefu.store.models import Message


def mark_enriched(deps: ActionDeps) -> Callable[[list[int]], Awaitable[None]]:
    async def _mark(message_ids: list[int]) -> None:
        async with UnitOfWork(deps, SYSTEM) as uow:
            await uow.session.execute(
                update(Message).where(Message.id.in_(message_ids)).values(enriched_at=uow.now())
            )

    return _mark


async def enrich_pending(deps: ActionDeps, older_than: datetime, limit: int = 500) -> int:
    """Enrich inbound messages still pending since before `older_than` (their process died, or
    an enricher failed). Returns how many were handed to the enrichers."""
    if not deps.pipeline.enriches:
        return 0
    async with deps.sessionmaker() as session:
        rows = await session.execute(
            select(Message.id)
            .where(
                Message.enriched_at.is_(None),
                Message.direction == "inbound",
                Message.created_at < older_than,
            )
            .order_by(Message.id)
            .limit(limit)
        )
        ids = [message_id for (message_id,) in rows]
    if ids:
        await deps.pipeline.enrich(ids, mark_enriched(deps))
    return len(ids)
