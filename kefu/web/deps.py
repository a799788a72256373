"""FastAPI dependencies: the process state, a read session, the caller, a unit of work."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.customers import do_ensure_customer_by_uid
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain import customer_token
from kefu.domain.enums import Role
from kefu.domain.errors import NotAuthenticated, PermissionDenied
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.domain.secrets import TOKEN_PREFIX, hash_api_token
from kefu.logs import current_request_id
from kefu.store.models import Agent
from kefu.store.repositories import people
from kefu.web import sessions
from kefu.web.state import AppState

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token (`kefu_…`) or a customer token signed by the exchange (`v1.…`).",
)
_cookie = APIKeyCookie(name=sessions.COOKIE, auto_error=False, description="Agent session")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.kefu
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    async with state.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def token_principal(state: AppState, token: str) -> Principal:
    digest = hash_api_token(token)
    cached = state.tokens.tokens.get(digest)
    if cached is not None:
        return cached
    async with state.sessionmaker() as session:
        found = await people.token_by_hash(session, digest)
    if found is None:
        raise NotAuthenticated("unknown API token")
    token_row, agent = found
    if token_row.revoked_at is not None:
        raise NotAuthenticated("API token has been revoked")
    if not agent.active:
        raise NotAuthenticated("the token's agent is deactivated")
    principal = make_principal(
        PrincipalKind.TOKEN,
        agent.id,
        Role(agent.role),
        frozenset(token_row.scopes) if token_row.scopes is not None else None,
        name=agent.name,
        token_id=token_row.id,
    )
    state.tokens.tokens.put(digest, principal)
    return principal


async def customer_principal(state: AppState, token: str) -> Principal:
    claim = customer_token.verify(token, state.settings.customer_token_secret, int(time.time()))
    key = f"customer:{claim.uid}"
    cached = state.tokens.agents.get(key)
    if cached is not None:
        return cached
    async with UnitOfWork(state.deps, SYSTEM) as uow:
        customer = await do_ensure_customer_by_uid(uow, claim.uid)
    principal = make_principal(PrincipalKind.CUSTOMER, customer.id, name=customer.name or claim.uid)
    state.tokens.agents.put(key, principal)
    return principal


async def session_principal(state: AppState, agent_id: int) -> Principal:
    key = f"agent:{agent_id}"
    cached = state.tokens.agents.get(key)
    if cached is not None:
        return cached
    async with state.sessionmaker() as session:
        agent = await session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise NotAuthenticated("session is no longer valid; log in again")
    principal = make_principal(PrincipalKind.AGENT, agent.id, Role(agent.role), name=agent.name)
    state.tokens.agents.put(key, principal)
    return principal


async def get_principal(
    request: Request,
    state: StateDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    if bearer is not None:
        token = bearer.credentials.strip()
        if token.startswith(TOKEN_PREFIX):
            return await token_principal(state, token)
        if token.startswith(customer_token.VERSION + "."):
            return await customer_principal(state, token)
        raise NotAuthenticated("unrecognised bearer token (expected kefu_… or v1.…)")
    if cookie:
        claim = sessions.read_session(state.settings.secret_key, cookie, int(time.time()))
        if claim is None:
            raise NotAuthenticated("session expired or invalid; log in again")
        if request.method not in SAFE_METHODS and not sessions.check_csrf(
            state.settings.secret_key, cookie, request.headers.get(sessions.CSRF_HEADER)
        ):
            raise PermissionDenied(
                f"missing or wrong {sessions.CSRF_HEADER} header (get it from /api/v1/auth/session)"
            )
        return await session_principal(state, claim.agent_id)
    raise NotAuthenticated(
        "authenticate with a session cookie, an API token or a signed customer token"
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def unit_of_work(state: AppState, principal: Principal) -> UnitOfWork:
    return UnitOfWork(state.deps, principal, request_id=current_request_id())
