"""Who is on the other end of a chat connection: customer token, visitor, agent session/token."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.websockets import WebSocket

from kefu.actions.customers import do_start_visitor
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.chat_frames import Hello
from kefu.domain.errors import NotAuthenticated, RateLimited
from kefu.domain.permissions import SYSTEM, Principal, PrincipalKind, make_principal
from kefu.domain.secrets import TOKEN_PREFIX
from kefu.store.models import Customer
from kefu.web import sessions
from kefu.web.deps import customer_principal, session_principal, token_principal
from kefu.web.state import AppState

VISITOR_TTL = 30 * 24 * 3600


@dataclass(frozen=True)
class Caller:
    principal: Principal
    name: str
    visitor_token: str | None = None


async def customer_caller(state: AppState, hello: Hello, client_ip: str | None) -> Caller:
    settings = state.settings
    now = int(time.time())
    if hello.token:
        principal = await customer_principal(state, hello.token)
        return Caller(principal, principal.name)
    if hello.visitor_token:
        customer_id = sessions.read_visitor_token(settings.secret_key, hello.visitor_token, now)
        if customer_id is None:
            raise NotAuthenticated("visitor token expired or invalid; say hello with an email")
        async with state.sessionmaker() as session:
            found = await session.get(Customer, customer_id)
        if found is None:
            raise NotAuthenticated("visitor no longer exists")
        return Caller(_customer(found), found.name, hello.visitor_token)
    if hello.visitor_email:
        await _limit_visitor_starts(state, client_ip)
        async with UnitOfWork(state.deps, SYSTEM) as uow:
            customer = await do_start_visitor(uow, hello.visitor_email, hello.visitor_name)
        token = sessions.make_visitor_token(settings.secret_key, customer.id, now + VISITOR_TTL)
        return Caller(_customer(customer), customer.name, token)
    raise NotAuthenticated("say hello with a customer token, a visitor token or an email")


async def _limit_visitor_starts(state: AppState, client_ip: str | None) -> None:
    """Each visitor start creates a customer: one address may start only so many an hour."""
    limit = state.settings.visitor_starts_per_ip_hour
    if not limit or not client_ip:
        return
    wait = await state.limiter.hit(f"visitor-start:{client_ip}", limit, 3600)
    if wait:
        raise RateLimited(
            f"too many new chats from your address; sign in or try again in {wait} s", wait
        )


def _customer(customer: Customer) -> Principal:
    return make_principal(PrincipalKind.CUSTOMER, customer.id, name=customer.name)


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser
    host = websocket.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def agent_caller(state: AppState, websocket: WebSocket, hello: Hello) -> Caller:
    if hello.token:
        if not hello.token.startswith(TOKEN_PREFIX):
            raise NotAuthenticated("agents say hello with an API token (kefu_…) or a session")
        principal = await token_principal(state, hello.token)
        return Caller(principal, principal.name)
    cookie = websocket.cookies.get(sessions.COOKIE)
    if not cookie:
        raise NotAuthenticated("log in first (no session cookie)")
    claim = sessions.read_session(state.settings.secret_key, cookie, int(time.time()))
    if claim is None:
        raise NotAuthenticated("session expired or invalid; log in again")
    if not _same_origin(websocket):
        # A page on another site must not ride on the agent's cookie (cross-site hijacking).
        raise PermissionError("origin not allowed")
    principal = await session_principal(state, claim.agent_id)
    return Caller(principal, principal.name)
