"""`kefu agent create`: add a staff account, optionally with an API token."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Annotated

import typer

from kefu.cli.runtime import load_settings, open_deps
from kefu.domain.enums import Role
from kefu.domain.errors import KefuError
from kefu.settings import Settings

agent_app = typer.Typer(
    help="Staff accounts: agents, supervisors and admins.", no_args_is_help=True
)


@dataclass(frozen=True)
class _Created:
    agent_id: int
    email: str
    role: str
    token: str | None


async def _create(
    settings: Settings,
    email: str,
    name: str,
    role: Role,
    password: str,
    languages: tuple[str, ...],
    skills: tuple[str, ...],
    timezone: str,
    with_token: bool,
) -> _Created:
    from kefu.actions.agents import AgentInput, do_create_agent, do_create_api_token
    from kefu.actions.unit_of_work import UnitOfWork
    from kefu.domain.permissions import SYSTEM

    async with open_deps(settings) as deps:
        async with UnitOfWork(deps, SYSTEM) as uow:
            agent = await do_create_agent(
                uow,
                AgentInput(
                    email=email,
                    name=name,
                    role=role,
                    password=password,
                    languages=languages,
                    skills=skills,
                    timezone=timezone,
                ),
            )
            token = None
            if with_token:
                _, token = await do_create_api_token(uow, agent, f"{agent.name} (CLI)", None)
        return _Created(agent.id, agent.email, agent.role, token)


def _words(values: list[str] | None) -> tuple[str, ...]:
    """Lower-cased, de-duplicated, in the order given; `--language en,zh` works too."""
    out: list[str] = []
    for value in values or []:
        for word in value.split(","):
            word = word.strip().lower()
            if word and word not in out:
                out.append(word)
    return tuple(out)


@agent_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Login email; must be unique.")],
    name: Annotated[str, typer.Option(help="Display name shown to colleagues.")],
    role: Annotated[Role, typer.Option(help="What the account may do.")] = Role.AGENT,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="KEFU_AGENT_PASSWORD",
            help="Login password (10+ characters). Omitted: a random one is generated and "
            "printed once. Prefer the environment variable: arguments show up in `ps`.",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option(
            "--language",
            "-l",
            help="Language the agent handles, e.g. en (repeatable).",
            show_default=False,
        ),
    ] = None,
    skill: Annotated[
        list[str] | None,
        typer.Option(
            "--skill",
            "-s",
            help="Skill used for routing, e.g. withdrawals (repeatable).",
            show_default=False,
        ),
    ] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Asia/Singapore.")] = "UTC",
    token: Annotated[
        bool,
        typer.Option(
            "--token", help="Also create an API token acting as this agent; printed once."
        ),
    ] = False,
) -> None:
    """Create a staff account (and with --token an API token for it)."""
    from sqlalchemy.exc import DBAPIError

    settings = load_settings()
    generated = password is None
    secret = password if password is not None else secrets.token_urlsafe(15)
    try:
        created = asyncio.run(
            _create(
                settings,
                email,
                name,
                role,
                secret,
                _words(language),
                _words(skill),
                timezone,
                token,
            )
        )
    except KefuError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    except DBAPIError as exc:
        typer.echo(f"database error: {exc.orig} (has `kefu db upgrade` run?)", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"created {created.role} #{created.agent_id} {created.email}")
    if generated:
        typer.echo(f"password (generated, shown once): {secret}")
    if created.token is not None:
        typer.echo(f"API token (shown once, store it now): {created.token}")


def register(app: typer.Typer) -> None:
    app.add_typer(agent_app, name="agent")
