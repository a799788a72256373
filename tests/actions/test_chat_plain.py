"""The two-statement PostgreSQL path for plain chat messages writes exactly what the general
path writes: the same message, ticket, event-log and audit rows (ids and times aside).

Each scenario runs twice on one database, once as it comes (PostgreSQL takes the plain path where
it can) and once with the plain path switched off; the normalised rows must be equal. On SQLite
both runs take the general path, so the comparison holds trivially there and the test checks the
scenario itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from kefu.actions.chat import do_chat_message, lock_chat, post_chat_message
from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.tickets import do_change_status
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Role, TicketStatus
from kefu.domain.errors import InvalidTransition, NotFound
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.events.bus import RecordingBus
from kefu.store.models import AuditEntry, Message, Ticket, TicketEvent
from kefu.store.repositories import chat_write
from kefu.triage.pipeline import Screened
from tests import support

Deps = tuple[ActionDeps, RecordingBus]
VOLATILE = {
    "id",
    "number",
    "ticket_id",
    "created_at",
    "updated_at",
    "first_response_at",
    "external_id",
}
PEOPLE = {"author_id", "customer_id", "actor_id"}


def _clean(value: Any, customer: int) -> Any:
    """Without what differs between two conversations: ids, times, ticket numbers, the
    customer."""
    if isinstance(value, dict):
        return {
            k: "<customer>" if k in PEOPLE and v == customer else _clean(v, customer)
            for k, v in value.items()
            if k not in VOLATILE and not (k == "ticket" and isinstance(v, str))
        }
    if isinstance(value, list):
        return [_clean(v, customer) for v in value]
    if isinstance(value, str) and value.startswith("message "):
        return "message <id>"
    return value


async def _rows(deps: ActionDeps, ticket_id: int) -> dict[str, Any]:
    async with deps.sessionmaker() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        customer = ticket.customer_id
        messages = list(
            (
                await session.execute(
                    select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
                )
            ).scalars()
        )
        events = list(
            (
                await session.execute(
                    select(TicketEvent)
                    .where(TicketEvent.ticket_id == ticket_id)
                    .order_by(TicketEvent.seq)
                )
            ).scalars()
        )
        message_ids = [m.id for m in messages]
        audit = list(
            (
                await session.execute(
                    select(AuditEntry)
                    .where(
                        ((AuditEntry.entity == "ticket") & (AuditEntry.entity_id == ticket_id))
                        | ((AuditEntry.entity == "message") & AuditEntry.entity_id.in_(message_ids))
                    )
                    .order_by(AuditEntry.id)
                )
            ).scalars()
        )
    return {
        "ticket": (ticket.status, ticket.event_seq, ticket.first_response_at is not None),
        "message_order_follows_seq": message_ids == sorted(message_ids),
        "messages": [
            _clean(
                {
                    "direction": m.direction,
                    "author_kind": m.author_kind,
                    "author_id": m.author_id,
                    "body": m.body,
                    "channel": m.channel,
                    "pending": m.enriched_at is None,
                },
                customer,
            )
            for m in messages
        ],
        "events": [(e.seq, e.type, e.public, _clean(e.payload, customer)) for e in events],
        "audit": [
            _clean(
                {
                    "actor_kind": a.actor_kind,
                    "actor_id": a.actor_id,
                    "action": a.action,
                    "entity": a.entity,
                    "before": a.before,
                    "after": a.after,
                },
                customer,
            )
            for a in audit
        ],
    }


async def _scenario(deps: ActionDeps, agent: Principal, uid: str) -> tuple[int, list[bool]]:
    """A short conversation; returns the chat and whether each message was new."""
    async with UnitOfWork(deps, SYSTEM) as uow:
        row = await do_ensure_customer_by_uid(uow, uid)
    customer = make_principal(PrincipalKind.CUSTOMER, row.id, name=uid)
    created = []
    async with UnitOfWork(deps, customer) as uow:
        first = await do_chat_message(uow, None, "c0", "My deposit has not arrived")
    chat = first.ticket_id
    steps: list[tuple[Principal, str, str]] = [
        (agent, f"{uid}-a0", "Which network did you use?"),  # new → open, first response
        (
            customer,
            "c1",
            "ERC-20, tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        ),
        (
            customer,
            "c1",
            "ERC-20, tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        ),
    ]
    for who, cid, body in steps:
        created.append((await post_chat_message(deps, who, chat, cid, body)).posted.created)
    async with UnitOfWork(deps, agent) as uow:
        await do_change_status(uow, await lock_chat(uow, chat), TicketStatus.PENDING)
    # pending → open, audited with its cause
    created.append(
        (await post_chat_message(deps, customer, chat, "c2", "Any news?")).posted.created
    )
    return chat, created


def _agent(desk: support.Desk) -> Principal:
    return make_principal(PrincipalKind.AGENT, desk.agent_ids["agent"], Role.AGENT, name="Agent")


async def test_plain_path_writes_what_the_general_path_writes(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_deps, bus = deps
    agent = _agent(await support.seed_desk(action_deps, bus))
    writes = 0
    real_insert = chat_write.write_plain

    async def counting(*args: Any) -> Any:
        nonlocal writes
        writes += 1
        return await real_insert(*args)

    monkeypatch.setattr(chat_write, "write_plain", counting)
    plain_chat, plain_created = await _scenario(action_deps, agent, "U-plain")
    plain_writes = writes
    plain_events = _published(bus, plain_chat)
    general_deps = replace(action_deps, raw=None)  # no raw connections: the general path only
    general_chat, general_created = await _scenario(general_deps, agent, "U-general")

    is_pg = action_deps.sessionmaker.kw["bind"].dialect.name == "postgresql"
    assert plain_writes == (4 if is_pg else 0)  # every message after the first; the re-send too
    assert writes == plain_writes
    assert plain_created == general_created == [True, True, False, True]
    plain, general = await _rows(action_deps, plain_chat), await _rows(action_deps, general_chat)
    assert plain["message_order_follows_seq"]
    assert plain == general
    # … and publish the same events after commit.
    assert plain_events == _published(bus, general_chat)


def _published(bus: RecordingBus, chat: int) -> list[Any]:
    """The events published for a conversation, without what differs between two of them."""
    stream = f"ticket:{chat}"
    events = [e for e in bus.published if stream in e.streams]
    customer = next(
        e.payload["ticket"]["customer_id"] for e in events if e.type == "ticket.created"
    )
    others = {stream: "<ticket>", f"customer:{customer}": "<customer>"}
    return [
        (
            e.type,
            e.seq,
            e.public,
            [others.get(s, s) for s in e.streams],
            _clean(e.payload, customer),
        )
        for e in events
    ]


async def test_plain_path_leaves_other_cases_to_the_general_path(deps: Deps) -> None:
    action_deps, bus = deps
    agent = _agent(await support.seed_desk(action_deps, bus))
    chat, _ = await _scenario(action_deps, agent, "U-cases")
    async with UnitOfWork(action_deps, SYSTEM) as uow:
        other = await do_ensure_customer_by_uid(uow, "U-other")
    stranger = make_principal(PrincipalKind.CUSTOMER, other.id, name="U-other")
    with pytest.raises(NotFound):
        async with UnitOfWork(action_deps, stranger) as uow:
            await do_chat_message(uow, chat, "x1", "let me in")
    async with UnitOfWork(action_deps, agent) as uow:
        ticket = await lock_chat(uow, chat)
        await do_change_status(uow, ticket, TicketStatus.SOLVED)
    async with UnitOfWork(action_deps, agent) as uow:
        await do_change_status(uow, await lock_chat(uow, chat), TicketStatus.CLOSED)
    with pytest.raises(InvalidTransition):
        async with UnitOfWork(action_deps, agent) as uow:
            await do_chat_message(uow, chat, "a9", "one more thing")


async def test_screened_messages_take_the_general_path(deps: Deps) -> None:
    action_deps, bus = deps
    agent = _agent(await support.seed_desk(action_deps, bus))
    chat, _ = await _scenario(action_deps, agent, "U-screened")

    def mask(screened: Screened) -> Screened:
        return Screened(screened.body.replace("hunter2", "[masked]"), None, flags=("masked",))

    action_deps.pipeline.screening = [mask]
    async with UnitOfWork(action_deps, agent) as uow:  # staff messages are not screened
        await do_chat_message(uow, chat, "a1", "noted")
    customer = make_principal(
        PrincipalKind.CUSTOMER, (await _rows_customer(action_deps, chat)), name="U-screened"
    )
    async with UnitOfWork(action_deps, customer) as uow:
        posted = await do_chat_message(uow, chat, "c9", "my password is hunter2")
    assert posted.posted.message.body == "my password is [masked]"


async def _rows_customer(deps: ActionDeps, chat: int) -> int:
    async with deps.sessionmaker() as session:
        ticket = await session.get(Ticket, chat)
        assert ticket is not None
        return ticket.customer_id


async def test_concurrent_writers_keep_ids_and_times_in_seq_order(deps: Deps) -> None:
    """Two people writing at once: the conversation's order by time (transcripts) and by id
    is its order by seq (live views), whichever path each message takes."""
    action_deps, bus = deps
    agent = _agent(await support.seed_desk(action_deps, bus))
    chat, _ = await _scenario(action_deps, agent, "U-race")
    customer = make_principal(
        PrincipalKind.CUSTOMER, await _rows_customer(action_deps, chat), name="U-race"
    )
    sends = [
        post_chat_message(action_deps, who, chat, f"{tag}{n}", f"{tag} {n}")
        for n in range(15)
        for who, tag in ((customer, "c"), (agent, "a"))
    ]
    await asyncio.gather(*sends)
    async with action_deps.sessionmaker() as session:
        messages = list(
            (await session.execute(select(Message).where(Message.ticket_id == chat))).scalars()
        )
        events = list(
            (
                await session.execute(
                    select(TicketEvent).where(
                        TicketEvent.ticket_id == chat, TicketEvent.type == "message.created"
                    )
                )
            ).scalars()
        )
    by_seq = [e.payload["message"]["id"] for e in sorted(events, key=lambda e: e.seq)]
    assert [m.id for m in sorted(messages, key=lambda m: (m.created_at, m.id))] == by_seq
    assert [m.id for m in sorted(messages, key=lambda m: m.id)] == by_seq
