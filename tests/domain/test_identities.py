"""Normalising emails, phones and handles so the same person is found again."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.domain.enums import IdentityKind
from kefu.domain.errors import InvalidInput
from kefu.domain.identities import normalize_identity


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("email", "  Alice@Example.COM ", "alice@example.com"),
        ("phone", "+1 (555) 123-4567", "+15551234567"),
        ("phone", "0044 20 7946 0958", "+442079460958"),
        ("phone", "+86.138.0013.8000", "+8613800138000"),
        ("telegram", "@Satoshi_N", "satoshi_n"),
        ("x", "  @elon.musk ", "elon.musk"),
        ("facebook", "some-page", "some-page"),
        ("chat", "visitor_1234", "visitor_1234"),
    ],
)
def test_normalises(kind: str, value: str, expected: str) -> None:
    assert normalize_identity(kind, value) == (kind, expected)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("email", "a b@c.d"),
        ("email", "a@b@c.d"),
        ("email", "x" * 250 + "@a.io"),
        ("phone", "5551234567"),  # no country code
        ("phone", "+0123456789"),
        ("phone", "+12"),
        ("phone", "+1234567890123456"),  # 16 digits
        ("phone", "+1 555 CALL NOW"),
        ("phone", "+1٢٣٤٥٦٧٨"),  # digits, but not ASCII ones
        ("telegram", "has space"),
        ("telegram", ""),
        ("x", "@"),
        ("x", "a" * 65),
        ("facebook", "<script>"),
    ],
)
def test_rejects(kind: str, value: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_identity(kind, value)


def test_unknown_kind() -> None:
    with pytest.raises(InvalidInput, match="unknown identity kind"):
        normalize_identity("fax", "123")


kinds = st.sampled_from([k.value for k in IdentityKind])


@given(kind=kinds, value=st.text(max_size=80))
def test_normalising_is_idempotent_or_refuses(kind: str, value: str) -> None:
    try:
        k, v = normalize_identity(kind, value)
    except InvalidInput:
        return
    assert k == kind
    assert normalize_identity(k, v) == (k, v)
    assert v == v.strip()
    assert 0 < len(v) <= 254
    if kind == "phone":
        assert v[0] == "+"
        assert v[1:].isascii()
        assert v[1:].isdigit()
    elif kind != "email":
        assert v == v.lower()
        assert v.isascii()


@given(
    local=st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True),
    domain=st.from_regex(r"[A-Za-z0-9-]{1,20}\.[A-Za-z]{2,6}", fullmatch=True),
)
def test_emails_match_case_insensitively(local: str, domain: str) -> None:
    email = f"{local}@{domain}"
    assert normalize_identity("email", email.upper()) == normalize_identity("email", email)
