"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from kefu.domain.enums import TicketStatus
from kefu.store.db import ping
from kefu.store.migrate import current_revision
from kefu.store.repositories.tickets import count_by_status
from kefu.web import metrics
from kefu.web.deps import SessionDep, StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The database is reachable and migrated",
    responses={503: {"description": "Not ready"}},
)
async def readyz(state: StateDep) -> Any:
    try:
        await ping(state.engine)
        revision = await current_revision(state.engine)
    except Exception as exc:  # readiness must answer, whatever broke
        return JSONResponse({"status": "unavailable", "detail": str(exc)[:200]}, status_code=503)
    if revision is None:
        return JSONResponse(
            {"status": "unavailable", "detail": "database not migrated; run kefu db upgrade"},
            status_code=503,
        )
    return {"status": "ok", "database": state.engine.dialect.name, "revision": revision}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def prometheus(session: SessionDep) -> Response:
    metrics.set_ticket_counts(await count_by_status(session), [s.value for s in TicketStatus])
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
