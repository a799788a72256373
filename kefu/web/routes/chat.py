"""The live-chat WebSocket endpoints: `/ws/chat` for customers, `/ws/agent` for agents."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from kefu.domain.chat_frames import FrameError, parse_hello
from kefu.domain.errors import NotAuthenticated, PermissionDenied, RateLimited
from kefu.web.chat.connection import ChatConnection
from kefu.web.chat.hello import Caller, agent_caller, customer_caller
from kefu.web.state import AppState

router = APIRouter()

HELLO_SECONDS = 10.0
CLOSE_BAD_HELLO = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_HELLO_TIMEOUT = 4408
CLOSE_RATE_LIMITED = 4429


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    await websocket.close(code=code, reason=reason.encode()[:120].decode(errors="ignore"))


async def _serve(websocket: WebSocket, *, agent: bool) -> None:
    await websocket.accept()
    state: AppState = websocket.app.state.kefu
    try:
        message = await asyncio.wait_for(websocket.receive(), HELLO_SECONDS)
    except TimeoutError:
        await _close(websocket, CLOSE_HELLO_TIMEOUT, "no hello in time")
        return
    if message["type"] == "websocket.disconnect":
        return
    try:
        hello = parse_hello(message.get("text") or message.get("bytes") or b"")
    except FrameError as exc:
        await _close(websocket, CLOSE_BAD_HELLO, exc.detail)
        return
    caller: Caller
    try:
        if agent:
            caller = await agent_caller(state, websocket, hello)
        else:
            client_ip = websocket.client.host if websocket.client else None
            caller = await customer_caller(state, hello, client_ip)
    except NotAuthenticated as exc:
        await _close(websocket, CLOSE_UNAUTHENTICATED, exc.detail)
        return
    except RateLimited as exc:
        await _close(websocket, CLOSE_RATE_LIMITED, exc.detail)
        return
    except (PermissionDenied, PermissionError) as exc:
        await _close(websocket, CLOSE_FORBIDDEN, str(exc))
        return
    except Exception as exc:  # e.g. an invalid visitor email
        detail = getattr(exc, "detail", None) or "could not start the chat"
        await _close(websocket, CLOSE_BAD_HELLO, str(detail))
        return
    with contextlib.suppress(WebSocketDisconnect):
        await ChatConnection(websocket, state, caller, agent=agent).run()


@router.websocket("/ws/chat")
async def customer_chat(websocket: WebSocket) -> None:
    await _serve(websocket, agent=False)


@router.websocket("/ws/agent")
async def agent_chat(websocket: WebSocket) -> None:
    await _serve(websocket, agent=True)
