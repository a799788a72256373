"""The `kefu` command line (Typer). Each group lives in its own module and registers here."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kefu.settings import Settings

app = typer.Typer(
    name="kefu",
    help="kefu (客服): self-hosted, multilingual, omnichannel customer support.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        typer.echo(f"invalid settings: {exc}", err=True)
        raise typer.Exit(2) from exc


async def _upgrade(settings: Settings) -> str | None:
    from kefu.store.db import make_engine
    from kefu.store.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url, pool_size=1, schema=settings.database_schema)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = load_settings()
    revision = asyncio.run(_upgrade(settings))
    typer.echo(f"database at revision {revision}: {settings.database_url}")


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
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = Path(tempfile.mkdtemp(prefix="kefu-metrics-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    typer.echo(
        f"kefu serving on http://{host}:{port} ({workers} worker(s), {settings.database_url})"
    )
    uvicorn.run(
        "kefu.web.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        proxy_headers=True,
    )


def _register() -> None:
    """Attach the command groups kept in their own modules."""
    import importlib

    for name in ("kefu.cli.demo", "kefu.cli.agents", "kefu.cli.tickets"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register()
