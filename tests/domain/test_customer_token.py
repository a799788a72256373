"""Customer tokens signed by the exchange: roundtrip, tampering, expiry, garbage."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kefu.domain import customer_token
from kefu.domain.errors import NotAuthenticated

SECRET = "exchange-shared-secret-0123456789"
NOW = 1_700_000_000
uids = st.text(min_size=1, max_size=customer_token.MAX_UID_LENGTH)


@given(uid=uids, ttl=st.integers(min_value=1, max_value=10**9))
def test_sign_verify_roundtrip(uid: str, ttl: int) -> None:
    token = customer_token.sign(uid, NOW + ttl, SECRET)
    assert token.startswith("v1.")
    assert token.count(".") == 3
    claim = customer_token.verify(token, SECRET, NOW)
    assert claim.uid == uid
    assert claim.expires_at == NOW + ttl


@given(uid=uids, data=st.data())
def test_changing_any_character_fails(uid: str, data: st.DataObject) -> None:
    token = customer_token.sign(uid, NOW + 3600, SECRET)
    index = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="index")
    replacement = data.draw(st.characters(codec="utf-8"), label="replacement")
    assume(replacement != token[index])
    tampered = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(NotAuthenticated):
        customer_token.verify(tampered, SECRET, NOW)


@given(uid=uids)
def test_wrong_secret_fails(uid: str) -> None:
    token = customer_token.sign(uid, NOW + 3600, SECRET)
    with pytest.raises(NotAuthenticated, match="signature"):
        customer_token.verify(token, SECRET + "x", NOW)


@given(uid=uids, expires_in=st.integers(min_value=-(10**9), max_value=0))
def test_expired_tokens_fail(uid: str, expires_in: int) -> None:
    token = customer_token.sign(uid, NOW + expires_in, SECRET)
    with pytest.raises(NotAuthenticated, match="expired"):
        customer_token.verify(token, SECRET, NOW)


def test_expiry_boundary() -> None:
    token = customer_token.sign("U1", NOW + 1, SECRET)
    assert customer_token.verify(token, SECRET, NOW).uid == "U1"
    with pytest.raises(NotAuthenticated):
        customer_token.verify(token, SECRET, NOW + 1)


@given(st.text())
def test_garbage_is_refused_cleanly(text: str) -> None:
    """Arbitrary text (even non-ASCII) is refused with NotAuthenticated, nothing else."""
    with pytest.raises(NotAuthenticated):
        customer_token.verify(text, SECRET, NOW)


@given(mac=st.text(min_size=1))
def test_non_ascii_signature_is_refused_cleanly(mac: str) -> None:
    token = customer_token.sign("U1", NOW + 60, SECRET)
    forged = token.rsplit(".", 1)[0] + "." + mac
    with pytest.raises(NotAuthenticated):
        customer_token.verify(forged, SECRET, NOW)


@pytest.mark.parametrize("uid", ["", "x" * (customer_token.MAX_UID_LENGTH + 1)])
def test_sign_refuses_bad_uids(uid: str) -> None:
    with pytest.raises(ValueError, match="uid"):
        customer_token.sign(uid, NOW + 60, SECRET)


def test_other_versions_are_refused() -> None:
    token = customer_token.sign("U1", NOW + 60, SECRET)
    with pytest.raises(NotAuthenticated, match="malformed"):
        customer_token.verify("v2" + token[2:], SECRET, NOW)
