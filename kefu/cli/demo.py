"""`kefu demo load`: migrate the database and load the demo desk (once)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import typer

from kefu.cli.runtime import load_settings, open_deps, safe_url
from kefu.domain.errors import Conflict, KefuError
from kefu.settings import Settings

if TYPE_CHECKING:
    from kefu.demo.loader import DemoResult

demo_app = typer.Typer(
    help="Demo data: a crypto-exchange desk to try kefu with.", no_args_is_help=True
)


async def _load(settings: Settings) -> DemoResult:
    from kefu.demo.loader import load_demo

    async with open_deps(settings, migrate=True) as deps:
        return await load_demo(deps)


@demo_app.command("load")
def load() -> None:
    """Migrate the database and load the demo desk; safe to run again.

    Five teams, staff speaking a dozen languages, ~30 customers, ~40 tickets in every status.
    When the demo admin already exists, nothing changes.
    Prints the demo logins either way.
    """
    settings = load_settings()
    where = safe_url(settings)
    try:
        result = asyncio.run(_load(settings))
    except KefuError as exc:
        hint = " (the demo loads into an empty desk)" if isinstance(exc, Conflict) else ""
        typer.echo(f"error: {exc.detail}{hint}", err=True)
        raise typer.Exit(1) from None
    if result.loaded:
        typer.echo(
            f"demo desk loaded into {where}: {result.teams} teams, {result.agents} agents, "
            f"{result.customers} customers, {result.tickets} tickets"
        )
    else:
        typer.echo(f"demo desk already loaded in {where}; nothing changed")
    typer.echo("demo logins (email / password):")
    role_w = max(len(login.role) for login in result.logins)
    email_w = max(len(login.email) for login in result.logins)
    password_w = max(len(login.password) for login in result.logins)
    for login in result.logins:
        typer.echo(
            f"  {login.role:<{role_w}}  {login.email:<{email_w}}  "
            f"{login.password:<{password_w}}  {login.name}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(demo_app, name="demo")
