"""Incidents: tickets of many customers about the same thing, with a live count.

Triage places each new ticket (kefu/triage/incidents.py decides where); agents link and unlink
tickets; a supervisor resolves the incident, and every member ticket gets a note. Every change
sends the incident's full view on the desk stream (`incident.created` / `incident.updated`), so
a supervisor's live list is the last view of each incident it received.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.messages import do_add_note
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import InvalidInput, PermissionDenied
from kefu.domain.permissions import Perm
from kefu.domain.ticket_number import format_number
from kefu.events.bus import DESK_STREAM, Event
from kefu.store.models import Incident, IncidentTicket, Ticket
from kefu.store.repositories import safety as safety_repo
from kefu.store.repositories import tickets as repo
from kefu.store.serialize import iso
from kefu.triage.duplicates import from_bytes, to_bytes
from kefu.triage.incidents import Placement, centroid


def incident_view(incident: Incident, member_ids: list[int]) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "status": incident.status,
        "count": incident.ticket_count,
        "tickets": [format_number(t) for t in member_ids],
        "created_at": iso(incident.created_at),
        "updated_at": iso(incident.updated_at),
        "resolved_at": iso(incident.resolved_at),
        "resolution": incident.resolution,
    }


async def incident_views(
    session: AsyncSession, incidents: Sequence[Incident]
) -> list[dict[str, Any]]:
    """Views of incidents with their member tickets (one query for all of them)."""
    members = await safety_repo.members_of(session, [i.id for i in incidents])
    return [incident_view(i, members.get(i.id, [])) for i in incidents]


async def _refresh(uow: UnitOfWork, incident: Incident, kind: str) -> dict[str, Any]:
    """Recount members and the centroid after a change, and tell the desk."""
    await uow.session.flush()
    members = (await safety_repo.members_of(uow.session, [incident.id])).get(incident.id, [])
    vectors = await safety_repo.member_vectors(uow.session, incident.id)
    incident.ticket_count = len(members)
    incident.centroid = to_bytes(centroid([from_bytes(v) for v in vectors])) if vectors else None
    incident.updated_at = uow.now()
    view = incident_view(incident, members)
    uow.emit(Event(kind, (DESK_STREAM,), {"incident": view}))
    return view


def _staff_only(uow: UnitOfWork) -> None:
    if not uow.actor.is_staff:
        raise PermissionDenied("only staff manage incidents")


async def do_place_ticket(uow: UnitOfWork, placement: Placement) -> Incident:
    """Triage's decision: join an open incident, or found one with the given members."""
    _staff_only(uow)
    now = uow.now()
    if placement.incident_id is None:
        incident = Incident(
            title=placement.title[:300] or "Incident",
            status="open",
            ticket_count=0,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(incident)
        await uow.session.flush()
        kind = "incident.created"
    else:
        incident = await safety_repo.get_incident(uow.session, placement.incident_id, lock=True)
        if incident.status != "open":
            raise InvalidInput(f"incident {incident.id} is resolved")
        kind = "incident.updated"
    for ticket_id, similarity in placement.members:
        uow.session.add(
            IncidentTicket(
                incident_id=incident.id,
                ticket_id=ticket_id,
                linked_by="auto",
                similarity=round(similarity, 4),
                linked_at=now,
            )
        )
    view = await _refresh(uow, incident, kind)
    uow.audit(
        "incident.create" if kind == "incident.created" else "incident.link",
        "incident",
        incident.id,
        after={"tickets": [format_number(t) for t, _ in placement.members], "count": view["count"]},
    )
    return incident


async def do_link_ticket(uow: UnitOfWork, incident: Incident, ticket: Ticket) -> Incident:
    uow.require(Perm.TICKETS_WRITE)
    _staff_only(uow)
    if incident.status != "open":
        raise InvalidInput(f"incident {incident.id} is resolved; link tickets to an open one")
    current = await safety_repo.incident_of(uow.session, ticket.id)
    if current is not None:
        if current.incident_id == incident.id:
            return incident
        raise InvalidInput(
            f"{format_number(ticket.id)} already belongs to incident {current.incident_id}"
        )
    uow.session.add(
        IncidentTicket(
            incident_id=incident.id, ticket_id=ticket.id, linked_by="manual", linked_at=uow.now()
        )
    )
    view = await _refresh(uow, incident, "incident.updated")
    uow.audit(
        "incident.link",
        "incident",
        incident.id,
        after={"tickets": [format_number(ticket.id)], "count": view["count"]},
    )
    return incident


async def do_unlink_ticket(uow: UnitOfWork, incident: Incident, ticket: Ticket) -> Incident:
    uow.require(Perm.TICKETS_WRITE)
    _staff_only(uow)
    result = await uow.session.execute(
        delete(IncidentTicket).where(
            IncidentTicket.incident_id == incident.id, IncidentTicket.ticket_id == ticket.id
        )
    )
    if not getattr(result, "rowcount", 0):
        raise InvalidInput(f"{format_number(ticket.id)} is not in incident {incident.id}")
    view = await _refresh(uow, incident, "incident.updated")
    uow.audit(
        "incident.unlink",
        "incident",
        incident.id,
        before={"tickets": [format_number(ticket.id)]},
        after={"count": view["count"]},
    )
    return incident


async def do_resolve_incident(uow: UnitOfWork, incident: Incident, note: str) -> Incident:
    """A supervisor closes the incident; each member ticket gets a note saying so."""
    uow.require(Perm.DESK_SUPERVISE)
    note = note.strip()
    if not note:
        raise InvalidInput("say how the incident was resolved")
    if incident.status == "resolved":
        raise InvalidInput(f"incident {incident.id} is already resolved")
    now = uow.now()
    incident.status = "resolved"
    incident.resolved_at = now
    incident.resolved_by_id = uow.actor_id
    incident.resolution = note[:2000]
    members = (await safety_repo.members_of(uow.session, [incident.id])).get(incident.id, [])
    for ticket_id in sorted(members):  # row locks in id order, as everywhere
        ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
        await do_add_note(
            uow,
            ticket,
            f"Incident {incident.id} «{incident.title}» resolved: {incident.resolution}",
        )
        uow.ticket_event(
            ticket,
            "incident.resolved",
            {"incident": incident.id, "title": incident.title, "resolution": incident.resolution},
            public=False,
        )
    await _refresh(uow, incident, "incident.updated")
    uow.audit(
        "incident.resolve",
        "incident",
        incident.id,
        before={"status": "open"},
        after={"status": "resolved", "note": incident.resolution, "tickets": len(members)},
    )
    return incident
