"""ASGI middleware: request id, body-size limit, latency metrics and one JSON log line a request.

A plain ASGI callable (like Starlette's own middleware), so streaming bodies are counted as they
arrive and an oversized upload is refused with 413 before the route runs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kefu.logs import bind_request_id, unbind_request_id
from kefu.web.metrics import observe_request

log = logging.getLogger("kefu.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


class _TooLarge(HTTPException):
    """An HTTPException, so that the framework passes it on (as a 413 problem) instead of
    turning a failure while reading the body into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body exceeds {limit} bytes")


def _problem_413(limit: int) -> bytes:
    return orjson.dumps(
        {
            "type": "about:blank",
            "title": "Request body too large",
            "status": 413,
            "detail": f"request body exceeds {limit} bytes",
        }
    )


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = bind_request_id(request_id)
        started = time.perf_counter()
        status = 500
        limit = self.max_body_bytes
        declared = headers.get(b"content-length")
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        received = 0

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise _TooLarge(limit)
            await self.app(scope, receive_wrapper, send_wrapper)
        except _TooLarge:
            if not response_started:
                await _send_413(send_wrapper, limit)
        finally:
            elapsed = time.perf_counter() - started
            try:
                route = scope.get("route")
                template = getattr(route, "path_format", None) or "unmatched"
                observe_request(scope["method"], template, status, elapsed)
                _log_request(scope, status, elapsed, request_id)
            except Exception:  # bookkeeping must never break a response already sent
                log.exception("request bookkeeping failed")
            finally:
                unbind_request_id(token)


async def _send_413(send: Send, limit: int) -> None:
    body = _problem_413(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _log_request(scope: Scope, status: int, elapsed: float, request_id: str) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    extra: dict[str, Any] = {
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "duration_ms": round(elapsed * 1000, 2),
    }
    log.info("request", extra={"fields": extra, "request_id": request_id})
