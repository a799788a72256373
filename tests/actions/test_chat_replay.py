"""Event replay, the live-view check: for every chat action, the events it publishes, applied
to the conversation state taken before it (kefu.domain.chat_state.apply_event), give exactly the
state a fresh load_conversation gives after it, for the agent view and the customer view.

Customers see only public events, cut with customer_payload. The `seq` of a customer's snapshot
counts internal events too (it is where a `resume` starts), so a customer who applied only public
events may be behind on `seq` alone; everything else must be equal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kefu.actions.chat import do_chat_message, do_claim, do_mark_read, lock_chat
from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.messages import MessageInput, do_add_message, do_add_note
from kefu.actions.tickets import (
    TicketInput,
    do_assign,
    do_change_status,
    do_create_ticket,
    do_escalate,
    do_merge,
    do_set_tags,
    do_update_ticket,
)
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.chat_state import apply_event, customer_payload
from kefu.domain.enums import Channel, Direction, Priority, Role, TicketStatus
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.events.bus import Event, RecordingBus, ticket_stream
from kefu.store.repositories import tickets as repo
from kefu.web.chat.snapshot import load_conversation
from tests import support

Deps = tuple[ActionDeps, RecordingBus]


@dataclass
class World:
    deps: ActionDeps
    bus: RecordingBus
    customer: Principal
    agent: Principal
    agent2: Principal
    supervisor: Principal
    chat: int  # the customer's open chat, with one message from each side
    last_message: int


async def snapshot(deps: ActionDeps, ticket_id: int, *, customer: bool) -> dict[str, Any]:
    async with deps.sessionmaker() as session:
        ticket = await repo.get_ticket(session, ticket_id)
        return await load_conversation(session, ticket, customer=customer)


def replay(
    state: dict[str, Any], events: list[Event], ticket_id: int, *, customer: bool
) -> dict[str, Any]:
    """Apply the events of one conversation as a client of that kind receives them."""
    seqs = []
    for event in events:
        if ticket_stream(ticket_id) not in event.streams or event.seq is None:
            continue
        seqs.append(event.seq)
        if customer:
            if not event.public:
                continue
            body = {"type": event.type, **customer_payload(event.type, event.payload)}
        else:
            body = {"type": event.type, **event.payload}
        state = apply_event(state, event.seq, body)
    assert seqs == sorted(seqs), "a unit of work publishes a ticket's events in seq order"
    return state


async def make_world(deps: ActionDeps, bus: RecordingBus) -> World:
    desk = await support.seed_desk(deps, bus)
    ids = desk.agent_ids
    agent = make_principal(PrincipalKind.AGENT, ids["agent"], Role.AGENT, name="Agent")
    agent2 = make_principal(PrincipalKind.AGENT, ids["agent2"], Role.AGENT, name="Agent2")
    supervisor = make_principal(
        PrincipalKind.AGENT, ids["supervisor"], Role.SUPERVISOR, name="Supervisor"
    )
    async with UnitOfWork(deps, SYSTEM) as uow:
        row = await do_ensure_customer_by_uid(uow, "U-replay")
    customer = make_principal(PrincipalKind.CUSTOMER, row.id, name="U-replay")
    async with UnitOfWork(deps, customer) as uow:
        started = await do_chat_message(uow, None, "c0", "My deposit has not arrived")
    chat = started.ticket_id
    async with UnitOfWork(deps, agent) as uow:
        reply = await do_chat_message(uow, chat, "a0", "Let me check that for you")
    bus.published.clear()
    return World(deps, bus, customer, agent, agent2, supervisor, chat, reply.posted.message.id)


Action = Callable[[World], Awaitable[None]]


async def customer_message(w: World) -> None:
    async with UnitOfWork(w.deps, w.customer) as uow:
        await do_chat_message(uow, w.chat, "c1", "It is transaction 0xabc")


async def customer_message_to_open_chat(w: World) -> None:
    async with UnitOfWork(w.deps, w.customer) as uow:
        posted = await do_chat_message(uow, None, "c1", "Still waiting")
    assert posted.ticket_id == w.chat


async def customer_message_duplicate(w: World) -> None:
    async with UnitOfWork(w.deps, w.customer) as uow:
        posted = await do_chat_message(uow, w.chat, "c0", "My deposit has not arrived")
    assert not posted.posted.created


async def agent_reply_chat(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        await do_chat_message(uow, w.chat, "a1", "Found it: it is on its way")


async def agent_reply_rest(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_add_message(
            uow, ticket, Direction.OUTBOUND, MessageInput(body="Sent by e-mail too", channel="api")
        )


async def internal_note(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_add_note(uow, ticket, "customer seems legit; checked the chain")


async def read_by_customer(w: World) -> None:
    async with UnitOfWork(w.deps, w.customer) as uow:
        ticket = await lock_chat(uow, w.chat)
        assert await do_mark_read(uow, ticket, w.last_message)


async def read_by_agent(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        assert await do_mark_read(uow, ticket, w.last_message)


async def claim(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_claim(uow, ticket)


async def assign_by_supervisor(w: World) -> None:
    async with UnitOfWork(w.deps, w.supervisor) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_assign(uow, ticket, w.agent2.id)


async def status_solved(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_change_status(uow, ticket, TicketStatus.SOLVED)


async def status_pending(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_change_status(uow, ticket, TicketStatus.PENDING)


async def solved_by_customer(w: World) -> None:
    async with UnitOfWork(w.deps, w.customer) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_change_status(uow, ticket, TicketStatus.SOLVED)


async def tags(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_set_tags(uow, ticket, ["deposit", "btc"], [])
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_set_tags(uow, ticket, [], ["btc"])


async def escalate(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_escalate(uow, ticket, "large amount")


async def update_fields(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_update_ticket(uow, ticket, {"subject": "BTC deposit", "priority": Priority.HIGH})


async def several_in_one_unit(w: World) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        ticket = await lock_chat(uow, w.chat)
        await do_claim(uow, ticket)
        await do_add_note(uow, ticket, "taking this")
        await do_add_message(
            uow, ticket, Direction.OUTBOUND, MessageInput(body="On it", channel="web_chat")
        )
        await do_change_status(uow, ticket, TicketStatus.PENDING)


async def other_ticket(w: World) -> int:
    """A second, tagged (e-mail) ticket of the customer; the chat gets a tag too."""
    async with UnitOfWork(w.deps, w.agent) as uow:
        target = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=w.customer.id,
                subject="Deposit (e-mail)",
                message=MessageInput(body="Same problem by e-mail", channel=Channel.EMAIL.value),
            ),
        )
        await do_set_tags(uow, target.ticket, ["email"], [])
    async with UnitOfWork(w.deps, w.agent) as uow:
        source = await lock_chat(uow, w.chat)
        await do_set_tags(uow, source, ["deposit"], [])
    return target.ticket.id


async def merge(w: World, target: int) -> None:
    async with UnitOfWork(w.deps, w.supervisor) as uow:
        source = await lock_chat(uow, w.chat)
        dest = await lock_chat(uow, target)
        await do_merge(uow, source, dest)


ACTIONS: dict[str, Action] = {
    "customer_message": customer_message,
    "customer_message_to_open_chat": customer_message_to_open_chat,
    "customer_message_duplicate": customer_message_duplicate,
    "agent_reply_chat": agent_reply_chat,
    "agent_reply_rest": agent_reply_rest,
    "internal_note": internal_note,
    "read_by_customer": read_by_customer,
    "read_by_agent": read_by_agent,
    "claim": claim,
    "assign_by_supervisor": assign_by_supervisor,
    "status_solved": status_solved,
    "status_pending": status_pending,
    "solved_by_customer": solved_by_customer,
    "tags": tags,
    "escalate": escalate,
    "update_fields": update_fields,
    "several_in_one_unit": several_in_one_unit,
}


async def check_replay(
    w: World, ticket_ids: list[int], action: Callable[[], Awaitable[Any]]
) -> None:
    before = {
        (tid, cust): await snapshot(w.deps, tid, customer=cust)
        for tid in ticket_ids
        for cust in (False, True)
    }
    w.bus.published.clear()
    await action()
    events = list(w.bus.published)
    for tid in ticket_ids:
        agent_state = replay(before[tid, False], events, tid, customer=False)
        assert agent_state == await snapshot(w.deps, tid, customer=False)
        customer_state = replay(before[tid, True], events, tid, customer=True)
        fresh = await snapshot(w.deps, tid, customer=True)
        assert customer_state["seq"] <= fresh["seq"]
        assert {**customer_state, "seq": fresh["seq"]} == fresh
        public = [e.seq for e in events if ticket_stream(tid) in e.streams and e.public and e.seq]
        assert customer_state["seq"] == max(public, default=before[tid, True]["seq"])


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_events_replay_to_a_fresh_load(deps: Deps, name: str) -> None:
    w = await make_world(*deps)
    action = ACTIONS[name]
    await check_replay(w, [w.chat], lambda: action(w))


@pytest.mark.parametrize("before", [status_solved, status_pending, claim, internal_note])
async def test_customer_message_after_a_change(deps: Deps, before: Action) -> None:
    """A customer writing again reopens a solved or pending chat: the message's event carries
    the status change."""
    w = await make_world(*deps)
    await before(w)
    await check_replay(w, [w.chat], lambda: customer_message(w))
    snapshot_after = await snapshot(w.deps, w.chat, customer=True)
    assert snapshot_after["ticket"]["status"] == "open"


async def test_merge_replays_on_the_merged_chat(deps: Deps) -> None:
    w = await make_world(*deps)
    target = await other_ticket(w)
    await check_replay(w, [w.chat], lambda: merge(w, target))


async def test_merge_replays_on_the_target(deps: Deps) -> None:
    w = await make_world(*deps)
    target = await other_ticket(w)
    await check_replay(w, [target], lambda: merge(w, target))
