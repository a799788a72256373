"""`kefu ticket show`: a ticket, who it belongs to and its whole transcript, internal notes too."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer

from kefu.cli.runtime import load_settings, open_engine
from kefu.domain.errors import KefuError
from kefu.settings import Settings

ticket_app = typer.Typer(help="Tickets.", no_args_is_help=True)


async def _gather(settings: Settings, ticket_id: int) -> dict[str, Any]:
    """Everything `ticket show` prints, as JSON-ready data (the API's shapes)."""
    from kefu.domain.ticket_number import format_number
    from kefu.store.db import make_sessionmaker
    from kefu.store.repositories import people
    from kefu.store.repositories import tickets as repo
    from kefu.store.serialize import (
        agent_view,
        customer_view,
        escalation_view,
        message_view,
        team_view,
        ticket_view,
    )

    async with open_engine(settings) as engine, make_sessionmaker(engine)() as session:
        ticket = await repo.get_ticket(session, ticket_id)
        tags = (await repo.tags_of(session, [ticket.id])).get(ticket.id, [])
        customer = await people.get_customer(session, ticket.customer_id)
        identities = (await people.identities_of(session, [customer.id])).get(customer.id, [])
        assignee = None
        if ticket.assignee_id is not None:
            agent = await people.get_agent(session, ticket.assignee_id)
            team_ids = (await people.team_ids_of(session, [agent.id])).get(agent.id, [])
            assignee = agent_view(agent, team_ids)
        team = None
        if ticket.team_id is not None:
            team_row = await people.get_team(session, ticket.team_id)
            members = (await people.member_ids_of(session, [team_row.id])).get(team_row.id, [])
            team = team_view(team_row, members)
        escalations = await repo.escalations_of(session, ticket.id)
        merged = (await repo.merged_ids(session, ticket.id))[1:]
        transcript = await repo.transcript(session, ticket.id, include_internal=True)
        return {
            "ticket": ticket_view(ticket, tags),
            "customer": customer_view(customer, identities),
            "assignee": assignee,
            "team": team,
            "escalations": [escalation_view(e) for e in escalations],
            "merged_from": [format_number(i) for i in sorted(merged)],
            "messages": [message_view(m, atts) for m, atts in transcript],
        }


def _render(data: dict[str, Any]) -> str:
    from kefu.domain.transcript import render_text

    ticket, customer = data["ticket"], data["customer"]
    who = ", ".join(
        str(v)
        for v in (
            f"uid {customer['uid']}" if customer["uid"] else f"customer #{customer['id']}",
            customer["tier"],
            customer["language"],
            customer["region"],
            f"KYC {customer['kyc_level']}",
        )
        if v
    )
    contacts = ", ".join(f"{i['kind']} {i['value']}" for i in customer["identities"])
    details = [f"Customer: {customer['name'] or '(no name)'} ({who})"]
    if contacts:
        details.append(f"  contacts: {contacts}")
    if customer["flags"]:
        details.append(f"  flags: {', '.join(customer['flags'])}")
    assignee = data["assignee"]
    details.append(
        f"Assignee: {assignee['name']} <{assignee['email']}>" if assignee else "Assignee: -"
    )
    team = data["team"]
    details.append(f"Team: {team['name']} ({team['slug']})" if team else "Team: -")
    details.append(f"Tags: {', '.join(ticket['tags']) or '-'}")
    details.append(f"Escalation: level {ticket['escalation_level']}")
    for esc in data["escalations"]:
        by = f"{esc['by_kind']} #{esc['by_id']}" if esc["by_id"] else esc["by_kind"]
        details.append(f"  {esc['level']}. {esc['created_at']} by {by}: {esc['reason']}")
    if ticket["merged_into"]:
        details.append(f"Merged into: {ticket['merged_into']}")
    if data["merged_from"]:
        details.append(f"Merged from: {', '.join(data['merged_from'])}")
    text = render_text(ticket, data["messages"])
    # render_text opens with a header block ended by a blank line: the details go under it.
    header, _, body = text.partition("\n\n")
    return "\n".join([header, *details, "", body]).rstrip() + "\n"


@ticket_app.command("show")
def show(
    number: Annotated[str, typer.Argument(help="Ticket number: KF-000042, kf42 or 42.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (the API's shapes) instead of text.")
    ] = False,
) -> None:
    """Show a ticket and its whole transcript, internal notes included.

    Details: status, priority, customer, assignee, team, tags and escalations.
    Messages: the ticket's and those of tickets merged into it, oldest first.
    """
    from sqlalchemy.exc import DBAPIError

    from kefu.domain.ticket_number import parse_number

    settings = load_settings()
    try:
        data = asyncio.run(_gather(settings, parse_number(number)))
    except KefuError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    except DBAPIError as exc:
        typer.echo(f"database error: {exc.orig} (has `kefu db upgrade` run?)", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(_render(data), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(ticket_app, name="ticket")
