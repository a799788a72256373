"""One transaction of state change: rows, audit entries, then events published after commit.

    async with UnitOfWork(deps, actor) as uow:
        ticket = await do_create_ticket(uow, ...)

Every `do_*` function takes a unit of work. Leaving the block commits, then publishes what the
actions queued; an exception rolls everything back and publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kefu.actions.sender_cache import SenderCache
from kefu.domain.permissions import Perm, Principal, PrincipalKind, require
from kefu.events.bus import Event, EventBus, ticket_stream
from kefu.store.db import GATE_KEY, WRITE_OPTION
from kefu.store.files import FileStore
from kefu.store.models import AuditEntry, IdempotencyRecord, Ticket, TicketEvent, utcnow
from kefu.store.raw_pg import RawPostgres
from kefu.store.write_gate import WriteGate
from kefu.triage.pipeline import InboundPipeline


@dataclass(frozen=True)
class ActionDeps:
    """What actions need from the running process; built once by the app or CLI."""

    sessionmaker: async_sessionmaker[AsyncSession]
    bus: EventBus
    files: FileStore
    pipeline: InboundPipeline = field(default_factory=InboundPipeline)
    # Who was free to write a moment ago (kefu/actions/sender_cache.py).
    senders: SenderCache = field(default_factory=SenderCache)
    # PostgreSQL only: connections for the plain chat write (kefu/actions/chat_plain.py).
    raw: RawPostgres | None = None

    async def close(self) -> None:
        """Close what these dependencies opened themselves (the raw connections)."""
        if self.raw is not None:
            await self.raw.close()


async def after_commit(deps: ActionDeps, events: list[Event], to_enrich: list[int]) -> None:
    """What follows every committed change: publish its events, then hand its new inbound
    messages to the pipeline's enrichers."""
    if events:
        await deps.bus.publish(events)
    if to_enrich:
        from kefu.actions.enrichment import mark_enriched

        deps.pipeline.after_commit(to_enrich, mark_enriched(deps))


class UnitOfWork:
    def __init__(
        self,
        deps: ActionDeps,
        actor: Principal,
        request_id: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.deps = deps
        self.actor = actor
        self.request_id = request_id
        self.clock = clock
        self.events: list[Event] = []
        self._session: AsyncSession | None = None
        self._gate: WriteGate = WriteGate()
        self._audit_rows: list[dict[str, Any]] = []
        self._ticket_event_rows: list[dict[str, Any]] = []
        self._last_seq: dict[int, tuple[Ticket, int]] = {}  # ticket id → (ticket, newest seq)
        self.to_enrich: list[int] = []  # inbound messages for the pipeline's enrichers

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        session = self.deps.sessionmaker()
        gate: WriteGate = session.info.get(GATE_KEY) or WriteGate()
        await gate.acquire()
        try:
            await session.connection(execution_options={WRITE_OPTION: True})
        except BaseException:
            await session.close()
            gate.release()
            raise
        self._session, self._gate = session, gate
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                for ticket, seq in self._last_seq.values():
                    ticket.event_seq = seq  # one UPDATE, with the ticket's other changes
                if self._audit_rows or self._ticket_event_rows:
                    await session.flush()
                if self._audit_rows:
                    await session.execute(insert(AuditEntry), self._audit_rows)
                if self._ticket_event_rows:
                    await session.execute(insert(TicketEvent), self._ticket_event_rows)
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._gate.release()
            self._session = None
            self._audit_rows = []
            self._ticket_event_rows = []
            self._last_seq = {}
        if exc_type is None:
            await after_commit(self.deps, self.events, self.to_enrich)

    # -- helpers for actions ------------------------------------------------------------
    def now(self) -> datetime:
        """The time of this change (a UTC-aware datetime); imports and replays set the clock."""
        return self.clock()

    def require(self, perm: Perm) -> None:
        require(self.actor, perm)

    @property
    def actor_kind(self) -> str:
        return "agent" if self.actor.kind == PrincipalKind.TOKEN else self.actor.kind.value

    @property
    def actor_id(self) -> int | None:
        return self.actor.id or None

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        # Written in one statement at commit (audit rows are never read back in a change).
        self._audit_rows.append(
            {
                "at": self.now(),
                "actor_kind": self.actor.kind.value,
                "actor_id": self.actor_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": before,
                "after": after,
                "request_id": self.request_id,
            }
        )

    def emit(self, event: Event) -> None:
        """Publish after commit, not stored: for desk-wide notices (presence, new agents…)."""
        self.events.append(event)

    def ticket_event(
        self,
        ticket: Ticket,
        type: str,
        payload: dict[str, Any],
        *,
        public: bool = True,
        also: tuple[str, ...] = (),
    ) -> Event:
        """Store an event in the ticket's log with the next `seq`, and publish it after commit
        on the ticket's stream (and on `also`).

        The caller holds the ticket's row lock (or created the ticket in this unit of work), so
        seqs are gapless and committed in order.
        """
        pending = self._last_seq.get(ticket.id)
        seq = (pending[1] if pending else ticket.event_seq or 0) + 1
        self._last_seq[ticket.id] = (ticket, seq)
        self._ticket_event_rows.append(
            {
                "ticket_id": ticket.id,
                "seq": seq,
                "type": type,
                "payload": payload,
                "public": public,
                "created_at": self.now(),
            }
        )
        event = Event(type, (ticket_stream(ticket.id), *also), payload, public=public, seq=seq)
        self.events.append(event)
        return event

    def remember_response(
        self, principal: str, key: str, fingerprint: str, status_code: int, response: Any
    ) -> None:
        """Store the response of an idempotent request in this same transaction.

        A concurrent request with the same key fails on the unique constraint at commit, rolls
        back everything it wrote and replays this response instead.
        """
        self.session.add(
            IdempotencyRecord(
                principal=principal,
                key=key,
                fingerprint=fingerprint,
                status_code=status_code,
                response=response,
            )
        )
