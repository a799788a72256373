"""Adding messages and internal notes to tickets, with attachments, idempotent on external id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from kefu.actions.restrictions import check_sender, mark_message
from kefu.actions.screening import record_screening
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.customer_notices import verdict_notice
from kefu.domain.enums import Direction, TicketStatus
from kefu.domain.errors import Conflict, InvalidInput, PermissionDenied
from kefu.domain.html import sanitize_html
from kefu.domain.permissions import Perm, Principal
from kefu.domain.restriction_policy import Verdict
from kefu.domain.secret_warnings import language_of
from kefu.domain.ticket_number import format_number
from kefu.domain.ticket_status import status_after_message
from kefu.events.bus import DESK_STREAM
from kefu.store.models import Attachment, Message, Ticket
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import iso, message_view
from kefu.triage.pipeline import Screened

MAX_BODY_CHARS = 20_000


@dataclass(frozen=True)
class AttachmentInput:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class PostedMessage:
    """What do_add_message did: the message, its attachments, and whether it is new (False:
    the same (channel, external id) was already stored and nothing changed)."""

    message: Message
    attachments: list[Attachment]
    created: bool
    # What the customer was told about this message (a secret was removed …), in their language.
    notices: tuple[str, ...] = ()
    # Set when the sender is restricted (slow mode, muted, blocked): the message is stored and
    # marked, and the sender is told when they can write freely again.
    restriction: Verdict | None = None
    language: str = "en"  # the customer's, for what they are told

    def view(self) -> dict[str, Any]:
        return message_view(self.message, self.attachments)

    def notice(self) -> dict[str, Any] | None:
        """What the sender is told about their restriction, if any."""
        r = self.restriction
        if r is None:
            return None
        return {
            "outcome": r.outcome,
            "level": r.level.label,
            "retry_at": iso(r.retry_at),
            "detail": verdict_notice(r, self.language),
        }


@dataclass(frozen=True)
class MessageInput:
    body: str
    channel: str
    html: str | None = None
    external_id: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()


def author_of(actor: Principal, direction: Direction) -> tuple[str, int | None]:
    """Who a message in `direction` from `actor` is stored as written by."""
    if actor.is_customer:
        if direction != Direction.INBOUND:
            raise PermissionDenied("customers can only write inbound messages")
        return "customer", actor.id
    if direction == Direction.INBOUND:
        # Staff or integrations recording what a customer sent (channel ingestion).
        return "customer", None
    if actor.id:
        return "agent", actor.id
    return "system", None


async def _redelivered(uow: UnitOfWork, ticket: Ticket, existing: Message) -> PostedMessage:
    """The message already stored under this (channel, external id), if it is this ticket's
    (or a ticket merged into it); another ticket's message must never be handed back."""
    if existing.ticket_id != ticket.id and existing.ticket_id not in await repo.merged_ids(
        uow.session, ticket.id
    ):
        where = f" ({format_number(existing.ticket_id)})" if uow.actor.is_staff else ""
        raise Conflict(
            f"external_id {existing.external_id!r} on channel {existing.channel} is already "
            f"used by a message of another ticket{where}"
        )
    atts = (await repo.attachments_of(uow.session, [existing.id])).get(existing.id, [])
    return PostedMessage(existing, atts, created=False)


