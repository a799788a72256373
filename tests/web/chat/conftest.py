"""A real server on a loopback port, for tests that speak real WebSockets to it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import uvicorn
import websockets

from kefu.events.bus import RecordingBus
from kefu.settings import Settings
from kefu.web.app import create_app
from tests import support


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str  # ws://127.0.0.1:PORT
    desk: support.Desk
    settings: Settings

    async def customer(self, uid: str) -> Client:
        return await Client.connect(
            f"{self.url}/ws/chat",
            {"v": 1, "type": "hello", "token": support.customer_token_for(uid)},
        )

    async def agent(self, who: str = "agent") -> Client:
        return await Client.connect(
            f"{self.url}/ws/agent", {"v": 1, "type": "hello", "token": self.desk.tokens[who]}
        )


class Client:
    """A chat client that keeps every frame it received."""

    def __init__(self, ws: websockets.ClientConnection, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.welcome = welcome
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, url: str, hello: dict[str, Any]) -> Client:
        ws = await websockets.connect(url)
        await ws.send(orjson.dumps(hello).decode())
        welcome = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        return cls(ws, welcome)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def expect(self, match: dict[str, Any], wait: float = 5.0) -> dict[str, Any]:
        """The first frame (kept or new) whose keys include `match`."""

        def ok(frame: dict[str, Any]) -> bool:
            return all(frame.get(k) == v for k, v in match.items())

        for frame in self.frames:
            if ok(frame):
                self.frames.remove(frame)
                return frame
        async with asyncio.timeout(wait):
            while True:
                frame = orjson.loads(await self.ws.recv())
                if ok(frame):
                    return frame
                self.frames.append(frame)

    async def close(self) -> None:
        await self.ws.close()


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    bus = RecordingBus()
    app = create_app(settings, bus=bus)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event for it)
        await asyncio.sleep(0.01)
    desk = await support.seed_desk(app.state.kefu.deps, bus)
    yield LiveServer(f"ws://127.0.0.1:{port}", desk, settings)
    server.should_exit = True
    await task
