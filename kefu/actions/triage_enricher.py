"""The triage enricher: duplicates, incidents, abuse, flooding and sentiment, after commit.

It runs off the delivery path (kefu/triage/pipeline.py): the messages of a batch that need the
model (kefu/domain/enrichment_plan.py: a ticket's first line, cued later lines) are embedded
once, in a worker thread so the event loop keeps delivering, the others judged by cues; then

1. a message that opened a ticket stores the ticket's embedding; when the customer already has
   an open ticket about the same thing, the new ticket is merged into it and the customer is
   told its number; otherwise the ticket may join (or found) an incident;
2. each message is scored for abuse and checked for flooding and repetition; what it shows is
   marked on the message and may raise the customer's restriction (kefu/actions/restrictions.py);
3. a distressed or angry message boosts its ticket's priority once and leaves the agent a tone
   hint.

Each step is idempotent (marks and embeddings are looked up first), because a crash makes the
sweep run a batch again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from kefu.actions.incidents import do_place_ticket
from kefu.actions.messages import do_add_note
from kefu.actions.restrictions import do_record_violation, mark_message
from kefu.actions.tickets import do_merge, do_set_tags, do_update_ticket, resolve_merged
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain import enrichment_plan as plan
from kefu.domain import triage_thresholds as th
from kefu.domain.customer_notices import duplicate_notice
from kefu.domain.enums import Priority
from kefu.domain.permissions import SYSTEM
from kefu.domain.secret_warnings import language_of
from kefu.domain.ticket_number import format_number
from kefu.events.bus import customer_stream
from kefu.store.models import Message, MessageMark, Ticket, TicketEmbedding
from kefu.store.repositories import safety as safety_repo
from kefu.store.repositories import tickets as repo
from kefu.store.repositories.conversation import customer_line
from kefu.triage import duplicates, incidents
from kefu.triage.abuse import AbuseScore, Recent, flood_signal
from kefu.triage.embedding import Vectors, embed_queries
from kefu.triage.pipeline import Enricher
from kefu.triage.safety_cues import safety_cue
from kefu.triage.safety_scoring import SafetyScoring
from kefu.triage.sentiment import Sentiment

Embed = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True)
class _Item:
    message_id: int
    ticket_id: int
    customer_id: int
    body: str
    created_at: datetime
    opens_ticket: bool  # the ticket's first message, and the ticket is not embedded yet
    subject: str
    line: int = 1  # its place among the ticket's customer messages (1 = the first)


async def _load(deps: ActionDeps, ids: list[int]) -> list[_Item]:
    async with deps.sessionmaker() as session:
        rows = (
            await session.execute(
                select(Message, Ticket, customer_line())
                .join(Ticket, Ticket.id == Message.ticket_id)
                .where(Message.id.in_(ids), Message.direction == "inbound")
                .order_by(Message.id)
            )
        ).all()
        ticket_ids = list({t.id for _, t, _ in rows})
        first = dict(
            (
                await session.execute(
                    select(Message.ticket_id, func.min(Message.id))
                    .where(Message.ticket_id.in_(ticket_ids))
                    .group_by(Message.ticket_id)
                )
            ).all()
        )
        embedded = set(
            (
                await session.execute(
                    select(TicketEmbedding.ticket_id).where(
                        TicketEmbedding.ticket_id.in_(ticket_ids)
                    )
                )
            ).scalars()
        )
    return [
        _Item(
            m.id,
            t.id,
            t.customer_id,
            m.body,
            m.created_at,
            plan.may_duplicate(first.get(t.id) == m.id, t.id in embedded),
            t.subject,
            line,
        )
        for m, t, line in rows
        if m.body.strip()
    ]


async def _marked(deps: ActionDeps, message_id: int) -> set[str]:
    async with deps.sessionmaker() as session:
        rows = await session.execute(
            select(MessageMark.kind).where(MessageMark.message_id == message_id)
        )
        return set(rows.scalars())


async def detect_duplicate(deps: ActionDeps, item: _Item, text: str, vector: Vectors) -> bool:
    """Store the new ticket's embedding; merge it into the customer's open ticket about the
    same thing, if there is one. True when merged."""
    async with UnitOfWork(deps, SYSTEM) as uow:
        candidates = await safety_repo.open_tickets_like(
            uow.session, item.customer_id, item.ticket_id
        )
        match = duplicates.best_match(
            text,
            vector,
            [
                duplicates.Candidate(c.ticket_id, c.text, duplicates.from_bytes(c.vector))
                for c in candidates
                if c.ticket_id < item.ticket_id
            ],
        )
        target = None
        if match is not None:  # lock in id order: the older ticket first
            target = await repo.get_ticket(uow.session, match.ticket_id, lock=True)
        source = await repo.get_ticket(uow.session, item.ticket_id, lock=True)
        if await uow.session.get(TicketEmbedding, source.id) is not None:
            return False  # another run got here first
        uow.session.add(
            TicketEmbedding(
                ticket_id=source.id,
                customer_id=source.customer_id,
                text=text,
                vector=duplicates.to_bytes(vector),
                created_at=uow.now(),
            )
        )
        joinable = (
            target is not None
            and match is not None
            and source.merged_into_id is None
            and target.merged_into_id is None
            and source.status in safety_repo.OPEN_STATUSES
            and target.status in safety_repo.OPEN_STATUSES
        )
        if not joinable or target is None or match is None:
            return False
        await do_merge(uow, source, target, reason="duplicate", similarity=match.similarity)
        language = language_of((source.language, target.language), item.body)
        text_out = duplicate_notice(format_number(target.id), language)
        notice = {"kind": "duplicate", "into": format_number(target.id), "text": text_out}
        also = (customer_stream(source.customer_id),)
        uow.ticket_event(source, "notice", notice, also=also)
        uow.ticket_event(target, "notice", notice)
        return True


async def place_in_incident(deps: ActionDeps, item: _Item, vector: Vectors) -> None:
    async with UnitOfWork(deps, SYSTEM) as uow:
        await safety_repo.lock_incident_placement(uow.session)
        since = uow.now() - timedelta(hours=th.INCIDENT_WINDOW_HOURS)
        open_ = await safety_repo.open_incidents(uow.session)
        recent = await safety_repo.recent_unclustered(
            uow.session, since, item.ticket_id, th.INCIDENT_MAX_CANDIDATES
        )
        ticket = await uow.session.get(Ticket, item.ticket_id)
        if ticket is None or ticket.merged_into_id is not None:
            return
        if await safety_repo.incident_of(uow.session, item.ticket_id) is not None:
            return
        placement = incidents.place(
            incidents.Member(item.ticket_id, item.customer_id, item.subject, vector),
            [
                incidents.OpenIncident(i.id, duplicates.from_bytes(i.centroid))
                for i in open_
                if i.centroid is not None
            ],
            [
                incidents.Member(
                    e.ticket_id, e.customer_id, subject, duplicates.from_bytes(e.vector)
                )
                for e, subject in recent
            ],
        )
        if placement is not None:
            await do_place_ticket(uow, placement)


async def judge(deps: ActionDeps, item: _Item, abuse: AbuseScore, sentiment: Sentiment) -> None:
    """Moderation and tone of one message, in one unit of work (each done once)."""
    done = await _marked(deps, item.message_id)
    moderated = bool({"abuse", "flood", "repeat", "checked"} & done)
    toned = not sentiment.needs_care or "sentiment" in done
    if moderated and toned:
        return
    async with UnitOfWork(deps, SYSTEM) as uow:
        if not moderated:
            await _moderate(uow, item, abuse)
        if not toned:
            await _tone(uow, item, sentiment)


async def _moderate(uow: UnitOfWork, item: _Item, abuse: AbuseScore) -> None:
    """Mark what the message shows and record the strongest violation."""
    window = max(th.FLOOD_WINDOW_SECONDS, th.REPEAT_WINDOW_SECONDS)
    earlier = await safety_repo.recent_inbound(
        uow.session,
        item.customer_id,
        item.created_at - timedelta(seconds=window),
        item.message_id,
    )
    flood = flood_signal(
        Recent(item.created_at, item.body), [Recent(at, body) for at, body in earlier]
    )
    violation: tuple[str, bool, str] | None = None
    if flood.repeats >= th.REPEAT_MESSAGES:
        mark_message(uow, item.message_id, "repeat", None, {"repeats": flood.repeats})
        violation = ("repeat", False, f"{flood.repeats} near-identical messages")
    if flood.flood:
        mark_message(uow, item.message_id, "flood", None, {"rate": flood.rate})
        violation = ("flood", False, f"{flood.rate} messages in {th.FLOOD_WINDOW_SECONDS:g} s")
    if abuse.abusive:
        detail = {"cues": list(abuse.cues), "severe": abuse.severe}
        mark_message(uow, item.message_id, "abuse", abuse.score, detail)
        violation = ("abuse", abuse.severe, ", ".join(abuse.cues) or "abusive tone")
    if violation is None:
        mark_message(uow, item.message_id, "checked", abuse.score, {})
        return
    ticket = await repo.get_ticket(uow.session, item.ticket_id, lock=True)
    kind, severe, reason = violation
    await do_record_violation(uow, ticket, item.message_id, kind, severe=severe, reason=reason)


async def _tone(uow: UnitOfWork, item: _Item, sentiment: Sentiment) -> None:
    """Boost a distressed or angry customer's ticket once per tone, with a hint for the agent."""
    ticket = await repo.get_ticket(uow.session, item.ticket_id, lock=True)
    ticket = await resolve_merged(uow, ticket)
    mark_message(uow, item.message_id, "sentiment", sentiment.score, {"label": sentiment.label})
    tag = f"tone:{sentiment.label}"
    if tag in (await repo.tags_of(uow.session, [ticket.id])).get(ticket.id, []):
        return
    await do_set_tags(uow, ticket, [tag], [])
    boosted = th.boosted(Priority(ticket.priority))
    if boosted.value != ticket.priority:
        await do_update_ticket(uow, ticket, {"priority": boosted})
    await do_add_note(uow, ticket, f"Tone hint: {sentiment.hint}")


