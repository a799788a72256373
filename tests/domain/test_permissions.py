"""The permission matrix as pure code: roles, scopes, customers, the system principal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain.enums import Role
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import (
    ALL_SCOPES,
    CUSTOMER_PERMS,
    ROLE_PERMS,
    SYSTEM,
    Perm,
    PrincipalKind,
    effective_perms,
    has,
    make_principal,
    require,
    validate_scopes,
)

P = Perm
AGENT = {
    P.TICKETS_READ,
    P.TICKETS_WRITE,
    P.TICKETS_MERGE,
    P.NOTES_READ,
    P.NOTES_WRITE,
    P.CUSTOMERS_READ,
    P.CUSTOMERS_WRITE,
    P.AGENTS_READ,
}
SUPERVISOR = AGENT | {P.TICKETS_ASSIGN_ANY, P.AUDIT_READ, P.DESK_SUPERVISE, P.WFM_READ}
ADMIN = SUPERVISOR | {P.AGENTS_WRITE, P.TEAMS_WRITE, P.TOKENS_WRITE, P.OFFICIAL_CHANNELS_WRITE}
scope_sets = st.frozensets(st.sampled_from(sorted(ALL_SCOPES)))
roles = st.sampled_from(list(Role))


def test_role_matrix() -> None:
    assert ROLE_PERMS[Role.AGENT] == AGENT
    assert ROLE_PERMS[Role.SUPERVISOR] == SUPERVISOR
    assert ROLE_PERMS[Role.ADMIN] == ADMIN == set(Perm)
    assert ROLE_PERMS[Role.AGENT] < ROLE_PERMS[Role.SUPERVISOR] < ROLE_PERMS[Role.ADMIN]


@pytest.mark.parametrize(
    ("perm", "roles_with_it"),
    [
        (P.TICKETS_ASSIGN_ANY, {Role.SUPERVISOR, Role.ADMIN}),
        (P.AUDIT_READ, {Role.SUPERVISOR, Role.ADMIN}),
        (P.WFM_READ, {Role.SUPERVISOR, Role.ADMIN}),
        (P.AGENTS_WRITE, {Role.ADMIN}),
        (P.TEAMS_WRITE, {Role.ADMIN}),
        (P.TOKENS_WRITE, {Role.ADMIN}),
        (P.OFFICIAL_CHANNELS_WRITE, {Role.ADMIN}),
        (P.NOTES_READ, set(Role)),
    ],
)
def test_who_has_what(perm: Perm, roles_with_it: set[Role]) -> None:
    for role in Role:
        principal = make_principal(PrincipalKind.AGENT, 1, role)
        assert has(principal, perm) is (role in roles_with_it)


def test_customers_only_read_and_write_tickets() -> None:
    customer = make_principal(PrincipalKind.CUSTOMER, 7, name="U7")
    assert customer.perms == CUSTOMER_PERMS == {P.TICKETS_READ, P.TICKETS_WRITE}
    assert customer.is_customer
    assert not customer.is_staff
    assert not has(customer, P.NOTES_READ)
    # A role or scopes given to a customer principal change nothing.
    forged = make_principal(PrincipalKind.CUSTOMER, 7, Role.ADMIN, frozenset(ALL_SCOPES))
    assert forged.perms == CUSTOMER_PERMS


def test_system_has_everything() -> None:
    assert SYSTEM.perms == set(Perm)
    assert SYSTEM.is_staff
    assert not SYSTEM.is_customer


@given(role=roles, scopes=scope_sets)
def test_scopes_only_narrow(role: Role, scopes: frozenset[str]) -> None:
    for kind in (PrincipalKind.TOKEN, PrincipalKind.AGENT):
        perms = effective_perms(kind, role, scopes)
        assert perms <= ROLE_PERMS[role]
        assert {p.value for p in perms} <= scopes
        assert perms == {p for p in ROLE_PERMS[role] if p.value in scopes}
    assert effective_perms(PrincipalKind.TOKEN, role, None) == ROLE_PERMS[role]


def test_staff_without_role_has_nothing() -> None:
    assert effective_perms(PrincipalKind.TOKEN, None, None) == frozenset()


@given(role=roles, scopes=scope_sets, perm=st.sampled_from(list(Perm)))
def test_require_agrees_with_has(role: Role, scopes: frozenset[str], perm: Perm) -> None:
    principal = make_principal(PrincipalKind.TOKEN, 3, role, scopes, token_id=9)
    if has(principal, perm):
        require(principal, perm)
    else:
        with pytest.raises(PermissionDenied) as err:
            require(principal, perm)
        assert perm.value in err.value.detail
        assert err.value.status == 403


def test_validate_scopes() -> None:
    assert validate_scopes(["tickets:read", "tickets:read"]) == {"tickets:read"}
    assert validate_scopes([]) == frozenset()
    with pytest.raises(InvalidInput, match="tickets:delete"):
        validate_scopes(["tickets:read", "tickets:delete"])


@given(st.lists(st.text(max_size=20)))
def test_validate_scopes_accepts_exactly_known_scopes(scopes: list[str]) -> None:
    if set(scopes) <= ALL_SCOPES:
        assert validate_scopes(scopes) == set(scopes)
    else:
        with pytest.raises(InvalidInput):
            validate_scopes(scopes)


def test_principal_equality_ignores_cached_perms() -> None:
    a = make_principal(PrincipalKind.AGENT, 1, Role.AGENT)
    b = make_principal(PrincipalKind.AGENT, 1, Role.AGENT)
    assert a == b
    assert a.is_staff
    assert make_principal(PrincipalKind.TOKEN, 1, Role.AGENT).is_staff
