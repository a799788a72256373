"""Tickets: create with a first message, list with filters, get, edit, transcript, audit."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from kefu.actions.customers import (
    do_ensure_customer_by_identity,
    do_ensure_customer_by_uid,
    do_update_customer,
)
from kefu.actions.messages import AttachmentInput, MessageInput
from kefu.actions.sla import sla_view
from kefu.actions.tickets import TicketInput, do_create_ticket, do_update_ticket
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Channel, Priority, TicketStatus
from kefu.domain.errors import InvalidInput
from kefu.domain.permissions import Perm, Principal, require
from kefu.domain.transcript import render_text
from kefu.settings import Settings
from kefu.store.repositories import audit as audit_repo
from kefu.store.repositories import people
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import audit_view, escalation_view, message_view
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.idempotency import run_idempotent
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import CleanStr, DbId
from kefu.web.schemas.tickets import (
    AttachmentIn,
    AuditOut,
    MessageIn,
    TicketCreate,
    TicketCreated,
    TicketDetail,
    TicketOut,
    TicketPage,
    TicketPatch,
    Transcript,
)
from kefu.web.views import access_ticket, render_ticket, render_tickets, shown_to

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"], responses=PROBLEM_RESPONSES)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying with the same key returns the first response instead of "
        "creating again",
    ),
]


def decode_attachments(
    items: list[AttachmentIn], settings: Settings
) -> tuple[AttachmentInput, ...]:
    out = []
    for item in items:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                f"attachment {item.filename!r}: content_base64 is not base64"
            ) from exc
        if len(data) > settings.max_attachment_bytes:
            raise InvalidInput(
                f"attachment {item.filename!r} is larger than {settings.max_attachment_bytes} bytes"
            )
        out.append(AttachmentInput(item.filename, item.content_type, data))
    return tuple(out)


def message_input(body: MessageIn, channel: Channel, settings: Settings) -> MessageInput:
    return MessageInput(
        body=body.body,
        channel=channel.value,
        html=body.html,
        external_id=body.external_id,
        attachments=decode_attachments(body.attachments, settings),
    )


async def _resolve_customer(uow: UnitOfWork, body: TicketCreate) -> int:
    if uow.actor.is_customer:
        if body.customer_id is not None or body.customer is not None:
            raise InvalidInput("customers open tickets for themselves; omit customer fields")
        return uow.actor.id
    require(uow.actor, Perm.CUSTOMERS_WRITE)
    if body.customer_id is not None:
        return (await people.get_customer(uow.session, body.customer_id)).id
    ref = body.customer
    if ref is not None and ref.uid:
        customer = await do_ensure_customer_by_uid(uow, ref.uid)
    elif ref is not None and ref.email:
        customer = await do_ensure_customer_by_identity(uow, "email", ref.email)
    elif ref is not None and ref.phone:
        customer = await do_ensure_customer_by_identity(uow, "phone", ref.phone)
    else:
        raise InvalidInput("say who the ticket is for: customer_id, or customer.uid/email/phone")
    if ref.name and not customer.name:
        await do_update_customer(uow, customer, {"name": ref.name})
    return customer.id


@router.post("", status_code=201, response_model=TicketCreated, summary="Open a ticket")
async def create_ticket(
    request: Request,
    body: TicketCreate,
    state: StateDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    require(principal, Perm.TICKETS_WRITE)
    default_channel = Channel.WEB_FORM if principal.is_customer else Channel.API
    msg = message_input(body.message, body.channel or default_channel, state.settings)

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        customer_id = await _resolve_customer(uow, body)
        created = await do_create_ticket(
            uow,
            TicketInput(
                customer_id=customer_id,
                subject=body.subject,
                message=msg,
                priority=body.priority,
                language=body.language,
                intent=body.intent,
                team_id=body.team_id,
                tags=tuple(body.tags),
            ),
        )
        message = created.first.view()
        if created.first.restriction is not None:
            message["restriction"] = created.first.notice()
        return {
            "ticket": shown_to(principal, created.view()),
            "message": message,
            "notices": list(created.first.notices),
        }

    return await run_idempotent(request, state, principal, idempotency_key, 201, work)


def _filter(
    principal: Principal,
    status: list[TicketStatus] | None,
    assignee_id: int | None,
    unassigned: bool,
    team_id: int | None,
    customer_id: int | None,
    priority: Priority | None,
    channel: Channel | None,
    language: str | None,
    tag: str | None,
    escalated: bool | None,
    q: str | None,
) -> repo.TicketFilter:
    if principal.is_customer and (tag is not None or team_id is not None):
        # Filtering by a staff-only field would tell customers what they cannot read.
        raise InvalidInput("customers cannot filter by tag or team")
    return repo.TicketFilter(
        status=[s.value for s in status] if status else None,
        assignee_id=assignee_id,
        unassigned=unassigned,
        team_id=team_id,
        customer_id=principal.id if principal.is_customer else customer_id,
        priority=priority.value if priority else None,
        channel=channel.value if channel else None,
        language=language,
        tag=tag,
        escalated=escalated,
        q=q,
    )


@router.get("", response_model=TicketPage, summary="List tickets, newest first")
async def list_tickets(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[list[TicketStatus] | None, Query()] = None,
    assignee_id: Annotated[DbId | None, Query()] = None,
    unassigned: bool = False,
    team_id: Annotated[DbId | None, Query()] = None,
    customer_id: Annotated[DbId | None, Query()] = None,
    priority: Priority | None = None,
    channel: Channel | None = None,
    language: Annotated[CleanStr | None, Query(max_length=16)] = None,
    tag: Annotated[CleanStr | None, Query(max_length=64)] = None,
    escalated: bool | None = None,
    q: Annotated[
        CleanStr | None, Query(max_length=200, description="Text in subject or messages")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    require(principal, Perm.TICKETS_READ)
    f = _filter(
        principal,
        status,
        assignee_id,
        unassigned,
        team_id,
        customer_id,
        priority,
        channel,
        language,
        tag,
        escalated,
        q,
    )
    rows, next_cursor = await repo.list_tickets(session, f, limit, cursor)
    return {"items": await render_tickets(session, rows, principal), "next_cursor": next_cursor}


@router.get("/{number}", response_model=TicketDetail, summary="Get a ticket by number")
async def get_ticket(number: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    ticket = await access_ticket(session, number, principal)
    view = await render_ticket(session, ticket, principal)
    escalations = [] if principal.is_customer else await repo.escalations_of(session, ticket.id)
    view["escalations"] = [escalation_view(e) for e in escalations]
    view["sla"] = (
        None if principal.is_customer else await sla_view(session, ticket, datetime.now(UTC))
    )
    return view


@router.patch(
    "/{number}", response_model=TicketOut, summary="Edit subject, priority, intent, language"
)
async def patch_ticket(
    number: str, body: TicketPatch, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if any(changes.get(k) is None for k in ("subject", "priority") if k in changes):
        raise InvalidInput("subject and priority cannot be null")
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        await do_update_ticket(uow, ticket, changes)
        return await render_ticket(uow.session, ticket, principal)


@router.get(
    "/{number}/transcript",
    response_model=Transcript,
    summary="The whole conversation, as JSON or as plain text (format=text)",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def transcript(
    number: str,
    session: SessionDep,
    principal: PrincipalDep,
    format: Annotated[str, Query(pattern="^(json|text)$")] = "json",
) -> Any:
    ticket = await access_ticket(session, number, principal)
    include_internal = principal.is_staff and Perm.NOTES_READ in principal.perms
    rows = await repo.transcript(session, ticket.id, include_internal=include_internal)
    messages = [message_view(m, atts) for m, atts in rows]
    view = await render_ticket(session, ticket, principal)
    if format == "text":
        return PlainTextResponse(render_text(view, messages))
    return {"ticket": view, "messages": messages}


@router.get("/{number}/audit", response_model=list[AuditOut], summary="Who changed what, when")
async def audit(number: str, session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    require(principal, Perm.AUDIT_READ)
    ticket = await access_ticket(session, number, principal)
    rows = await audit_repo.audit_of(session, "ticket", ticket.id)
    return [audit_view(a) for a in rows]