async def do_add_message(
    uow: UnitOfWork,
    ticket: Ticket,
    direction: Direction,
    data: MessageInput,
    *,
    looked_up: bool = False,
    subject_screened: Screened | None = None,
) -> PostedMessage:
    """Add a message. A message whose (channel, external id) is already stored is not added
    again: the stored one comes back with created=False. `looked_up`: the caller has just
    checked that the external id is new: no savepoint then, and a concurrent twin makes the
    whole unit of work fail on the unique constraint (IntegrityError); the caller runs it again
    and the second run finds the twin. `subject_screened`: what screening found in the subject of
    the ticket this message opens, carried to the ticket with the message's own findings."""
    if direction == Direction.INTERNAL:
        uow.require(Perm.NOTES_WRITE)
    else:
        uow.require(Perm.TICKETS_WRITE)
    body, html = data.body.strip(), data.html
    screened: Screened | None = None
    if direction == Direction.INBOUND:
        screened = uow.deps.pipeline.screen(body, html)
        body, html = screened.body, screened.html
    if not body and not data.attachments:
        raise InvalidInput("a message needs a body or an attachment")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"message body is longer than {MAX_BODY_CHARS} characters")
    if data.external_id is not None and not looked_up:
        existing = await repo.message_by_external_id(uow.session, data.channel, data.external_id)
        if existing is not None:
            return await _redelivered(uow, ticket, existing)
    author_kind, author_id = author_of(uow.actor, direction)
    if direction == Direction.INBOUND and author_id is None:
        author_id = ticket.customer_id
    verdict = (
        await check_sender(uow, ticket.customer_id) if direction == Direction.INBOUND else None
    )

    new_status = (
        None
        if direction == Direction.INTERNAL
        else status_after_message(TicketStatus(ticket.status), direction)
    )
    now = uow.now()
    inbound = direction == Direction.INBOUND
    pending = inbound and uow.deps.pipeline.wants(body)
    msg = Message(
        created_at=now,
        ticket_id=ticket.id,
        direction=direction.value,
        author_kind=author_kind,
        author_id=author_id,
        body=body,
        html=sanitize_html(html) if html else None,
        channel=data.channel,
        external_id=data.external_id,
        # Inbound that no enricher wants: done at once (no second write); otherwise pending
        # until the enrichers ran. Staff messages are not enriched (NULL).
        enriched_at=now if inbound and not pending else None,
    )
    if data.external_id is not None and not looked_up:
        nested = await uow.session.begin_nested()
        uow.session.add(msg)
        try:
            await uow.session.flush()
        except IntegrityError:
            await nested.rollback()
            existing = await repo.message_by_external_id(
                uow.session, data.channel, data.external_id
            )
            if existing is None:
                raise
            return await _redelivered(uow, ticket, existing)
        await nested.commit()
    else:
        uow.session.add(msg)
        await uow.session.flush()

    attachments: list[Attachment] = []
    for item in data.attachments:
        digest = uow.deps.files.put(item.data)
        att = Attachment(
            message_id=msg.id,
            filename=item.filename[:255],
            content_type=item.content_type[:128],
            size=len(item.data),
            sha256=digest,
        )
        uow.session.add(att)
        attachments.append(att)
    if attachments:
        await uow.session.flush()
    if verdict is not None:
        mark_message(uow, msg.id, verdict.outcome, None, {"retry_at": iso(verdict.retry_at)})

    ticket.updated_at = now
    if direction == Direction.OUTBOUND and ticket.first_response_at is None:
        ticket.first_response_at = now
    if new_status is not None:
        before = ticket.status
        ticket.status = new_status.value
        uow.audit(
            "ticket.status",
            "ticket",
            ticket.id,
            before={"status": before},
            after={"status": new_status.value, "cause": f"message {msg.id}"},
        )
    uow.audit(
        "message.create" if direction != Direction.INTERNAL else "note.create",
        "message",
        msg.id,
        after={"ticket_id": ticket.id, "direction": direction.value, "channel": data.channel},
    )
    if pending:
        uow.to_enrich.append(msg.id)
    posted = PostedMessage(
        msg,
        attachments,
        created=True,
        restriction=verdict,
        language=language_of((ticket.language,), msg.body) if verdict else "en",
    )
    # What the message changed on the ticket travels with it, so live views stay exact.
    ticket_changes = {
        "status": ticket.status,
        "updated_at": iso(ticket.updated_at),
        "first_response_at": iso(ticket.first_response_at),
    }
    uow.ticket_event(
        ticket,
        "message.created",
        {"message": posted.view(), "ticket": ticket_changes},
        public=direction != Direction.INTERNAL,
        also=(DESK_STREAM,) if new_status is not None else (),
    )
    if screened is not None and subject_screened is not None:
        screened = Screened(
            screened.body,
            screened.html,
            tuple(dict.fromkeys((*screened.flags, *subject_screened.flags))),
            tuple(dict.fromkeys((*screened.notices, *subject_screened.notices))),
        )
    if screened is not None and (screened.flags or screened.notices):
        told = await record_screening(uow, ticket, msg, screened, data.body)
        posted = PostedMessage(msg, attachments, created=True, notices=told)
    return posted


async def do_add_note(uow: UnitOfWork, ticket: Ticket, body: str) -> Message:
    posted = await do_add_message(
        uow, ticket, Direction.INTERNAL, MessageInput(body=body, channel="api")
    )
    return posted.message
