"""Identity codes: what an agent shows a customer to prove they really are support staff.

A code is 8 characters of Crockford's base 32 (no I, L, O or U: nothing to misread), 40 random
bits, shown as `7KQ2-M9XD`. Customers may type it in any case, with or without the dash, with
O for 0 and I or L for 1. Only an HMAC of the code is stored, keyed by the server's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
BITS = LENGTH * 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SPACING = str.maketrans("", "", " -_.\t")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str | None:
    """The code as issued, or None when the text cannot be one."""
    code = text.translate(_SPACING).upper().translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_digest(code: str, key: str) -> str:
    return hmac.new(key.encode(), f"identity-code:{code}".encode(), hashlib.sha256).hexdigest()
