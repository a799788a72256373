"""Errors raised by domain and action code; the web layer maps each to an HTTP problem."""

from __future__ import annotations


class KefuError(Exception):
    """Base class: `status` is the HTTP status the web layer answers with."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(KefuError):
    status = 422
    title = "Invalid input"


class InvalidTransition(KefuError):
    status = 409
    title = "Invalid status transition"


class NotFound(KefuError):
    status = 404
    title = "Not found"


class PermissionDenied(KefuError):
    status = 403
    title = "Forbidden"


class NotAuthenticated(KefuError):
    status = 401
    title = "Not authenticated"


class Conflict(KefuError):
    status = 409
    title = "Conflict"


class RateLimited(KefuError):
    """Too many requests of one kind from one source; `retry_after` seconds until allowed."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
