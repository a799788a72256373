"""Workforce figures for supervisors: contact history, and charts read at a glance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kefu.domain.errors import InvalidInput
from kefu.domain.permissions import Perm, require
from kefu.store.repositories import wfm as wfm_repo
from kefu.web.deps import PrincipalDep, SessionDep
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.wfm.erlang import StaffingError
from kefu.wfm.forecast.history import ALLOWED_MINUTES, HistoryError
from kefu.wfm.requirements import ServiceTarget
from kefu.wfm.shifts import PlanError
from kefu.wfm.ticket_history import Dimension, SeriesSummary, summarise

router = APIRouter(prefix="/api/v1/wfm", tags=["workforce"], responses=PROBLEM_RESPONSES)

Interval = Annotated[int, Query(ge=15, le=60, description="Interval in minutes: 15, 30 or 60")]
Days = Annotated[int, Query(ge=1, le=366, description="Days of history, ending now")]
Tz = Annotated[str, Query(max_length=64, description="Time zone of the desk's day")]
PNG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}}, "description": "PNG image"}
}


async def _summaries(
    session: Any, interval: int, days: int, by: Dimension, tz: str, language: str | None = None
) -> dict[str, SeriesSummary]:
    if interval not in ALLOWED_MINUTES:
        raise InvalidInput("interval must be 15, 30 or 60 minutes")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {tz!r}") from None
    until = datetime.now(UTC)
    rows = await wfm_repo.contacts_between(session, until - timedelta(days=days), until)
    if language is not None:
        rows = [r for r in rows if (r.language or "unknown") == language]
    summaries = summarise(rows, by, tz)
    if not summaries:
        raise InvalidInput("no contacts in the window: widen it with ?days=")
    return summaries


@router.get("/history", summary="Contacts per interval by language, channel or intent")
async def history(
    session: SessionDep,
    principal: PrincipalDep,
    interval: Interval = 60,
    days: Days = 28,
    by: Annotated[Dimension, Query(description="Split by")] = "language",
    tz: Tz = "UTC",
) -> dict[str, Any]:
    require(principal, Perm.WFM_READ)
    summaries = await _summaries(session, interval, days, by, tz)
    series = []
    for summary in summaries.values():
        h = summary.history(interval)
        cells = [
            {"start": start.isoformat(), "contacts": int(count)}
            for day, row in zip(h.dates, h.counts, strict=True)
            for start, count in zip(h.starts(day), row, strict=True)
            if count
        ]
        series.append(
            {
                "key": summary.key,
                "contacts": summary.contacts,
                "mean_wait_seconds": summary.mean_wait_seconds,
                "mean_handle_seconds": summary.mean_handle_seconds,
                "abandonment": summary.abandonment,
                "intervals": cells,
            }
        )
    return {"interval_minutes": interval, "by": by, "tz": tz, "series": series}


@router.get(
    "/forecast.png",
    summary="Chart: forecast against actual contacts",
    response_class=Response,
    responses=PNG,
)
async def forecast_png(
    session: SessionDep,
    principal: PrincipalDep,
    interval: Interval = 60,
    days: Days = 28,
    language: Annotated[str | None, Query(max_length=16)] = None,
    tz: Tz = "UTC",
) -> Response:
    require(principal, Perm.WFM_READ)
    from kefu.wfm.desk import forecast_png as draw

    summaries = await _summaries(session, interval, days, "all", tz, language)
    summary = summaries["all"]
    if language:
        summary.key = language
    try:
        png = await run_in_threadpool(draw, summary, interval)
    except HistoryError as exc:
        raise InvalidInput(str(exc)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get(
    "/staffing.png",
    summary="Chart: required against scheduled agents per language",
    response_class=Response,
    responses=PNG,
)
async def staffing_png(
    session: SessionDep,
    principal: PrincipalDep,
    interval: Interval = 60,
    days: Days = 28,
    aht_seconds: Annotated[float, Query(gt=0, le=86400)] = 300.0,
    target_seconds: Annotated[float, Query(ge=0, le=86400)] = 60.0,
    target_level: Annotated[float, Query(gt=0, lt=1)] = 0.8,
    shrinkage: Annotated[float, Query(ge=0, lt=1)] = 0.0,
    concurrency: Annotated[int, Query(ge=1, le=20)] = 1,
    max_agents: Annotated[int | None, Query(ge=0, le=100000)] = None,
    tz: Tz = "UTC",
) -> Response:
    require(principal, Perm.WFM_READ)
    from kefu.wfm.desk import next_day_plan, staffing_png

    summaries = await _summaries(session, interval, days, "language", tz)
    target = ServiceTarget(
        aht_seconds, target_seconds, target_level, shrinkage=shrinkage, concurrency=concurrency
    )

    def draw() -> bytes:
        return staffing_png(next_day_plan(summaries, interval, target, max_agents))

    try:
        png = await run_in_threadpool(draw)
    except (HistoryError, StaffingError, PlanError) as exc:
        raise InvalidInput(str(exc)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
