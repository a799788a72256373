"""Normalising customers' external identities so the same person is found again."""

from __future__ import annotations

import re

from kefu.domain.enums import IdentityKind
from kefu.domain.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$", re.ASCII)
_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def normalize_identity(kind: str, value: str) -> tuple[str, str]:
    try:
        k = IdentityKind(kind)
    except ValueError as exc:
        allowed = ", ".join(i.value for i in IdentityKind)
        raise InvalidInput(f"unknown identity kind {kind!r}; expected one of {allowed}") from exc
    v = value.strip()
    if k == IdentityKind.EMAIL:
        v = v.lower()
        if not _EMAIL.match(v) or len(v) > 254:
            raise InvalidInput(f"{value!r} is not an email address")
    elif k == IdentityKind.PHONE:
        v = re.sub(r"[\s\-().]", "", v)
        if v.startswith("00"):
            v = "+" + v[2:]
        if not _PHONE.match(v):
            raise InvalidInput(f"{value!r} is not a phone number in international form (+…)")
    else:
        v = v.lstrip("@").lower()
        if not _HANDLE.match(v):
            raise InvalidInput(f"{value!r} is not a valid {k.value} handle")
    return k.value, v
