"""Agent login and logout (session cookie + CSRF token), and `me` for any caller."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request, Response

from kefu.domain.errors import NotAuthenticated
from kefu.domain.secrets import verify_password
from kefu.store.repositories import people
from kefu.web import sessions
from kefu.web.deps import PrincipalDep, SessionDep, StateDep
from kefu.web.problems import PROBLEM_RESPONSES
from kefu.web.schemas.people import LoginRequest, MeOut, SessionOut
from kefu.web.views import render_agent, render_customer

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/auth/login", response_model=SessionOut, summary="Log in as an agent")
async def login(
    body: LoginRequest, response: Response, session: SessionDep, state: StateDep
) -> dict[str, Any]:
    agent = await people.agent_by_email(session, body.email)
    ok = await asyncio.to_thread(
        verify_password, agent.password_hash if agent else None, body.password
    )
    if agent is None or not ok or not agent.active:
        raise NotAuthenticated("wrong email or password")
    settings = state.settings
    value = sessions.make_session(
        settings.secret_key, agent.id, int(time.time()) + settings.session_max_age_seconds
    )
    response.set_cookie(
        sessions.COOKIE,
        value,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return {
        "agent": await render_agent(session, agent),
        "csrf_token": sessions.csrf_token(settings.secret_key, value),
    }


@router.post("/auth/logout", status_code=204, summary="Log out")
async def logout(response: Response) -> Response:
    response.delete_cookie(sessions.COOKIE, path="/")
    response.status_code = 204
    return response


@router.get(
    "/auth/session", response_model=SessionOut, summary="The logged-in agent and CSRF token"
)
async def current_session(
    request: Request, principal: PrincipalDep, session: SessionDep, state: StateDep
) -> dict[str, Any]:
    cookie = request.cookies.get(sessions.COOKIE)
    if cookie is None or principal.kind.value != "agent":
        raise NotAuthenticated("no agent session; log in with /api/v1/auth/login")
    agent = await people.get_agent(session, principal.id)
    return {
        "agent": await render_agent(session, agent),
        "csrf_token": sessions.csrf_token(state.settings.secret_key, cookie),
    }


@router.get("/me", response_model=MeOut, summary="Who the caller is")
async def me(principal: PrincipalDep, session: SessionDep) -> dict[str, Any]:
    scopes = sorted(p.value for p in principal.perms)
    if principal.is_customer:
        customer = await people.get_customer(session, principal.id)
        return {
            "kind": "customer",
            "customer": await render_customer(session, customer),
            "scopes": scopes,
        }
    agent = await people.get_agent(session, principal.id)
    return {
        "kind": principal.kind.value,
        "agent": await render_agent(session, agent),
        "scopes": scopes,
    }
