"""Routing over HTTP: availability (public), get next, queue position, SLA clocks, set-up."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kefu.actions.routing import do_get_next, route_waiting
from kefu.actions.shifts import (
    ShiftSpan,
    SlaRuleInput,
    do_add_sla_rule,
    do_set_calendar,
    do_set_routing_profile,
    do_set_shift_exception,
    do_set_shifts,
    do_set_team_calendar,
)
from kefu.actions.sla import sla_view
from kefu.actions.waiting import availability, queue_status
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import Perm, require
from kefu.store.repositories import people
from kefu.store.serialize import team_view
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import IdPath
from kefu.web.schemas.people import TeamOut
from kefu.web.schemas.routing import (
    Availability,
    CalendarIn,
    Dispatched,
    QueueStatus,
    RoutingProfileIn,
    ShiftExceptionIn,
    ShiftsIn,
    SlaClockOut,
    SlaRuleIn,
    SlaRuleOut,
    TeamCalendarIn,
)
from kefu.web.schemas.tickets import TicketOut
from kefu.web.views import access_ticket, render_ticket

router = APIRouter(prefix="/api/v1", tags=["routing"], responses=PROBLEM_RESPONSES)
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@router.get(
    "/availability",
    response_model=Availability,
    summary="Is a language served now; next opening; fallbacks (no authentication)",
)
async def get_availability(
    session: SessionDep, lang: Annotated[str, Query(max_length=16)]
) -> dict[str, Any]:
    if not LANGUAGE.match(lang):
        raise InvalidInput("lang is a language code such as en, ja or zh-Hant")
    return await availability(session, lang, datetime.now(UTC))


@router.post(
    "/routing/next",
    response_model=TicketOut,
    summary="Take the best waiting ticket you may handle now",
    responses={204: {"description": "Nothing you can take is waiting (or you are full)"}},
)
async def get_next(state: StateDep, principal: PrincipalDep, response: Response) -> Any:
    if not principal.is_staff or not principal.id:
        raise PermissionDenied("agents take tickets with their own login or token")
    async with unit_of_work(state, principal) as uow:
        ticket = await do_get_next(uow, principal.id)
        view = await render_ticket(uow.session, ticket, principal) if ticket is not None else None
    if view is None:
        return Response(status_code=204)
    return view


@router.post(
    "/routing/dispatch",
    response_model=Dispatched,
    summary="Supervisors: re-route and fill every free slot now",
)
async def dispatch_now(state: StateDep, principal: PrincipalDep) -> dict[str, Any]:
    require(principal, Perm.TICKETS_ASSIGN_ANY)
    return {"assigned": await route_waiting(state.deps)}


@router.get(
    "/tickets/{number}/queue",
    response_model=QueueStatus,
    summary="Place in the queue and expected wait (a range) of a waiting ticket",
)
async def get_queue_status(
    number: str, session: SessionDep, principal: PrincipalDep, state: StateDep
) -> dict[str, Any]:
    ticket = await access_ticket(session, number, principal)
    now = datetime.now(UTC)
    calibrator = await state.waits.get(session, now, ticket.channel)
    return await queue_status(session, ticket, now, calibrator)


@router.get(
    "/tickets/{number}/sla",
    response_model=dict[str, SlaClockOut],
    summary="SLA clocks: first response, next response, resolution",
)
async def get_sla(number: str, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    ticket = await access_ticket(session, number, principal)
    if principal.is_customer:
        raise PermissionDenied("SLA clocks are for staff")
    return await sla_view(session, ticket, datetime.now(UTC))


@router.put("/agents/{agent_id}/shifts", status_code=204, summary="Replace an agent's shifts")
async def put_shifts(
    agent_id: IdPath, body: ShiftsIn, state: StateDep, principal: PrincipalDep
) -> Response:
    async with unit_of_work(state, principal) as uow:
        agent = await people.get_agent(uow.session, agent_id)
        spans = [ShiftSpan(s.weekday, s.starts, s.ends) for s in body.shifts]
        await do_set_shifts(uow, agent, spans)
    return Response(status_code=204)


@router.put(
    "/agents/{agent_id}/routing-profile",
    status_code=204,
    summary="Set an agent's certifications and VIP desk membership",
)
async def put_profile(
    agent_id: IdPath, body: RoutingProfileIn, state: StateDep, principal: PrincipalDep
) -> Response:
    async with unit_of_work(state, principal) as uow:
        agent = await people.get_agent(uow.session, agent_id)
        await do_set_routing_profile(
            uow, agent, certifications=body.certifications, vip_desk=body.vip_desk
        )
    return Response(status_code=204)


@router.put(
    "/shift-exceptions", status_code=204, summary="Hours for one date, a day off, or a holiday"
)
async def put_exception(
    body: ShiftExceptionIn, state: StateDep, principal: PrincipalDep
) -> Response:
    async with unit_of_work(state, principal) as uow:
        if body.agent_id is not None:
            await people.get_agent(uow.session, body.agent_id)
        await do_set_shift_exception(uow, body.agent_id, body.day, body.spans, body.note)
    return Response(status_code=204)


@router.post("/sla/rules", status_code=201, response_model=SlaRuleOut, summary="Add an SLA rule")
async def post_rule(body: SlaRuleIn, state: StateDep, principal: PrincipalDep) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        row = await do_add_sla_rule(uow, SlaRuleInput(**body.model_dump()))
        return {"id": row.id}


@router.put(
    "/sla/calendars/{name}", status_code=204, summary="Create or replace a business calendar"
)
async def put_calendar(
    name: Annotated[str, "calendar name"],
    body: CalendarIn,
    state: StateDep,
    principal: PrincipalDep,
) -> Response:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", name):
        raise InvalidInput("calendar names are lower-case letters, digits, - and _")
    async with unit_of_work(state, principal) as uow:
        await do_set_calendar(uow, name, body.zone, body.weekly, body.holidays)
    return Response(status_code=204)


@router.put(
    "/teams/{team_id}/calendar",
    response_model=TeamOut,
    summary="Link a team (and languages) to a business calendar for SLA clocks",
)
async def put_team_calendar(
    team_id: IdPath, body: TeamCalendarIn, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        team = await people.get_team(uow.session, team_id)
        await do_set_team_calendar(uow, team, body.calendar, body.languages)
        members = await people.member_ids_of(uow.session, [team.id])
        return team_view(team, members.get(team.id, []))
