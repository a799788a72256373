"""Private keys are redacted; transaction hashes and addresses are kept."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.triage.redaction import find_secrets, redact
from kefu.triage.redaction.keys import base58check

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KEY = "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"


def b58check_encode(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


@pytest.mark.parametrize(
    "text",
    [
        f"my private key is {KEY}",
        f"私钥：{KEY}",
        f"秘密鍵 {KEY}",
        f"개인키 0x{KEY}",
        f"clave privada: {KEY}",
        f"{KEY} <- this is my private key",
        f"мой приватный ключ {KEY}",
    ],
)
def test_hex_key_with_key_context(text: str) -> None:
    assert [f.kind for f in find_secrets(text)] == ["private_key"]


@pytest.mark.parametrize(
    "text",
    [
        f"txid {KEY}",
        f"deposit missing, tx hash: 0x{KEY}",
        f"{KEY}",
        f"交易哈希 {KEY}",
        f"I never shared my private key, but the withdrawal tx {KEY} is not mine",
    ],
)
def test_transaction_hashes_are_kept(text: str) -> None:
    assert find_secrets(text) == []


def test_wif_and_extended_keys_by_base58check() -> None:
    key = bytes.fromhex(KEY)
    wif = b58check_encode(b"\x80" + key + b"\x01")
    assert base58check(wif) == b"\x80" + key + b"\x01"
    assert redact(f"import {wif} please").text == "import [redacted:private_key] please"
    xprv = b58check_encode(bytes.fromhex("0488ade4") + bytes(range(74)))
    assert xprv.startswith("xprv")
    assert redact(xprv).text == "[redacted:private_key]"
    # An address (25-byte payload) is no key; neither is an xpub.
    address = b58check_encode(b"\x00" + bytes(range(20)))
    xpub = b58check_encode(bytes.fromhex("0488b21e") + bytes(range(74)))
    assert find_secrets(f"send to {address} and watch {xpub}") == []


def test_pem_block() -> None:
    text = "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\nok"
    assert redact(text).text == "key:\n[redacted:private_key]\nok"
    cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"
    assert redact(cut).text == "[redacted:private_key]"


@given(st.binary(min_size=32, max_size=32), st.booleans())
def test_any_transaction_hash_survives(digest: bytes, prefixed: bool) -> None:
    value = ("0x" if prefixed else "") + digest.hex()
    for text in (f"TXID: {value}", f"hash {value} not credited", value):
        assert find_secrets(text) == []


@given(st.binary(min_size=20, max_size=20))
def test_any_address_survives(raw: bytes) -> None:
    eth = "0x" + raw.hex()
    btc = b58check_encode(b"\x00" + raw)
    assert find_secrets(f"withdrawal to {eth} and {btc} pending since 2026-11-24") == []
