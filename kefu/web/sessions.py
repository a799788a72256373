"""Stateless agent sessions: a signed cookie, and a CSRF token bound to it.

Cookie value: ``<agent id>.<expiry>.<nonce>.<HMAC>``. Any app process can check it with the
shared secret; nothing is kept in memory. Unsafe requests authenticated by the cookie must send
the matching ``X-CSRF-Token`` header, which a cross-site form cannot read or forge.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

COOKIE = "kefu_session"
CSRF_HEADER = "X-CSRF-Token"


def _mac(secret: str, purpose: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}|{payload}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SessionClaim:
    agent_id: int
    expires_at: int


def make_session(secret: str, agent_id: int, expires_at: int) -> str:
    payload = f"{agent_id}.{expires_at}.{secrets.token_hex(8)}"
    return f"{payload}.{_mac(secret, 'session', payload)}"


def read_session(secret: str, value: str, now: int) -> SessionClaim | None:
    parts = value.split(".")
    if len(parts) != 4:
        return None
    payload = ".".join(parts[:3])
    if not _same(_mac(secret, "session", payload), parts[3]):
        return None
    try:
        agent_id, expires_at = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    if expires_at <= now:
        return None
    return SessionClaim(agent_id, expires_at)


def csrf_token(secret: str, session_value: str) -> str:
    return _mac(secret, "csrf", session_value)[:40]


def check_csrf(secret: str, session_value: str, header: str | None) -> bool:
    return header is not None and _same(csrf_token(secret, session_value), header)


def _same(expected: str, given: str) -> bool:
    # Bytes, because compare_digest raises TypeError for str with non-ASCII characters.
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def make_visitor_token(secret: str, customer_id: int, expires_at: int) -> str:
    """Lets a chat visitor (no account, just an email) come back to their conversation."""
    payload = f"vt1.{customer_id}.{expires_at}"
    return f"{payload}.{_mac(secret, 'visitor', payload)}"


def read_visitor_token(secret: str, value: str, now: int) -> int | None:
    parts = value.split(".")
    if len(parts) != 4 or parts[0] != "vt1":
        return None
    payload = ".".join(parts[:3])
    if not _same(_mac(secret, "visitor", payload), parts[3]):
        return None
    try:
        customer_id, expires_at = int(parts[1]), int(parts[2])
    except ValueError:
        return None
    return customer_id if expires_at > now else None
