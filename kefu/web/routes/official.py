"""The registry of official channels (admins write, anyone reads), the public verify API, and
agents' identity codes.

    GET  /api/v1/verify?value=…                 official / lookalike of … / not official, and why
    POST /api/v1/verify/identity-code {code}     whose code is it, until when
    POST /api/v1/identity-codes {ticket?}        an agent asks for a code to show a customer
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from kefu.actions.identity_codes import (
    check_identity_code,
    do_issue_identity_code,
    do_revoke_identity_code,
)
from kefu.actions.official_channels import (
    OfficialChannelInput,
    do_add_official_channel,
    do_remove_official_channel,
    do_update_official_channel,
)
from kefu.domain import verify_text
from kefu.domain.permissions import Perm, require
from kefu.domain.ticket_number import format_number
from kefu.store.repositories import official as repo
from kefu.store.serialize import iso
from kefu.store.serialize_official import identity_code_view, official_channel_view
from kefu.triage.channel_values import MAX_VALUE_CHARS, parse_value
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.problems import PROBLEM, PROBLEM_RESPONSES, Problem
from kefu.web.schemas.common import CleanStr, IdPath
from kefu.web.schemas.official import (
    IdentityCodeAnswer,
    IdentityCodeCheck,
    IdentityCodeCreate,
    IdentityCodeCreated,
    IdentityCodeOut,
    OfficialChannelCreate,
    OfficialChannelOut,
    OfficialChannelPatch,
    VerdictOut,
)
from kefu.web.verify_guard import VerifyGuard, verify_guard
from kefu.web.verify_views import code_answer, verdict_view
from kefu.web.views import access_ticket

router = APIRouter(prefix="/api/v1", tags=["official channels"], responses=PROBLEM_RESPONSES)
GuardDep = Annotated[VerifyGuard, Depends(verify_guard)]
RETRY = {"Retry-After": "60"}
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "content": {PROBLEM: {}}, "description": "Too many checks"}
}


def too_many() -> HTTPException:
    return HTTPException(429, "too many checks from this address; wait a minute", RETRY)


@router.get(
    "/official-channels", response_model=list[OfficialChannelOut], summary="Official channels"
)
async def list_channels(session: SessionDep) -> list[dict[str, Any]]:
    """Public: the domains, addresses, numbers and accounts the exchange owns."""
    return [official_channel_view(r) for r in await repo.list_channels(session)]


@router.post(
    "/official-channels",
    status_code=201,
    response_model=OfficialChannelOut,
    summary="Add an official channel (admins)",
)
async def add_channel(
    body: OfficialChannelCreate, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        row = await do_add_official_channel(
            uow, OfficialChannelInput(body.kind, body.value, body.label)
        )
        return official_channel_view(row)


@router.patch(
    "/official-channels/{channel_id}",
    response_model=OfficialChannelOut,
    summary="Change an official channel (admins)",
)
async def patch_channel(
    channel_id: IdPath, body: OfficialChannelPatch, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    require(principal, Perm.OFFICIAL_CHANNELS_WRITE)
    async with unit_of_work(state, principal) as uow:
        row = await repo.get_channel(uow.session, channel_id)
        await do_update_official_channel(uow, row, value=body.value, label=body.label)
        return official_channel_view(row)


@router.delete(
    "/official-channels/{channel_id}",
    status_code=204,
    summary="Remove an official channel (admins)",
)
async def remove_channel(channel_id: IdPath, state: StateDep, principal: PrincipalDep) -> None:
    require(principal, Perm.OFFICIAL_CHANNELS_WRITE)
    async with unit_of_work(state, principal) as uow:
        row = await repo.get_channel(uow.session, channel_id)
        await do_remove_official_channel(uow, row)


@router.get(
    "/verify", response_model=VerdictOut, summary="Is this value official?", responses=LIMITED
)
async def verify(
    request: Request,
    state: StateDep,
    session: SessionDep,
    guard: GuardDep,
    value: Annotated[CleanStr, Query(min_length=1, max_length=MAX_VALUE_CHARS)],
    lang: Annotated[CleanStr | None, Query(max_length=35)] = None,
) -> dict[str, Any]:
    """Public, no authentication, rate-limited per client address. Answers `official`,
    `lookalike` (with the official value it imitates) or `not_official`, with the reason."""
    if not await guard.allow_value(request):
        raise too_many()
    language = verify_text.pick_language(
        lang, verify_text.accept_language(request.headers.get("accept-language"))
    )
    parsed = parse_value(value, state.settings.default_phone_region)
    index = await guard.registry.index(session)
    return verdict_view(index.check(parsed), language)


@router.post(
    "/verify/identity-code",
    response_model=IdentityCodeAnswer,
    summary="Check an agent's identity code",
    responses=LIMITED,
)
async def verify_code(
    request: Request, body: IdentityCodeCheck, state: StateDep, session: SessionDep, guard: GuardDep
) -> dict[str, Any]:
    """Public, rate-limited more strictly than `/verify`: a wrong, expired or withdrawn code
    gets the same answer."""
    if not await guard.allow_code(request):
        raise too_many()
    language = verify_text.pick_language(
        body.lang, verify_text.accept_language(request.headers.get("accept-language"))
    )
    checked = await check_identity_code(session, state.settings.secret_key, body.code)
    return code_answer(checked, state.settings.exchange_name, language)


@router.post(
    "/identity-codes",
    status_code=201,
    response_model=IdentityCodeCreated,
    summary="Get an identity code to show a customer",
)
async def issue_code(
    body: IdentityCodeCreate, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        ticket = await access_ticket(uow.session, body.ticket, principal) if body.ticket else None
        issued = await do_issue_identity_code(
            uow, state.settings.secret_key, state.settings.identity_code_minutes, ticket
        )
        return {
            "id": issued.row.id,
            "code": issued.code,
            "expires_at": iso(issued.row.expires_at),
            "ticket": format_number(ticket.id) if ticket is not None else None,
            "agent_name": principal.name,
        }


@router.delete(
    "/identity-codes/{code_id}",
    response_model=IdentityCodeOut,
    summary="Withdraw an identity code (its agent, or an admin)",
)
async def revoke_code(code_id: IdPath, state: StateDep, principal: PrincipalDep) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        row = await repo.get_identity_code(uow.session, code_id)
        await do_revoke_identity_code(uow, row)
        return identity_code_view(row)
