"""Secrets never reach the database, the events or the logs; the customer is warned in their
language and the ticket is flagged for agents (on SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest
from mnemonic import Mnemonic
from sqlalchemy import select

from kefu.actions.chat import do_chat_message
from kefu.actions.customers import CustomerInput, do_create_customer
from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Direction
from kefu.domain.permissions import SYSTEM, PrincipalKind, make_principal
from kefu.events.bus import RecordingBus
from kefu.store.models import AuditEntry, Message, Ticket, TicketEvent, TicketTag

Deps = tuple[ActionDeps, RecordingBus]

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))
CARD = "4111 1111 1111 1111"
PASSWORD = "Hunter2024!"
SECRETS = (SEED, CARD, PASSWORD, *SEED.split()[3:6])  # no three words of it either


async def _customer(deps: ActionDeps, language: str | None) -> int:
    async with UnitOfWork(deps, SYSTEM) as uow:
        customer = await do_create_customer(uow, CustomerInput(uid="U-sec", language=language))
    return customer.id


async def _everything_stored(deps: ActionDeps) -> str:
    """Every text kefu stored about tickets, in one string."""
    async with deps.sessionmaker() as session:
        rows: list[Any] = []
        for model in (Message, Ticket, AuditEntry, TicketEvent, TicketTag):
            for row in (await session.execute(select(model))).scalars():
                rows.append({c.key: getattr(row, c.key) for c in model.__table__.columns})
    return orjson.dumps(rows, default=str).decode()


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert " ".join(SEED.split()[3:6]) not in text


async def test_rest_path_stores_no_secret_and_warns(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    action_deps, bus = deps
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements and parameters
    customer_id = await _customer(action_deps, "es")
    actor = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(action_deps, actor) as uow:
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject=f"password: {PASSWORD}",
                message=MessageInput(
                    body=f"Mi frase semilla:\n{SEED}\n¿está segura?",
                    channel="web_form",
                    html=f"<p>{SEED}</p>",
                ),
            ),
        )
        ticket = created.ticket
        posted = await do_add_message(
            uow, ticket, Direction.INBOUND, MessageInput(body=f"tarjeta {CARD}", channel="web_form")
        )
    assert created.first.message.body == "Mi frase semilla:\n[redacted:seed_phrase]\n¿está segura?"
    assert created.first.message.html is None
    assert ticket.subject == "password: [redacted:password]"
    assert posted.message.body == "tarjeta [redacted:card_number]"
    # Warned at once, in the customer's language; the wallet warning for a seed phrase.
    assert len(created.first.notices) == 1
    assert "a un monedero nuevo" in created.first.notices[0]
    assert "nunca" in posted.notices[0]

    stored = await _everything_stored(action_deps)
    _no_secret(stored)
    _no_secret(orjson.dumps([(e.type, e.payload) for e in bus.published]).decode())
    _no_secret(caplog.text)
    assert "[redacted:seed_phrase]" in caplog.text  # the statements were logged, redacted

    async with action_deps.sessionmaker() as session:
        tags = set((await session.execute(select(TicketTag.tag))).scalars())
        messages = list((await session.execute(select(Message).order_by(Message.id))).scalars())
        audit = list(
            (
                await session.execute(
                    select(AuditEntry).where(AuditEntry.action == "message.screened")
                )
            ).scalars()
        )
    assert tags == {"security", "secret:seed_phrase", "secret:password", "secret:card_number"}
    kinds = [(m.direction, m.author_kind) for m in messages]
    assert kinds == [
        ("inbound", "customer"),
        ("outbound", "system"),  # the warning, public
        ("internal", "system"),  # account protection for the agent
        ("inbound", "customer"),
        ("outbound", "system"),
        ("internal", "system"),
    ]
    assert "move funds to a new wallet" in messages[2].body
    assert "freeze withdrawals" in messages[2].body
    assert "change the password" in messages[5].body
    assert audit[0].after == {
        "flags": ["security", "secret:seed_phrase", "secret:password"],
        "notices": ["secret:seed_phrase", "secret:password"],
    }
    # The warning does not count as a reply: no first response, status as the customer left it.
    assert ticket.first_response_at is None
    public = [e for e in bus.published if e.type == "message.created" and e.public]
    assert [e.payload["message"]["author_kind"] for e in public] == [
        "customer",
        "system",
        "customer",
        "system",
    ]


async def test_chat_path_warns_in_the_language_of_the_text(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    action_deps, bus = deps
    caplog.set_level(logging.DEBUG)
    customer_id = await _customer(action_deps, None)
    actor = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(action_deps, actor) as uow:
        posted = await do_chat_message(uow, None, "c1", f"我的助记词是 {SEED} 怎么办")
    assert posted.started
    async with action_deps.sessionmaker() as session:
        ticket = await session.get(Ticket, posted.ticket_id)
    assert ticket is not None
    assert ticket.subject.startswith("我的助记词是 [redacted:seed_phrase]")
    assert "新钱包" in posted.posted.notices[0]
    _no_secret(await _everything_stored(action_deps))
    _no_secret(orjson.dumps([(e.type, e.payload) for e in bus.published]).decode())
    _no_secret(caplog.text)


async def test_ordinary_messages_change_nothing(deps: Deps) -> None:
    action_deps, bus = deps
    customer_id = await _customer(action_deps, "en")
    actor = make_principal(PrincipalKind.CUSTOMER, customer_id)
    bus.published.clear()
    async with UnitOfWork(action_deps, actor) as uow:
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject="Deposit missing",
                message=MessageInput(
                    body="txid 5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
                    channel="web_form",
                ),
            ),
        )
    assert created.first.notices == ()
    assert [e.type for e in bus.published] == ["ticket.created", "message.created"]
