"""The language-and-intent enricher end to end (SQLite and PostgreSQL), and corrections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kefu.actions.agents import AgentInput, do_create_agent
from kefu.actions.classify import (
    MessageClassification,
    classify_enricher,
    corrections,
    do_classify_messages,
    do_correct_intent,
)
from kefu.actions.customers import CustomerInput, do_create_customer
from kefu.actions.enrichment import enrich_pending
from kefu.actions.inbound import build_deps, enricher_factories
from kefu.actions.messages import MessageInput, do_add_message
from kefu.actions.tickets import TicketInput, do_create_ticket
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Direction, Role
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.models import AuditEntry, IntentCorrection, Message, Ticket, utcnow
from kefu.store.repositories import tickets as repo
from kefu.triage.embedding import DEFAULT_EMBEDDER
from kefu.triage.intents.service import IntentService

SPANISH_DEPOSIT = (
    "Hola, hice un depósito de 500 USDT por la red TRC20 hace tres horas y todavía no "
    "aparece en mi cuenta. ¿Pueden revisarlo?"
)


@pytest.fixture
async def classified(
    settings: Settings, intent_model_path: Path
) -> AsyncIterator[tuple[ActionDeps, RecordingBus]]:
    """Actions whose pipeline classifies with the session's model (no training here)."""
    service = IntentService(
        intent_model_path, settings.embedder, settings.language_codes, explicit=True
    )
    engine = make_engine(settings.database_url, 5, schema=settings.database_schema)
    bus = RecordingBus()
    deps = build_deps(
        settings,
        make_sessionmaker(engine),
        bus,
        FileStore(settings.attachments_dir),
        enrichers=[classify_enricher(service)],
    )
    yield deps, bus
    await deps.pipeline.drain()
    await engine.dispose()


async def _desk(deps: ActionDeps, language: str | None = None) -> tuple[Principal, int]:
    async with UnitOfWork(deps, SYSTEM) as uow:
        agent = await do_create_agent(
            uow, AgentInput(email="a@test.example", name="A", role=Role.AGENT)
        )
        customer = await do_create_customer(
            uow, CustomerInput(uid="U1", name="Lucía", language=language)
        )
    return make_principal(PrincipalKind.AGENT, agent.id, Role.AGENT), customer.id


async def _open(deps: ActionDeps, customer_id: int, body: str) -> int:
    customer = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(deps, customer) as uow:
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject="Ayuda",
                message=MessageInput(body=body, channel="web_chat"),
            ),
        )
    return created.ticket.id


async def _ticket(deps: ActionDeps, ticket_id: int) -> tuple[Ticket, list[Message]]:
    async with deps.sessionmaker() as session:
        ticket = await repo.get_ticket(session, ticket_id)
        rows = await session.execute(
            select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
        )
        return ticket, list(rows.scalars())


async def _actions(deps: ActionDeps) -> list[str]:
    async with deps.sessionmaker() as session:
        rows = await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))
        return list(rows.scalars())


