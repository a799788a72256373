"""State changes of customers and their identities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import Conflict, InvalidInput
from kefu.domain.identities import normalize_identity
from kefu.domain.permissions import Perm
from kefu.events.bus import DESK_STREAM, Event
from kefu.store.models import Customer, CustomerIdentity
from kefu.store.repositories import people

CUSTOMER_FIELDS = ("uid", "name", "tier", "language", "region", "kyc_level", "flags")


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {name: getattr(customer, name) for name in (*CUSTOMER_FIELDS, "account_manager_id")}


@dataclass(frozen=True)
class CustomerInput:
    uid: str | None = None
    name: str = ""
    tier: str = "standard"
    language: str | None = None
    region: str | None = None
    kyc_level: int = 0
    flags: tuple[str, ...] = ()
    identities: tuple[tuple[str, str], ...] = ()


async def do_create_customer(uow: UnitOfWork, data: CustomerInput) -> Customer:
    uow.require(Perm.CUSTOMERS_WRITE)
    if data.uid and await people.customer_by_uid(uow.session, data.uid):
        raise Conflict(f"a customer with uid {data.uid!r} already exists")
    customer = Customer(
        created_at=uow.now(),
        updated_at=uow.now(),
        uid=data.uid,
        name=data.name,
        tier=data.tier,
        language=data.language,
        region=data.region,
        kyc_level=data.kyc_level,
        flags=list(data.flags),
    )
    uow.session.add(customer)
    await uow.session.flush()
    for kind, value in data.identities:
        await _add_identity(uow, customer, kind, value)
    uow.audit("customer.create", "customer", customer.id, after=_snapshot(customer))
    uow.emit(Event("customer.created", (DESK_STREAM,), {"customer_id": customer.id}, public=False))
    return customer


async def do_ensure_customer_by_uid(uow: UnitOfWork, uid: str) -> Customer:
    """The customer with this exchange UID, created on first contact (no permission needed:
    the caller has already authenticated the UID, e.g. by a signed customer token)."""
    existing = await people.customer_by_uid(uow.session, uid)
    if existing is not None:
        return existing
    nested = await uow.session.begin_nested()
    customer = Customer(uid=uid, flags=[], created_at=uow.now(), updated_at=uow.now())
    uow.session.add(customer)
    try:
        await uow.session.flush()
    except Exception:
        await nested.rollback()
        found = await people.customer_by_uid(uow.session, uid)
        if found is None:
            raise
        return found
    await nested.commit()
    uow.audit("customer.create", "customer", customer.id, after={"uid": uid})
    return customer


async def do_ensure_customer_by_identity(uow: UnitOfWork, kind: str, value: str) -> Customer:
    """The customer known by this email, phone or handle, created on first contact."""
    kind, value = normalize_identity(kind, value)
    existing = await people.customer_by_identity(uow.session, kind, value)
    if existing is not None:
        return existing
    # A savepoint, as for UIDs: two first messages from one address at once make one customer.
    nested = await uow.session.begin_nested()
    customer = Customer(flags=[], name="", created_at=uow.now(), updated_at=uow.now())
    uow.session.add(customer)
    try:
        await uow.session.flush()
        uow.session.add(
            CustomerIdentity(customer_id=customer.id, kind=kind, value=value, created_at=uow.now())
        )
        await uow.session.flush()
    except IntegrityError:
        await nested.rollback()
        found = await people.customer_by_identity(uow.session, kind, value)
        if found is None:
            raise
        return found
    await nested.commit()
    uow.audit("customer.create", "customer", customer.id, after={kind: value})
    return customer


async def _add_identity(uow: UnitOfWork, customer: Customer, kind: str, value: str) -> None:
    kind, value = normalize_identity(kind, value)
    stmt = select(CustomerIdentity).where(
        CustomerIdentity.kind == kind, CustomerIdentity.value == value
    )
    existing = (await uow.session.execute(stmt)).scalar_one_or_none()
    if existing is not None:
        if existing.customer_id != customer.id:
            raise Conflict(f"{kind} {value} already belongs to customer {existing.customer_id}")
        return
    uow.session.add(
        CustomerIdentity(customer_id=customer.id, kind=kind, value=value, created_at=uow.now())
    )
    await uow.session.flush()


async def do_add_identity(uow: UnitOfWork, customer: Customer, kind: str, value: str) -> None:
    uow.require(Perm.CUSTOMERS_WRITE)
    await _add_identity(uow, customer, kind, value)
    uow.audit(
        "customer.add_identity", "customer", customer.id, after={"kind": kind, "value": value}
    )


async def do_update_customer(
    uow: UnitOfWork, customer: Customer, changes: dict[str, Any]
) -> Customer:
    uow.require(Perm.CUSTOMERS_WRITE)
    allowed = {*CUSTOMER_FIELDS, "account_manager_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    new_uid = changes.get("uid")
    if new_uid and new_uid != customer.uid and await people.customer_by_uid(uow.session, new_uid):
        raise Conflict(f"a customer with uid {changes['uid']!r} already exists")
    if changes.get("account_manager_id") is not None:
        await people.get_agent(uow.session, changes["account_manager_id"])
    before = _snapshot(customer)
    for name, value in changes.items():
        setattr(customer, name, list(value) if name == "flags" else value)
    customer.updated_at = uow.now()
    after = _snapshot(customer)
    diff_before = {k: v for k, v in before.items() if after[k] != v}
    diff_after = {k: after[k] for k in diff_before}
    if diff_before:
        uow.audit("customer.update", "customer", customer.id, before=diff_before, after=diff_after)
        uow.emit(
            Event("customer.updated", (DESK_STREAM,), {"customer_id": customer.id}, public=False)
        )
    return customer


async def do_start_visitor(uow: UnitOfWork, email: str, name: str) -> Customer:
    """A chat visitor who is not logged in: a new customer with the email they typed.

    The email is unverified, so it is kept as a contact address, never as an identity: typing
    someone else's address must not open their conversations.
    """
    _, address = normalize_identity("email", email)
    customer = Customer(
        name=name.strip()[:128],
        contact_email=address,
        flags=["visitor"],
        created_at=uow.now(),
        updated_at=uow.now(),
    )
    uow.session.add(customer)
    await uow.session.flush()
    uow.audit("customer.visitor", "customer", customer.id, after={"contact_email": address})
    return customer
