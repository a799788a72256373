"""`kefu official add|list|remove`: the registry of official channels, from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer

from kefu.cli.runtime import load_settings, open_deps
from kefu.domain.errors import KefuError
from kefu.domain.official import ChannelKind
from kefu.settings import Settings

T = TypeVar("T")
official_app = typer.Typer(
    help="Official channels: the domains, addresses, numbers and accounts customers can trust.",
    no_args_is_help=True,
)


async def _add(settings: Settings, kind: ChannelKind, value: str, label: str) -> str:
    from kefu.actions.official_channels import OfficialChannelInput, do_add_official_channel
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM

    async with open_deps(settings) as deps, UnitOfWork(deps, SYSTEM) as uow:
        row = await do_add_official_channel(uow, OfficialChannelInput(kind, value, label))
    return f"added #{row.id} {row.kind} {row.display}"


async def _list(settings: Settings) -> list[str]:
    from kefu.store.repositories import official as repo

    async with open_deps(settings) as deps, deps.sessionmaker() as session:
        rows = await repo.list_channels(session)
    return [f"#{r.id}\t{r.kind}\t{r.display}\t{r.label}".rstrip() for r in rows]


async def _remove(settings: Settings, channel_id: int) -> str:
    from kefu.actions.official_channels import do_remove_official_channel
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM
    from kefu.store.repositories import official as repo

    async with open_deps(settings) as deps, UnitOfWork(deps, SYSTEM) as uow:
        row = await repo.get_channel(uow.session, channel_id)
        shown = f"#{row.id} {row.kind} {row.display}"
        await do_remove_official_channel(uow, row)
    return f"removed {shown}"


def _run_or_exit(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except KefuError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None


@official_app.command("add")
def add(
    kind: Annotated[ChannelKind, typer.Argument(help="What the value is.")],
    value: Annotated[str, typer.Argument(help="e.g. kefux.com, support@…, +44 …, @name")],
    label: Annotated[str, typer.Option(help="Shown next to it, e.g. 'Support email'.")] = "",
) -> None:
    """List a value as official."""
    typer.echo(_run_or_exit(_add(load_settings(), kind, value, label)))


@official_app.command("list")
def list_() -> None:
    """Print the official channels: id, kind, value, label (tab-separated)."""
    for line in _run_or_exit(_list(load_settings())):
        typer.echo(line)


@official_app.command("remove")
def remove(
    channel_id: Annotated[int, typer.Argument(help="The id `kefu official list` shows.")],
) -> None:
    """Remove an official channel."""
    typer.echo(_run_or_exit(_remove(load_settings(), channel_id)))


def register(app: typer.Typer) -> None:
    app.add_typer(official_app, name="official")
