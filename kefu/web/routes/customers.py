"""Customers: list and search, create, get, update, add identities."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from kefu.actions.customers import (
    CustomerInput,
    do_add_identity,
    do_create_customer,
    do_update_customer,
)
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import InvalidInput, NotFound
from kefu.domain.permissions import Perm, Principal, require
from kefu.store.repositories import people
from kefu.store.repositories.tickets import decode_cursor, encode_cursor
from kefu.store.serialize import customer_view
from kefu.web.deps import PrincipalDep, SessionDep, StateDep, unit_of_work
from kefu.web.idempotency import run_idempotent
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.common import CleanStr, IdPath
from kefu.web.schemas.people import (
    CustomerCreate,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    IdentityIn,
)
from kefu.web.views import render_customer

NOT_NULL = ("name", "tier", "kyc_level", "flags")  # the others may be cleared with null

router = APIRouter(prefix="/api/v1/customers", tags=["customers"], responses=PROBLEM_RESPONSES)


def _check_read(principal: Principal, customer_id: int) -> None:
    if principal.is_customer:
        if principal.id != customer_id:
            raise NotFound(f"customer {customer_id} does not exist")
        return
    require(principal, Perm.CUSTOMERS_READ)


@router.get("", response_model=CustomerPage, summary="List or search customers")
async def list_customers(
    session: SessionDep,
    principal: PrincipalDep,
    q: Annotated[
        CleanStr | None, Query(max_length=200, description="uid, name, email, phone…")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    require(principal, Perm.CUSTOMERS_READ)
    after = decode_cursor(cursor) if cursor else None
    rows = await people.list_customers(session, limit + 1, after, q)
    idents = await people.identities_of(session, [c.id for c in rows[:limit]])
    return {
        "items": [customer_view(c, idents.get(c.id, [])) for c in rows[:limit]],
        "next_cursor": encode_cursor(rows[limit - 1].id) if len(rows) > limit else None,
    }


@router.post("", status_code=201, response_model=CustomerOut, summary="Create a customer")
async def create_customer(
    request: Request,
    body: CustomerCreate,
    state: StateDep,
    principal: PrincipalDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    require(principal, Perm.CUSTOMERS_WRITE)
    data = CustomerInput(
        uid=body.uid,
        name=body.name,
        tier=body.tier.value,
        language=body.language,
        region=body.region,
        kyc_level=body.kyc_level,
        flags=tuple(body.flags),
        identities=tuple((i.kind.value, i.value) for i in body.identities),
    )

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        customer = await do_create_customer(uow, data)
        return await render_customer(uow.session, customer)

    return await run_idempotent(request, state, principal, idempotency_key, 201, work)


@router.get("/{customer_id}", response_model=CustomerOut, summary="Get a customer")
async def get_customer(
    customer_id: IdPath, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    _check_read(principal, customer_id)
    return await render_customer(session, await people.get_customer(session, customer_id))


@router.patch("/{customer_id}", response_model=CustomerOut, summary="Update a customer")
async def patch_customer(
    customer_id: IdPath, body: CustomerPatch, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, mode="json")
    nulled = sorted(k for k in NOT_NULL if k in changes and changes[k] is None)
    if nulled:
        raise InvalidInput(f"{', '.join(nulled)} cannot be null")
    async with unit_of_work(state, principal) as uow:
        require(principal, Perm.CUSTOMERS_WRITE)
        customer = await people.get_customer(uow.session, customer_id)
        await do_update_customer(uow, customer, changes)
        return await render_customer(uow.session, customer)


@router.post(
    "/{customer_id}/identities",
    response_model=CustomerOut,
    summary="Link an email, phone or social handle to the customer",
)
async def add_identity(
    customer_id: IdPath, body: IdentityIn, state: StateDep, principal: PrincipalDep
) -> dict[str, Any]:
    async with unit_of_work(state, principal) as uow:
        require(principal, Perm.CUSTOMERS_WRITE)
        customer = await people.get_customer(uow.session, customer_id)
        await do_add_identity(uow, customer, body.kind.value, body.value)
        return await render_customer(uow.session, customer)
