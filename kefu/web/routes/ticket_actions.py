"""What people do to a ticket: reply, note, change status, assign, escalate, merge, tag."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from kefu.actions.messages import do_add_message, do_add_note
from kefu.actions.tickets import (
    do_assign,
    do_change_status,
    do_escalate,
    do_merge,
    do_set_tags,
    resolve_merged,
)
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.enums import Channel, Direction
from kefu.domain.errors import InvalidInput, NotFound
from kefu.domain.permissions import Perm, require
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import message_view
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.idempotency import run_idempotent
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.routes.tickets import IdempotencyKey, message_input
from kefu.web.schemas.common import IdPath
from kefu.web.schemas.tickets import (
    AssignRequest,
    EscalateRequest,
    MergeRequest,
    MessageCreate,
    MessageOut,
    NoteCreate,
    PostedMessageOut,
    StatusChange,
    TagsChange,
    TicketOut,
)
from kefu.web.views import access_ticket, render_message, render_ticket

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"], responses=PROBLEM_RESPONSES)
attachments = APIRouter(prefix="/api/v1/attachments", tags=["tickets"], responses=PROBLEM_RESPONSES)


@router.get("/{number}/messages", response_model=list[MessageOut], summary="Messages, oldest first")
async def list_messages(
    number: str,
    session: SessionDep,
    principal: PrincipalDep,
    include_notes: Annotated[bool, Query(description="Staff only: include internal notes")] = True,
) -> list[dict[str, Any]]:
    ticket = await access_ticket(session, number, principal)
    internal = include_notes and principal.is_staff and Perm.NOTES_READ in principal.perms
    rows = await repo.transcript(session, ticket.id, include_internal=internal)
    return [message_view(m, atts) for m, atts in rows]


@router.post(
    "/{number}/messages",
    status_code=201,
    response_model=PostedMessageOut,
    summary="Add a message (staff reply, or a customer's message)",
    responses={
        200: {"model": PostedMessageOut, "description": "Already stored (same external_id)"}
    },
)
async def add_message(
    request: Request,
    number: str,
    body: MessageCreate,
    state: StateDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    if principal.is_customer:
        if body.direction == "outbound":
            raise InvalidInput("customers write inbound messages only")
        direction = Direction.INBOUND
    else:
        direction = Direction(body.direction or "outbound")
    default = Channel.WEB_FORM if principal.is_customer else Channel.API
    data = message_input(body, body.channel or default, state.settings)
    created = True

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        nonlocal created
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        ticket = await resolve_merged(uow, ticket)
        posted = await do_add_message(uow, ticket, direction, data)
        created = posted.created
        out = {**posted.view(), "notices": list(posted.notices)}
        if posted.restriction is not None:
            out["restriction"] = posted.notice()
        return out

    response = await run_idempotent(request, state, principal, idempotency_key, 201, work)
    if not created:
        response.status_code = 200
    return response


@router.post("/{number}/notes", status_code=201, response_model=MessageOut, summary="Internal note")
async def add_note(
    number: str, body: NoteCreate, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    require(principal, Perm.NOTES_WRITE)
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        message = await do_add_note(uow, ticket, body.body)
        return await render_message(uow.session, message)


@router.post("/{number}/status", response_model=TicketOut, summary="Change status")
async def change_status(
    number: str, body: StatusChange, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        await do_change_status(uow, ticket, body.status)
        return await render_ticket(uow.session, ticket, principal)


@router.post("/{number}/assign", response_model=TicketOut, summary="Assign to an agent and/or team")
async def assign(
    number: str, body: AssignRequest, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        # A field left out stays as it is: moving a ticket to a team keeps its assignee.
        assignee_id = (
            body.assignee_id if "assignee_id" in body.model_fields_set else ticket.assignee_id
        )
        await do_assign(
            uow,
            ticket,
            assignee_id,
            body.team_id,
            change_team="team_id" in body.model_fields_set,
        )
        return await render_ticket(uow.session, ticket, principal)


@router.post("/{number}/escalate", response_model=TicketOut, summary="Escalate to a supervisor")
async def escalate(
    number: str, body: EscalateRequest, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        await do_escalate(uow, ticket, body.reason)
        return await render_ticket(uow.session, ticket, principal)


@router.post("/{number}/merge", response_model=TicketOut, summary="Merge this ticket into another")
async def merge(
    number: str, body: MergeRequest, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        source = await access_ticket(uow.session, number, principal, lock=True)
        target = await access_ticket(uow.session, body.into, principal, lock=True)
        await do_merge(uow, source, target)
        return await render_ticket(uow.session, target, principal)


@router.post("/{number}/tags", response_model=TicketOut, summary="Add and remove tags")
async def tags(
    number: str, body: TagsChange, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, number, principal, lock=True)
        await do_set_tags(uow, ticket, body.add, body.remove)
        return await render_ticket(uow.session, ticket, principal)


@attachments.get(
    "/{attachment_id}",
    summary="Download an attachment",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(
    attachment_id: IdPath, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> Response:
    require(principal, Perm.TICKETS_READ)
    att, message = await repo.get_attachment(session, attachment_id)
    ticket = await repo.get_ticket(session, message.ticket_id)
    hidden = message.direction == "internal" and not principal.is_staff
    if (principal.is_customer and ticket.customer_id != principal.id) or hidden:
        raise NotFound(f"attachment {attachment_id} does not exist")
    data = state.deps.files.get(att.sha256)
    name = "".join(c for c in att.filename if c.isprintable() and c not in '"\\')
    fallback = name.encode("ascii", "replace").decode().replace("?", "_") or "file"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )
