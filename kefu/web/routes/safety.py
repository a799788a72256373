"""Incidents, customer restrictions, unmerging tickets and what triage marked on messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from kefu.actions.incidents import (
    do_link_ticket,
    do_resolve_incident,
    do_unlink_ticket,
    incident_views,
)
from kefu.actions.merges import do_unmerge
from kefu.actions.restrictions import do_lift_restriction, restriction_view
from kefu.domain.errors import InvalidInput, NotFound
from kefu.domain.permissions import Perm, Principal, require
from kefu.domain.ticket_number import format_number
from kefu.store.repositories import people
from kefu.store.repositories import safety as safety_repo
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import iso
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import IdPath
from kefu.web.schemas.safety import (
    IncidentLink,
    IncidentOut,
    IncidentResolve,
    MarkOut,
    RestrictionLift,
    RestrictionOut,
)
from kefu.web.schemas.tickets import TicketOut
from kefu.web.views import access_ticket, render_ticket

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


def _staff(principal: Principal) -> None:
    require(principal, Perm.TICKETS_READ)
    if not principal.is_staff:
        raise NotFound("not found")


# -- merges -----------------------------------------------------------------------------------
@router.post(
    "/tickets/{number}/unmerge",
    response_model=TicketOut,
    tags=["tickets"],
    summary="Undo a merge: the ticket reopens with its own messages",
)
async def unmerge(number: str, state: StateDep, principal: PrincipalDep) -> dict[str, Any]:
    require(principal, Perm.TICKETS_MERGE)
    async with unit_of_work(state, principal) as uow:
        source = await access_ticket(uow.session, number, principal)
        if source.merged_into_id is None:
            raise InvalidInput(f"{format_number(source.id)} is not merged")
        # Row locks in id order, as the merge took them.
        first, second = sorted((source.id, source.merged_into_id))
        locked = {t: await repo.get_ticket(uow.session, t, lock=True) for t in (first, second)}
        await do_unmerge(uow, locked[source.id], locked[source.merged_into_id])
        return await render_ticket(uow.session, locked[source.id], principal)


@router.get(
    "/tickets/{number}/marks",
    response_model=list[MarkOut],
    tags=["tickets"],
    summary="What triage marked on the ticket's messages (abuse, flood, restriction, tone)",
)
async def marks(number: str, session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    _staff(principal)
    ticket = await access_ticket(session, number, principal)
    rows = await repo.transcript(session, ticket.id, include_internal=False)
    found = await safety_repo.marks_of(session, [m.id for m, _ in rows])
    return [
        {
            "message_id": m.message_id,
            "kind": m.kind,
            "score": m.score,
            "detail": m.detail,
            "created_at": iso(m.created_at),
        }
        for m in found
    ]


# -- incidents --------------------------------------------------------------------------------
@router.get(
    "/incidents", response_model=list[IncidentOut], tags=["incidents"], summary="List incidents"
)
async def list_incidents(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    _staff(principal)
    return await incident_views(session, await safety_repo.list_incidents(session, status))


@router.get(
    "/incidents/{incident_id}",
    response_model=IncidentOut,
    tags=["incidents"],
    summary="An incident",
)
async def get_incident(
    incident_id: IdPath, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    [view] = await incident_views(session, [await safety_repo.get_incident(session, incident_id)])
    return view


@router.post(
    "/incidents/{incident_id}/resolve",
    response_model=IncidentOut,
    tags=["incidents"],
    summary="Resolve an incident (supervisors); every member ticket gets a note",
)
async def resolve_incident(
    incident_id: IdPath, body: IncidentResolve, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    require(principal, Perm.DESK_SUPERVISE)
    async with unit_of_work(state, principal) as uow:
        incident = await safety_repo.get_incident(uow.session, incident_id, lock=True)
        await do_resolve_incident(uow, incident, body.note)
        [view] = await incident_views(uow.session, [incident])
        return view


@router.post(
    "/incidents/{incident_id}/tickets",
    response_model=IncidentOut,
    tags=["incidents"],
    summary="Link a ticket to an incident",
)
async def link_ticket(
    incident_id: IdPath, body: IncidentLink, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    async with unit_of_work(state, principal) as uow:
        incident = await safety_repo.get_incident(uow.session, incident_id, lock=True)
        ticket = await access_ticket(uow.session, body.ticket, principal)
        await do_link_ticket(uow, incident, ticket)
        [view] = await incident_views(uow.session, [incident])
        return view


@router.delete(
    "/incidents/{incident_id}/tickets/{number}",
    response_model=IncidentOut,
    tags=["incidents"],
    summary="Unlink a ticket from an incident",
)
async def unlink_ticket(
    incident_id: IdPath, number: str, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    async with unit_of_work(state, principal) as uow:
        incident = await safety_repo.get_incident(uow.session, incident_id, lock=True)
        ticket = await access_ticket(uow.session, number, principal)
        await do_unlink_ticket(uow, incident, ticket)
        [view] = await incident_views(uow.session, [incident])
        return view


# -- restrictions -----------------------------------------------------------------------------
@router.get(
    "/restrictions",
    response_model=list[RestrictionOut],
    tags=["restrictions"],
    summary="Restricted customers, blocked ones pending review first (supervisors)",
)
async def list_restrictions(session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    _staff(principal)
    require(principal, Perm.DESK_SUPERVISE)
    now = datetime.now(UTC)
    views = [restriction_view(r, now) for r in await safety_repo.list_restrictions(session)]
    views = [v for v in views if v["level"] != "none"]
    return sorted(views, key=lambda v: (not v["pending_review"], v["customer_id"]))


@router.get(
    "/restrictions/{customer_id}",
    response_model=RestrictionOut,
    tags=["restrictions"],
    summary="A customer's restriction (supervisors)",
)
async def get_restriction(
    customer_id: IdPath, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    require(principal, Perm.DESK_SUPERVISE)
    await people.get_customer(session, customer_id)
    row = await safety_repo.restriction_of(session, customer_id)
    if row is None:
        raise NotFound(f"customer {customer_id} has never been restricted")
    return restriction_view(row, datetime.now(UTC))


@router.post(
    "/restrictions/{customer_id}/lift",
    response_model=RestrictionOut,
    tags=["restrictions"],
    summary="Review a restricted customer and lift the restriction (supervisors)",
)
async def lift_restriction(
    customer_id: IdPath, body: RestrictionLift, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    _staff(principal)
    require(principal, Perm.DESK_SUPERVISE)
    async with unit_of_work(state, principal) as uow:
        row = await do_lift_restriction(uow, customer_id, body.note)
        return restriction_view(row, uow.now())
