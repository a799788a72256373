"""A real server on a loopback port, for tests that speak real WebSockets to it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from kefu.domain.chat_state import apply_event
from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.store.repositories import tickets as repo
from kefu.triage.pipeline import InboundPipeline
from kefu.web.app import create_app
from kefu.web.chat.snapshot import load_conversation
from kefu.web.state import AppState
from tests import support

WAIT = 10.0  # generous: two shared cores, PostgreSQL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _close_code(exc: ConnectionClosed) -> int:
    """The code the server closed with; 1006 when no close frame came."""
    return exc.rcvd.code if exc.rcvd is not None else 1006


@dataclass
class LiveServer:
    url: str  # ws://127.0.0.1:PORT
    desk: support.Desk
    settings: Settings
    state: AppState | None = None
    bus: RecordingBus | None = None
    clients: list[Client] = field(default_factory=list)

    @property
    def http_url(self) -> str:
        return "http" + self.url.removeprefix("ws")

    @property
    def app_state(self) -> AppState:
        assert self.state is not None
        return self.state

    async def connect(
        self, path: str, hello: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Client:
        client = await Client.connect(f"{self.url}{path}", hello, headers)
        self.clients.append(client)
        return client

    async def customer(self, uid: str) -> Client:
        return await self.connect(
            "/ws/chat", {"v": 1, "type": "hello", "token": support.customer_token_for(uid)}
        )

    async def agent(self, who: str = "agent") -> Client:
        return await self.connect(
            "/ws/agent", {"v": 1, "type": "hello", "token": self.desk.tokens[who]}
        )

    async def refused(
        self,
        path: str,
        hello: dict[str, Any] | str | None,
        headers: dict[str, str] | None = None,
        origin: str | None = None,
    ) -> int:
        """The close code the server ends the connection with after this hello (None: send
        nothing and wait)."""
        async with websockets.connect(
            f"{self.url}{path}",
            additional_headers=headers,
            origin=Origin(origin) if origin is not None else None,
        ) as ws:
            if hello is not None:
                await ws.send(hello if isinstance(hello, str) else orjson.dumps(hello).decode())
            try:
                async with asyncio.timeout(WAIT):
                    while True:
                        frame = orjson.loads(await ws.recv())
                        assert frame.get("type") != "welcome", frame
            except ConnectionClosed as exc:
                return _close_code(exc)

    def http(self, who: str | None = None) -> httpx.AsyncClient:
        headers = self.desk.auth(who) if who else {}
        return httpx.AsyncClient(base_url=self.http_url, headers=headers, timeout=WAIT)

    async def load(self, number: str, *, customer: bool) -> dict[str, Any]:
        """A fresh snapshot of a conversation, as a welcome would show it."""
        async with self.app_state.sessionmaker() as session:
            ticket = await repo.get_ticket(session, int(number.removeprefix("KF-")))
            return await load_conversation(session, ticket, customer=customer)

    def use_pipeline(self, pipeline: InboundPipeline) -> None:
        state = self.app_state
        state.deps = replace(state.deps, pipeline=pipeline)


class Client:
    """A chat client that keeps every frame it received."""

    def __init__(self, ws: websockets.ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.welcome = welcome
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def connect(
        cls, url: str, hello: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Client:
        ws = await websockets.connect(url, additional_headers=headers)
        try:
            await ws.send(orjson.dumps(hello).decode())
            welcome = orjson.loads(await asyncio.wait_for(ws.recv(), WAIT))
        except BaseException:
            await ws.close()
            raise
        return cls(ws, welcome)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def send_raw(self, text: str | bytes) -> None:
        await self.ws.send(text)

    async def recv(self) -> dict[str, Any]:
        frame: dict[str, Any] = orjson.loads(await self.ws.recv())
        return frame

    async def expect(self, match: dict[str, Any], wait: float = WAIT) -> dict[str, Any]:
        """The first frame (kept or new) whose keys include `match`."""

        def ok(frame: dict[str, Any]) -> bool:
            return all(frame.get(k) == v for k, v in match.items())

        for frame in self.frames:
            if ok(frame):
                self.frames.remove(frame)
                return frame
        async with asyncio.timeout(wait):
            while True:
                frame = await self.recv()
                if ok(frame):
                    return frame
                self.frames.append(frame)

    async def until(
        self, done: Callable[[dict[str, Any]], bool], wait: float = WAIT
    ) -> list[dict[str, Any]]:
        """Every frame (kept, then new) up to and including the first for which `done` is
        true; nothing stays kept."""
        got: list[dict[str, Any]] = []
        kept, self.frames = self.frames, []
        for frame in kept:
            got.append(frame)
            if done(frame):
                self.frames = kept[len(got) :]
                return got
        async with asyncio.timeout(wait):
            while True:
                frame = await self.recv()
                got.append(frame)
                if done(frame):
                    return got

    async def barrier(self) -> list[dict[str, Any]]:
        """Everything received before the answer to a ping sent now (frames the server sent
        while handling earlier frames of ours)."""
        await self.send({"type": "ping"})
        frames = await self.until(lambda f: f["type"] == "pong")
        return frames[:-1]

    async def barrier_keep(self) -> None:
        """Wait until the server has handled every frame sent so far; what arrived meanwhile
        stays kept."""
        await self.send({"type": "ping"})
        await self.expect({"type": "pong"})

    async def closed(self, wait: float = WAIT) -> int:
        """Wait until the server closes the connection; its close code."""
        try:
            async with asyncio.timeout(wait):
                while True:
                    self.frames.append(await self.recv())
        except ConnectionClosed as exc:
            return _close_code(exc)

    async def close(self) -> None:
        await self.ws.close()


class ConvView:
    """A client's state of its conversations, built from welcome/conversation/event frames
    the way the widget and the agent page build it."""

    def __init__(self, welcome: dict[str, Any] | None = None) -> None:
        self.convs: dict[str, dict[str, Any]] = {}
        self.seqs: dict[str, list[int]] = {}
        if welcome is not None:
            for conv in welcome["conversations"]:
                self.feed({"type": "conversation", **conv})

    def feed(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "conversation":
            number = frame["ticket"]["number"]
            conv = {k: frame[k] for k in ("ticket", "messages", "seq", "read")}
            old = self.convs.get(number)
            if old is None or conv["seq"] >= old["seq"]:
                self.convs[number] = conv
        elif frame["type"] == "event":
            number = frame["conversation"]
            self.seqs.setdefault(number, []).append(frame["seq"])
            if number in self.convs:
                self.convs[number] = apply_event(self.convs[number], frame["seq"], frame["event"])

    def feed_all(self, frames: list[dict[str, Any]]) -> None:
        for frame in frames:
            self.feed(frame)


@contextlib.asynccontextmanager
async def serve(settings: Settings, bus: RecordingBus) -> AsyncIterator[LiveServer]:
    app = create_app(settings, bus=bus)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # uvicorn offers no event for it
        if task.done():
            await task
        await asyncio.sleep(0.01)
    state: AppState = app.state.kefu
    desk = await support.seed_desk(state.deps, bus)
    live = LiveServer(f"ws://127.0.0.1:{port}", desk, settings, state, bus)
    try:
        yield live
    finally:
        for client in live.clients:
            await client.close()
        await state.deps.pipeline.drain()
        server.should_exit = True
        await task


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(settings, RecordingBus()) as server:
        yield server


def is_event(
    kind: str | None = None, number: str | None = None
) -> Callable[[dict[str, Any]], bool]:
    def check(frame: dict[str, Any]) -> bool:
        return (
            frame["type"] == "event"
            and (kind is None or frame["event"]["type"] == kind)
            and (number is None or frame["conversation"] == number)
        )

    return check


async def open_chat(
    live: LiveServer, customer: Client, agent: Client | None = None, body: str = "Hello"
) -> str:
    """The customer starts a chat (and the agent claims it): its number. Frames up to the
    claim's event are consumed on both sides."""
    await customer.send({"type": "send", "cid": "first", "body": body})
    ack = await customer.expect({"type": "ack", "cid": "first"})
    number: str = ack["conversation"]
    await customer.until(lambda f: f["type"] == "conversation" and f["ticket"]["number"] == number)
    if agent is not None:
        await agent.send({"type": "claim", "conversation": number})
        await agent.until(lambda f: f["type"] == "conversation" and f["ticket"]["number"] == number)
        await customer.until(is_event("ticket.updated", number))
    return number
