"""`kefu enrich`: a worker that enriches pending inbound messages (language, intent, duplicates,
tone, lookalikes), for deployments whose app processes leave that to workers
(`KEFU_ENRICH_IN_SERVER=false`)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from kefu.settings import Settings


async def _work(settings: Settings, *, once: bool, interval: float, batch: int) -> int:
    from kefu.actions.enrichment import enrich_pending
    from kefu.cli.runtime import open_deps
    from kefu.store.models import utcnow

    done = 0
    async with open_deps(settings) as deps:
        while True:
            found = await enrich_pending(deps, utcnow(), limit=batch)
            done += found
            if once and found < batch:
                return done
            if found < batch:
                # Nothing (or little) waiting; what failed stays pending and is retried later.
                await asyncio.sleep(interval)


def enrich(
    once: Annotated[
        bool, typer.Option("--once", help="Enrich what is pending now, then exit.")
    ] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds to wait when nothing is pending.", min=0.05)
    ] = 0.5,
    batch: Annotated[int, typer.Option(help="Messages per batch.", min=1, max=5000)] = 64,
) -> None:
    """Enrich pending inbound messages, as a long-running worker (or `--once`).

    Run it beside app processes started with KEFU_ENRICH_IN_SERVER=false, on the same host at a
    lower priority (`nice -n 19 kefu enrich`) or on other hosts: model inference then never
    competes with live chat for the app processes' CPU. Enriching a message twice changes
    nothing, so several workers may run; they may repeat each other's work.
    """
    settings = Settings()
    try:
        done = asyncio.run(_work(settings, once=once, interval=interval, batch=batch))
    except KeyboardInterrupt:
        return
    typer.echo(f"enriched {done} message(s)")


def register(app: typer.Typer) -> None:
    app.command("enrich")(enrich)
