"""The `kefu` command line (Typer). Each group lives in its own module and registers here."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kefu.cli import agents, demo, enrich, intents, official, redact, tickets, wfm
from kefu.cli.runtime import load_settings, open_engine, safe_url
from kefu.settings import Settings

app = typer.Typer(
    name="kefu",
    help="kefu (客服): self-hosted, multilingual, omnichannel customer support.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


async def _upgrade(settings: Settings) -> str | None:
    from kefu.store.migrate import current_revision, upgrade

    async with open_engine(settings, pool_size=1) as engine:
        await upgrade(engine)
        return await current_revision(engine)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = load_settings()
    revision = asyncio.run(_upgrade(settings))
    typer.echo(f"database at revision {revision}: {safe_url(settings)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Serve the web app and API (stateless: run several behind a load balancer)."""
    import uvicorn

    settings = load_settings()
    if workers > 1 and not settings.redis_url:
        typer.echo(
            "warning: several workers without KEFU_REDIS_URL: live-chat events stay inside "
            "each worker, so a customer and an agent on different workers miss each other",
            err=True,
        )
    metrics_dir: Path | None = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers each write their metrics here; /metrics adds them up.
        metrics_dir = Path(tempfile.mkdtemp(prefix="kefu-metrics-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    typer.echo(f"kefu serving on http://{host}:{port} ({workers} worker(s), {safe_url(settings)})")
    try:
        uvicorn.run(
            "kefu.web.app:app_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=False,
            proxy_headers=True,
            ws_max_size=1024
            * 1024,  # chat frames over 64 KiB get an error frame; over 1 MiB, closed
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


# The command groups kept in their own modules.
demo.register(app)
agents.register(app)
tickets.register(app)
redact.register(app)
enrich.register(app)
official.register(app)
intents.register(app)
wfm.register(app)
