"""Enrichment in proportion to a conversation (kefu/domain/enrichment_plan.py): the model reads
the lines that can still change something, every line is stored, checked and marked enriched."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

from kefu.actions.classify import classify_enricher
from kefu.actions.inbound import build_deps
from kefu.actions.triage_enricher import triage_enricher
from kefu.actions.unit_of_work import ActionDeps
from kefu.domain import enrichment_plan as plan
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.models import Message, MessageMark, Ticket
from kefu.store.repositories import tickets as repo
from kefu.triage.embedding import Vectors, embed_queries
from kefu.triage.intents.service import IntentService
from tests import support


class Recording:
    """The real embedder, remembering which texts the enrichers asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, texts: Sequence[str]) -> Vectors:
        self.asked.extend(texts)
        return embed_queries(texts)


@pytest.fixture
async def enriching(
    settings: Settings, intent_model_path: Path
) -> AsyncIterator[tuple[ActionDeps, Recording, IntentService]]:
    service = IntentService(
        intent_model_path, settings.embedder, settings.language_codes, explicit=True
    )
    embed = Recording()
    engine = make_engine(settings.database_url, 5, schema=settings.database_schema)
    deps = build_deps(
        settings,
        make_sessionmaker(engine),
        RecordingBus(),
        FileStore(settings.attachments_dir),
        enrichers=[classify_enricher(service), lambda d: triage_enricher(d, embed)],
    )
    yield deps, embed, service
    await deps.pipeline.drain()
    await engine.dispose()


async def _state(
    deps: ActionDeps, ticket_id: int
) -> tuple[Ticket, list[Message], set[tuple[int, str]]]:
    async with deps.sessionmaker() as session:
        ticket = await repo.get_ticket(session, ticket_id)
        messages = list(
            (
                await session.execute(
                    select(Message)
                    .where(Message.ticket_id == ticket_id, Message.direction == "inbound")
                    .order_by(Message.id)
                )
            ).scalars()
        )
        marks = {
            (m.message_id, m.kind)
            for m in (
                await session.execute(
                    select(MessageMark).where(MessageMark.message_id.in_([m.id for m in messages]))
                )
            ).scalars()
        }
    return ticket, messages, marks


async def test_a_placed_conversation_is_not_read_again_line_by_line(
    enriching: tuple[ActionDeps, Recording, IntentService],
) -> None:
    deps, embed, _ = enriching
    ticket_id = await support.customer_opens(
        deps, "ana", "My USDT withdrawal has been pending for 6 hours"
    )
    embed.asked.clear()
    plain = ["is anyone there?", "the tx id is 0x8f3a9c1e", "ok, I will wait"]
    for text in plain:
        await support.customer_says(deps, ticket_id, text)
    rude = await support.customer_says(deps, ticket_id, "answer me, you idiot")
    ticket, messages, marks = await _state(deps, ticket_id)
    assert (ticket.language, ticket.intent, ticket.intent_source) == (
        "en",
        "withdrawal_issue",
        "model",
    )
    # Every line is stored, checked for abuse and flooding, and marked enriched ...
    assert [m.body for m in messages[1:4]] == plain
    assert all(m.enriched_at is not None for m in messages)
    assert {(m.id, "checked") for m in messages[1:4]} <= marks
    assert (rude, "abuse") in marks
    # ... but the model read only the cued line; the ticket's intent already said the rest.
    assert embed.asked == ["answer me, you idiot"]
    assert [m.intent for m in messages[1:]] == [None] * 4


async def test_an_unplaced_conversation_is_classified_for_its_opening_lines(
    enriching: tuple[ActionDeps, Recording, IntentService],
) -> None:
    deps, _, _ = enriching
    ticket_id = await support.customer_opens(deps, "bea", "hi")
    ticket, _, _ = await _state(deps, ticket_id)
    assert ticket.intent == "other"
    await support.customer_says(
        deps, ticket_id, "I deposited 200 USDT over TRC20 and it is not in my balance"
    )
    ticket, messages, _ = await _state(deps, ticket_id)
    assert ticket.intent == "deposit_missing"  # the second line placed it
    assert messages[1].intent == "deposit_missing"
    for n in range(plan.CLASSIFY_LINES):
        await support.customer_says(deps, ticket_id, f"still waiting {n}")
    _, messages, _ = await _state(deps, ticket_id)
    assert [m.intent for m in messages[2:]] == [None] * plan.CLASSIFY_LINES


async def test_a_conversation_the_model_cannot_place_is_left_to_an_agent_after_its_opening(
    enriching: tuple[ActionDeps, Recording, IntentService],
) -> None:
    deps, _, _ = enriching
    ticket_id = await support.customer_opens(deps, "cai", "hello")
    for _ in range(plan.CLASSIFY_LINES):
        await support.customer_says(deps, ticket_id, "hello?")
    ticket, messages, _ = await _state(deps, ticket_id)
    assert ticket.intent == "other"
    classified = [m.intent is not None for m in messages]
    assert classified == [True] * plan.CLASSIFY_LINES + [False]
    assert all(m.enriched_at is not None for m in messages)
