"""Private keys: PEM blocks, WIF and extended private keys (Base58Check), and 64 hex digits
when a private-key cue is nearer than a transaction one (a transaction hash looks the same, and
customers need theirs kept)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Final

from kefu.triage.redaction.cues import KEY_CUE, TX_CUE
from kefu.triage.redaction.findings import Finding

_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(_B58)}
_B58_RUN = "[1-9A-HJ-NP-Za-km-z]"

_PEM: Final = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----.*?"
    r"(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\Z)",
    re.DOTALL,
)
# WIF: 51 or 52 characters; extended private keys: xprv, yprv, zprv, tprv … (111 characters).
_WIF: Final = re.compile(rf"(?<!{_B58_RUN}){_B58_RUN}{{50,52}}(?!{_B58_RUN})")
_EXTENDED: Final = re.compile(
    rf"(?<!{_B58_RUN})(?:[xyzuvtYZUV]prv){_B58_RUN}{{90,120}}(?!{_B58_RUN})"
)
_HEX64: Final = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_CONTEXT = 120  # characters either side searched for cues


def base58check(text: str) -> bytes | None:
    """The payload of a Base58Check string, or None when its checksum fails."""
    number = 0
    for char in text:
        index = _B58_INDEX.get(char)
        if index is None:
            return None
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    raw = b"\x00" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


def find_private_keys(text: str) -> Iterator[Finding]:
    if "-----BEGIN" in text:
        for m in _PEM.finditer(text):
            yield Finding("private_key", m.start(), m.end(), 1.0)
    if len(text) < 50 or max(map(len, text.split())) < 50:
        return  # keys are one long run of characters: none here
    for m in _EXTENDED.finditer(text):
        valid = base58check(m.group()) is not None
        yield Finding("private_key", m.start(), m.end(), 1.0 if valid else 0.8)
    for m in _WIF.finditer(text):
        payload = base58check(m.group())
        wif = payload is not None and (
            len(payload) == 33 or (len(payload) == 34 and payload[-1] == 1)
        )
        if wif:
            yield Finding("private_key", m.start(), m.end(), 1.0)
        elif m.group()[0] in "5KLc9" and _key_context(text, m.start(), m.end()):
            yield Finding("private_key", m.start(), m.end(), 0.6)  # mistyped, but announced
    if len(text) >= 64:
        for m in _HEX64.finditer(text):
            if _key_context(text, m.start(), m.end()):
                yield Finding("private_key", m.start(), m.end(), 0.8)


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Characters between the value and the nearest cue before or after it."""
    best: int | None = None
    for m in pattern.finditer(text, max(0, start - _CONTEXT), start):
        best = start - m.end()
    after = pattern.search(text, end, min(len(text), end + _CONTEXT))
    if after is not None and (best is None or after.start() - end < best):
        best = after.start() - end
    return best


def _key_context(text: str, start: int, end: int) -> bool:
    key = _nearest(KEY_CUE, text, start, end)
    if key is None:
        return False
    tx = _nearest(TX_CUE, text, start, end)
    return tx is None or key < tx
