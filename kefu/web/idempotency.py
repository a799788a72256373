"""`Idempotency-Key` for POSTs that create things: a retry gets the first response back.

The response is stored in the same transaction as the change it describes, so a retry after a
lost response, or two concurrent deliveries of the same request, create exactly one thing.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import InvalidInput
from kefu.domain.permissions import Principal
from kefu.store.models import IdempotencyRecord
from kefu.web.deps import unit_of_work
from kefu.web.state import AppState

MAX_KEY_LENGTH = 200
Work = Callable[[UnitOfWork], Awaitable[dict[str, Any]]]


def _principal_key(principal: Principal) -> str:
    return f"{principal.kind.value}:{principal.id}:{principal.token_id or 0}"


async def _fingerprint(request: Request, key: str) -> str:
    """Keyed with the server's secret: the request body may hold a secret the customer pasted
    (redacted from what is stored), and a plain hash of a body whose other text is stored
    would let anyone reading the database try every six-digit code or common password."""
    digest = hmac.new(key.encode(), f"{request.method} {request.url.path}\n".encode(), "sha256")
    digest.update(await request.body())
    return digest.hexdigest()


async def _lookup(state: AppState, principal: str, key: str) -> IdempotencyRecord | None:
    async with state.sessionmaker() as session:
        stmt = select(IdempotencyRecord).where(
            IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
        )
        return (await session.execute(stmt)).scalar_one_or_none()


def _replay(record: IdempotencyRecord, fingerprint: str) -> JSONResponse:
    if record.fingerprint != fingerprint:
        raise InvalidInput(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    return JSONResponse(
        record.response, status_code=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


async def run_idempotent(
    request: Request,
    state: AppState,
    principal: Principal,
    key: str | None,
    status_code: int,
    work: Work,
) -> JSONResponse:
    if key is None:
        async with unit_of_work(state, principal) as uow:
            body = await work(uow)
        return JSONResponse(body, status_code=status_code)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    owner = _principal_key(principal)
    fingerprint = await _fingerprint(request, state.settings.secret_key)
    existing = await _lookup(state, owner, key)
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        async with unit_of_work(state, principal) as uow:
            body = await work(uow)
            uow.remember_response(owner, key, fingerprint, status_code, body)
    except IntegrityError:
        existing = await _lookup(state, owner, key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return JSONResponse(body, status_code=status_code)