def triage_enricher(deps: ActionDeps, embed: Embed = embed_queries) -> Enricher:
    """The enricher for a process (registered in kefu/actions/inbound.py)."""
    scoring = SafetyScoring(embed)
    # One batch at a time per process: triage uses at most one core, and a burst of messages
    # waits here (each stays pending in the database) instead of crowding out delivery.
    one_at_a_time = asyncio.Semaphore(1)

    async def enrich(message_ids: list[int]) -> None:
        async with one_at_a_time:
            await _enrich(message_ids)

    async def _enrich(message_ids: list[int]) -> None:
        items = await _load(deps, message_ids)
        if not items:
            return
        opening = [i for i in items if i.opens_ticket]
        texts = [duplicates.ticket_text(i.subject, i.body) for i in opening]
        use_model = [plan.needs_safety_model(i.line, safety_cue(i.body) is not None) for i in items]
        scores = await deps.pipeline.run_blocking(
            scoring, [i.body for i in items], use_model, texts
        )
        for item, text, vector in zip(opening, texts, scores.ticket_vectors, strict=True):
            if not await detect_duplicate(deps, item, text, vector):
                await place_in_incident(deps, item, vector)
        for item, abuse_score, sentiment in zip(items, scores.abuse, scores.tone, strict=True):
            await judge(deps, item, abuse_score, sentiment)

    return enrich
