"""Tokens the exchange's backend signs so a logged-in customer can talk to kefu as themselves.

Format: ``v1.<uid, base64url>.<expiry, unix seconds>.<HMAC-SHA256 hex>``, the MAC taken over
``v1.<uid b64>.<expiry>`` with a secret shared between the exchange and kefu. Pure functions:
the caller passes the clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from kefu.domain.errors import NotAuthenticated

VERSION = "v1"
MAX_UID_LENGTH = 128


@dataclass(frozen=True)
class CustomerClaim:
    uid: str
    expires_at: int


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode()


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def sign(uid: str, expires_at: int, secret: str) -> str:
    if not uid or len(uid) > MAX_UID_LENGTH:
        raise ValueError("uid must be 1 to 128 characters")
    payload = f"{VERSION}.{_b64(uid)}.{expires_at}"
    return f"{payload}.{_mac(secret, payload)}"


def verify(token: str, secret: str, now: int) -> CustomerClaim:
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise NotAuthenticated("malformed customer token (expected v1.<uid>.<expiry>.<mac>)")
    _, uid_b64, expiry, mac = parts
    payload = f"{VERSION}.{uid_b64}.{expiry}"
    # Compare bytes: compare_digest refuses str with non-ASCII characters (TypeError).
    if not hmac.compare_digest(_mac(secret, payload).encode(), mac.encode("utf-8", "replace")):
        raise NotAuthenticated("customer token signature does not match")
    try:
        expires_at = int(expiry)
        uid = _unb64(uid_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAuthenticated("malformed customer token") from exc
    if expires_at <= now:
        raise NotAuthenticated("customer token has expired")
    if not uid or len(uid) > MAX_UID_LENGTH:
        raise NotAuthenticated("customer token carries an invalid uid")
    return CustomerClaim(uid=uid, expires_at=expires_at)
