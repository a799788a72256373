"""Identity codes: an agent proves to a customer that they really are staff.

The agent asks for a code (optionally for one conversation) and tells it to the customer, who
enters it on the public verify page and sees the agent's name, the exchange and until when the
code is valid. A code is good for that one purpose only: it opens nothing, expires within minutes,
and a new code for the same agent and conversation replaces the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import InvalidInput, NotFound, PermissionDenied
from kefu.domain.identity_code import code_digest, format_code, new_code, normalize_code
from kefu.domain.permissions import Perm, PrincipalKind
from kefu.events.bus import Event, agent_stream
from kefu.store.models import Agent, IdentityCode, Ticket, utcnow
from kefu.store.repositories import official as repo
from kefu.store.serialize_official import identity_code_view

MAX_MINUTES = 60


@dataclass(frozen=True)
class IssuedCode:
    row: IdentityCode
    code: str  # shown once, formatted XXXX-XXXX


@dataclass(frozen=True)
class CheckedCode:
    agent_name: str
    expires_at: datetime
    ticket_id: int | None


async def do_issue_identity_code(
    uow: UnitOfWork, key: str, minutes: int, ticket: Ticket | None = None
) -> IssuedCode:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.kind not in (PrincipalKind.AGENT, PrincipalKind.TOKEN) or not uow.actor.id:
        raise PermissionDenied("only a staff member can ask for an identity code of their own")
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"an identity code lives 1 to {MAX_MINUTES} minutes")
    now = uow.now()
    for old in await repo.live_codes_of(
        uow.session, uow.actor.id, ticket.id if ticket else None, now
    ):
        old.revoked_at = now  # one live code per agent and conversation
    code = new_code()
    row = IdentityCode(
        digest=code_digest(code, key),
        agent_id=uow.actor.id,
        ticket_id=ticket.id if ticket else None,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    uow.session.add(row)
    await uow.session.flush()
    view = identity_code_view(row)
    uow.audit("identity_code.issue", "identity_code", row.id, after=view)
    uow.emit(Event("identity_code.issued", (agent_stream(uow.actor.id),), view, public=False))
    return IssuedCode(row, format_code(code))


async def do_revoke_identity_code(uow: UnitOfWork, row: IdentityCode) -> IdentityCode:
    uow.require(Perm.TICKETS_WRITE)
    if uow.actor.is_customer:
        raise NotFound(f"identity code {row.id} does not exist")
    if row.agent_id != uow.actor.id and Perm.AGENTS_WRITE not in uow.actor.perms:
        raise PermissionDenied("agents can only withdraw their own identity codes")
    if row.revoked_at is None:
        row.revoked_at = uow.now()
        view = identity_code_view(row)
        uow.audit("identity_code.revoke", "identity_code", row.id, after=view)
        uow.emit(Event("identity_code.revoked", (agent_stream(row.agent_id),), view, public=False))
    return row


async def check_identity_code(
    session: AsyncSession, key: str, text: str, now: datetime | None = None
) -> CheckedCode | None:
    """Who a code belongs to, while it is live; None for a wrong, expired or revoked code (the
    three look the same to the person checking, so the answer tells a guesser nothing)."""
    code = normalize_code(text)
    if code is None:
        return None
    found = await repo.identity_code_by_digest(session, code_digest(code, key))
    if found is None:
        return None
    row, agent = found
    if now is None:
        now = utcnow()
    if row.revoked_at is not None or row.expires_at <= now or not agent.active:
        return None
    return CheckedCode(_display_name(agent), row.expires_at, row.ticket_id)


def _display_name(agent: Agent) -> str:
    return agent.name or agent.email.split("@", 1)[0]
