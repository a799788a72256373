"""Errors as RFC 9457 `application/problem+json`, with a clear message, never a bare 500 page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kefu.domain.errors import KefuError, RateLimited

log = logging.getLogger("kefu.web")

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(KefuError)
    async def _kefu_error(_request: Request, exc: KefuError) -> JSONResponse:
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
            return problem(exc.status, exc.title, exc.detail, headers=headers)
        return problem(exc.status, exc.title, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean_errors(exc.errors())
        parts = []
        for err in errors[:3]:
            # Drop the location "body", not a field that happens to be called body.
            loc = err["loc"][1:] if err["loc"][:1] == ["body"] else err["loc"]
            parts.append(f"{'.'.join(loc) or 'request body'}: {err['msg']}")
        detail = "; ".join(parts) or "invalid request"
        if len(errors) > 3:
            detail += f" (and {len(errors) - 3} more)"
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Not authenticated",
            404: "Not found",
            405: "Method not allowed",
            413: "Request body too large",
            429: "Too many requests",
        }
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return problem(
            exc.status_code,
            titles.get(exc.status_code, "Request failed"),
            detail,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem(500, "Internal error", "an unexpected error occurred; it has been logged")


# Documented on every route so clients (and schema checks) know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM: {}}, "description": desc}
    for status, desc in {
        400: "Bad request",
        401: "Not authenticated",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        413: "Request body too large",
        422: "Invalid request",
    }.items()
}
