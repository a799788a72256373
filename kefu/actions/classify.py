"""Language and intent: the enricher that classifies inbound messages, and agents' corrections.

The enricher runs after an inbound message is committed and delivered (kefu/triage/pipeline.py):
it reads the messages, classifies them in a worker thread (the model never runs on the event
loop), then records the result with `do_classify_messages`. A ticket takes the language and
intent of its messages while it has none, or while its intent came from the model and said
`other`; an intent an agent set is never overwritten by the model. Lines that could not change
the ticket any more (its intent is settled, or they come after its opening lines) are not
classified at all (kefu/domain/enrichment_plan.py): they are marked enriched and keep empty
`language` / `intent` columns; the ticket's stand for the conversation.

`do_correct_intent` records an agent's correction: the ticket's intent changes now, and the
message text with the right intent joins the training data of the next `kefu intents train`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kefu.actions.inbound import EnricherFactory
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain import enrichment_plan as plan
from kefu.domain.enums import Direction
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.intents import INTENTS, OTHER
from kefu.domain.permissions import SYSTEM, Perm
from kefu.events.bus import DESK_STREAM
from kefu.settings import Settings
from kefu.store.models import Customer, IntentCorrection, Message, Ticket
from kefu.store.repositories import tickets as repo
from kefu.store.repositories.conversation import customer_line
from kefu.store.serialize import ticket_view
from kefu.triage.intents.examples import Example
from kefu.triage.intents.service import Classification, IntentService
from kefu.triage.pipeline import Enricher

MODEL = plan.INTENT_BY_MODEL
AGENT = plan.INTENT_BY_AGENT


@dataclass(frozen=True)
class MessageClassification:
    message_id: int
    language: str | None
    intent: str
    confidence: float
    out_of_scope: bool = False


async def _ticket_updated(
    uow: UnitOfWork, ticket: Ticket, action: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    ticket.updated_at = uow.now()
    uow.audit(action, "ticket", ticket.id, before=before, after=after)
    await uow.session.flush()
    tags = (await repo.tags_of(uow.session, [ticket.id])).get(ticket.id, [])
    uow.ticket_event(
        ticket, "ticket.updated", {"ticket": ticket_view(ticket, tags)}, also=(DESK_STREAM,)
    )


def _ticket_changes(ticket: Ticket, result: MessageClassification) -> dict[str, Any]:
    """What a classified message changes on its ticket (empty: nothing)."""
    changes: dict[str, Any] = {}
    if ticket.language is None and result.language is not None:
        changes["language"] = result.language
    may_set_intent = ticket.intent is None or (
        ticket.intent_source == MODEL and ticket.intent == OTHER
    )
    if may_set_intent and not (ticket.intent == OTHER and result.intent == OTHER):
        changes.update(
            intent=result.intent, intent_confidence=result.confidence, intent_source=MODEL
        )
    return changes


async def do_classify_messages(
    uow: UnitOfWork, results: Sequence[MessageClassification]
) -> list[Ticket]:
    """Store the language and intent of inbound messages and of their tickets. Returns the
    tickets that changed."""
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise PermissionDenied("customers cannot classify messages")
    by_id = {r.message_id: r for r in results}
    if not by_id:
        return []
    messages = (
        await uow.session.execute(select(Message).where(Message.id.in_(by_id)).order_by(Message.id))
    ).scalars()
    per_ticket: dict[int, list[tuple[Message, MessageClassification]]] = {}
    for message in messages:
        per_ticket.setdefault(message.ticket_id, []).append((message, by_id[message.id]))
    changed = []
    for ticket_id in sorted(per_ticket):
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        before = {
            "language": ticket.language,
            "intent": ticket.intent,
            "intent_confidence": ticket.intent_confidence,
            "intent_source": ticket.intent_source,
        }
        for message, result in per_ticket[ticket_id]:
            message.language = result.language
            message.intent = result.intent
            message.intent_confidence = result.confidence
            uow.audit(
                "message.classify",
                "message",
                message.id,
                after={
                    "language": result.language,
                    "intent": result.intent,
                    "confidence": result.confidence,
                    "out_of_scope": result.out_of_scope,
                },
            )
            uow.ticket_event(
                ticket,
                "message.classified",
                {
                    "message_id": message.id,
                    "language": result.language,
                    "intent": result.intent,
                    "confidence": result.confidence,
                    "out_of_scope": result.out_of_scope,
                },
                public=False,
            )
            for key, value in _ticket_changes(ticket, result).items():
                setattr(ticket, key, value)
        after = {key: getattr(ticket, key) for key in before}
        if after != before:
            changed.append(ticket)
            changes = {k: v for k, v in after.items() if before[k] != v}
            await _ticket_updated(
                uow, ticket, "ticket.classify", {k: before[k] for k in changes}, changes
            )
    return changed


async def do_correct_intent(
    uow: UnitOfWork, ticket: Ticket, intent: str, message_id: int | None = None
) -> IntentCorrection:
    """An agent sets the ticket's right intent; the message it is about (given, or the ticket's
    first customer message) is kept as a training example."""
    uow.require(Perm.TICKETS_WRITE)
    if not uow.actor.is_staff:
        raise PermissionDenied("only agents correct intents")
    if intent not in INTENTS:
        raise InvalidInput(f"unknown intent {intent!r}; one of: {', '.join(INTENTS)}")
    stmt = select(Message).where(
        Message.ticket_id == ticket.id, Message.direction == Direction.INBOUND.value
    )
    if message_id is not None:
        stmt = stmt.where(Message.id == message_id)
    message = (await uow.session.execute(stmt.order_by(Message.id).limit(1))).scalar_one_or_none()
    if message is None:
        raise InvalidInput(
            f"message {message_id} is not a customer message of this ticket"
            if message_id is not None
            else "the ticket has no customer message to learn from"
        )
    correction = IntentCorrection(
        ticket_id=ticket.id,
        message_id=message.id,
        text=message.body,
        predicted=message.intent if message.intent is not None else ticket.intent,
        intent=intent,
        agent_id=uow.actor_id,
        created_at=uow.now(),
    )
    uow.session.add(correction)
    before = {"intent": ticket.intent, "intent_source": ticket.intent_source}
    ticket.intent, ticket.intent_source, ticket.intent_confidence = intent, AGENT, None
    await _ticket_updated(
        uow,
        ticket,
        "ticket.intent_correct",
        before,
        {"intent": intent, "intent_source": AGENT, "message_id": message.id},
    )
    return correction


async def corrections(deps: ActionDeps) -> list[Example]:
    """Every correction agents made, oldest first (training data)."""
    async with deps.sessionmaker() as session:
        rows = await session.execute(
            select(IntentCorrection.text, IntentCorrection.intent).order_by(IntentCorrection.id)
        )
        return [Example(text, intent) for text, intent in rows]


async def _pending(deps: ActionDeps, message_ids: list[int]) -> list[tuple[int, str, str | None]]:
    """Inbound messages among `message_ids` not classified yet and worth classifying (their
    ticket's intent is not settled and they are among its opening lines:
    kefu/domain/enrichment_plan.py), with the customer's language (or the ticket's) as the
    prior. The others are left as they are: their ticket already says what they are about."""
    async with deps.sessionmaker() as session:
        rows = await session.execute(
            select(
                Message.id,
                Message.body,
                Customer.language,
                Ticket.language,
                Ticket.intent,
                Ticket.intent_source,
                customer_line(),
            )
            .join(Ticket, Ticket.id == Message.ticket_id)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(
                Message.id.in_(message_ids),
                Message.direction == Direction.INBOUND.value,
                Message.intent.is_(None),
            )
            .order_by(Message.id)
        )
        return [
            (mid, body, customer or language)
            for mid, body, customer, language, intent, source, line in rows
            if plan.needs_classifying(plan.TicketIntent(language, intent, source), line)
        ]


def _results(ids: list[int], found: list[Classification]) -> list[MessageClassification]:
    return [
        MessageClassification(mid, c.language, c.intent, c.confidence, c.out_of_scope)
        for mid, c in zip(ids, found, strict=True)
    ]


def classify_enricher(service: IntentService) -> EnricherFactory:
    """The enricher factory that classifies with `service`."""

    def make(deps: ActionDeps) -> Enricher:
        async def enrich(message_ids: list[int]) -> None:
            pending = await _pending(deps, message_ids)
            if not pending:
                return
            ids = [mid for mid, _, _ in pending]
            found = await deps.pipeline.run_blocking(
                service.classify, [body for _, body, _ in pending], [p for _, _, p in pending]
            )
            async with UnitOfWork(deps, SYSTEM) as uow:
                await do_classify_messages(uow, _results(ids, found))

        return enrich

    return make


def service_for(settings: Settings) -> IntentService:
    """The process's classifier, as the settings say (a server trains in a child process)."""
    return IntentService(
        settings.intents_model_path,
        settings.embedder,
        settings.language_codes,
        explicit=settings.intents_model is not None,
        train_in_subprocess=True,
        second_encoder=settings.intent_second_encoder,
    )