async def test_a_spanish_message_about_a_missing_deposit(
    classified: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = classified
    _, customer_id = await _desk(deps)
    ticket_id = await _open(deps, customer_id, SPANISH_DEPOSIT)
    created = [e.type for e in bus.published]
    assert "message.created" in created  # delivered before any classification
    assert "message.classified" not in created or created.index("message.classified") > (
        created.index("message.created")
    )
    await deps.pipeline.drain()

    ticket, (message,) = await _ticket(deps, ticket_id)
    assert (message.language, message.intent) == ("es", "deposit_missing")
    assert message.intent_confidence is not None
    assert message.intent_confidence > 0.5
    assert message.enriched_at is not None
    assert (ticket.language, ticket.intent, ticket.intent_source) == (
        "es",
        "deposit_missing",
        "model",
    )
    actions = await _actions(deps)
    assert "message.classify" in actions
    assert "ticket.classify" in actions
    updated = [e for e in bus.published if e.type == "ticket.updated"]
    assert updated[-1].payload["ticket"]["intent"] == "deposit_missing"
    assert updated[-1].payload["ticket"]["language"] == "es"
    (classified_event,) = [e for e in bus.published if e.type == "message.classified"]
    assert classified_event.payload["message_id"] == message.id
    assert not classified_event.public  # agents see it, customers do not


async def test_the_customers_language_is_the_prior_for_short_messages(
    classified: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, _ = classified
    _, customer_id = await _desk(deps, language="pt")
    ticket_id = await _open(deps, customer_id, "ok")
    await deps.pipeline.drain()
    ticket, (message,) = await _ticket(deps, ticket_id)
    assert message.language == "pt"
    assert ticket.language == "pt"


async def test_an_agents_intent_is_kept_and_learnt_from(
    classified: tuple[ActionDeps, RecordingBus],
) -> None:
    deps, bus = classified
    agent, customer_id = await _desk(deps)
    ticket_id = await _open(deps, customer_id, SPANISH_DEPOSIT)
    await deps.pipeline.drain()
    bus.published.clear()

    async with UnitOfWork(deps, agent) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        correction = await do_correct_intent(uow, ticket, "fiat_payment")
    assert correction.predicted == "deposit_missing"
    (event,) = bus.published
    assert event.type == "ticket.updated"
    assert event.payload["ticket"]["intent"] == "fiat_payment"
    assert "ticket.intent_correct" in await _actions(deps)
    assert [(c.text, c.intent) for c in await corrections(deps)] == [
        (SPANISH_DEPOSIT, "fiat_payment")
    ]

    # A later message is not classified: the agent settled what the ticket is about.
    customer = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(deps, customer) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        await do_add_message(
            uow,
            ticket,
            Direction.INBOUND,
            MessageInput(body="Mi retiro de BTC sigue pendiente", channel="web_chat"),
        )
    await deps.pipeline.drain()
    ticket, messages = await _ticket(deps, ticket_id)
    assert messages[-1].intent is None
    assert messages[-1].enriched_at is not None
    assert (ticket.intent, ticket.intent_source) == ("fiat_payment", "agent")


async def test_corrections_are_checked(classified: tuple[ActionDeps, RecordingBus]) -> None:
    deps, _ = classified
    agent, customer_id = await _desk(deps)
    ticket_id = await _open(deps, customer_id, SPANISH_DEPOSIT)
    customer = make_principal(PrincipalKind.CUSTOMER, customer_id)
    async with UnitOfWork(deps, agent) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        with pytest.raises(InvalidInput, match="unknown intent"):
            await do_correct_intent(uow, ticket, "kyc")
        with pytest.raises(InvalidInput, match="not a customer message"):
            await do_correct_intent(uow, ticket, "other", message_id=10**9)
    async with UnitOfWork(deps, customer) as uow:
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        with pytest.raises(PermissionDenied):
            await do_correct_intent(uow, ticket, "other")
        with pytest.raises(PermissionDenied):
            await do_classify_messages(uow, [MessageClassification(1, "es", "other", 0.9)])
    async with deps.sessionmaker() as session:
        assert list((await session.execute(select(IntentCorrection))).scalars()) == []


async def test_the_sweep_classifies_what_a_crash_left_pending(
    settings: Settings, intent_model_path: Path
) -> None:
    service = IntentService(
        intent_model_path, DEFAULT_EMBEDDER, settings.language_codes, explicit=True
    )
    engine = make_engine(settings.database_url, 5, schema=settings.database_schema)
    files = FileStore(settings.attachments_dir)
    sessionmaker = make_sessionmaker(engine)
    # Stored by a CLI command, which leaves enrichment to a server.
    cli = build_deps(
        settings,
        sessionmaker,
        RecordingBus(),
        files,
        enrichers=[classify_enricher(service)],
        defer_enrichment=True,
    )
    _, customer_id = await _desk(cli)
    ticket_id = await _open(cli, customer_id, "我的提现已经三个小时了还没到账")
    await cli.pipeline.drain()
    _, (message,) = await _ticket(cli, ticket_id)
    assert message.intent is None
    assert message.enriched_at is None

    deps = build_deps(
        settings, sessionmaker, RecordingBus(), files, enrichers=[classify_enricher(service)]
    )
    assert await enrich_pending(deps, older_than=utcnow()) == 1
    _, (message,) = await _ticket(deps, ticket_id)
    assert (message.language, message.intent) == ("zh", "withdrawal_issue")
    assert message.enriched_at is not None
    assert await enrich_pending(deps, older_than=utcnow()) == 0
    await engine.dispose()


def test_the_classifier_is_wired_in_by_the_settings() -> None:
    others = {"lookalike_check": False, "triage_safety": False, "auto_escalate": False}
    assert len(enricher_factories(Settings(classify=True, **others))) == 1
    assert enricher_factories(Settings(classify=False, **others)) == []
