"""`kefu wfm history`: contact history from kefu's own tickets, as JSON or `timestamp,calls` CSV."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from kefu.cli.runtime import load_settings, open_engine
from kefu.cli.wfm import AsJson, fail, wfm_app
from kefu.settings import Settings
from kefu.wfm.forecast.history import HistoryError, parse_interval
from kefu.wfm.ticket_history import Dimension, SeriesSummary, summarise


async def _load(settings: Settings, days: int, by: Dimension, tz: str) -> dict[str, SeriesSummary]:
    from kefu.store.db import make_sessionmaker
    from kefu.store.repositories.wfm import contacts_between

    until = datetime.now(UTC)
    async with (
        open_engine(settings, pool_size=1) as engine,
        make_sessionmaker(engine)() as session,
    ):
        rows = await contacts_between(session, until - timedelta(days=days), until)
    return summarise(rows, by, tz)


_DIMENSIONS: dict[str, Dimension] = {
    "language": "language",
    "channel": "channel",
    "intent": "intent",
    "all": "all",
}


@wfm_app.command("history")
def history(
    interval: Annotated[str, typer.Option(help="15min, 30min or 60min")] = "60min",
    days: Annotated[int, typer.Option(min=1, max=366, help="Days ending now")] = 28,
    by: Annotated[str, typer.Option(help="language, channel, intent or all")] = "language",
    tz: Annotated[str, typer.Option(help="Time zone of the desk's day")] = "UTC",
    csv_key: Annotated[
        str | None,
        typer.Option("--csv", help="Print this key's counts as timestamp,calls CSV instead"),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Contacts per interval from kefu's tickets, with waits, handle times and abandonment."""
    try:
        minutes = parse_interval(interval)
        dimension = _DIMENSIONS.get(by)
        if dimension is None:
            raise HistoryError("--by must be language, channel, intent or all")
        ZoneInfo(tz)
    except (HistoryError, ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(
            str(exc) if isinstance(exc, HistoryError) else f"unknown time zone {tz!r}"
        ) from None
    summaries = asyncio.run(_load(load_settings(), days, dimension, tz))
    if csv_key is not None:
        if csv_key not in summaries:
            raise fail(f"no contacts for {csv_key!r}; keys: {', '.join(summaries) or 'none'}")
        h = summaries[csv_key].history(minutes)
        typer.echo("timestamp,calls")
        for day, row in zip(h.dates, h.counts, strict=True):
            for start, count in zip(h.starts(day), row, strict=True):
                typer.echo(f"{start.isoformat()},{int(count)}")
        return
    out: list[dict[str, Any]] = [
        {
            "key": s.key,
            "contacts": s.contacts,
            "mean_wait_seconds": s.mean_wait_seconds,
            "mean_handle_seconds": s.mean_handle_seconds,
            "abandonment": s.abandonment,
        }
        for s in summaries.values()
    ]
    if as_json:
        typer.echo(json.dumps(out))
        return
    if not out:
        typer.echo("no contacts in the window")
    for row in out:
        typer.echo(
            f"{row['key']:10} {row['contacts']:7} contacts  wait {row['mean_wait_seconds']}"
            f"  handle {row['mean_handle_seconds']}  abandonment {row['abandonment']}"
        )
