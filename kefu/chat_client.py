"""A small asyncio client for kefu's live-chat protocol (docs/chat-protocol.md).

It keeps what the protocol asks a client to keep (per conversation: ticket, messages, read marks
and last seq; the messages not yet acknowledged) and on a lost connection reconnects (to the next
of several servers, if given), says hello, resumes every conversation after its last seq and sends
again what was not acknowledged, with the same client ids. Benchmarks, tests and bots use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import websockets
from websockets.exceptions import ConnectionClosed

from kefu.domain.chat_state import apply_event

RETRY_SECONDS = 0.5


@dataclass
class Pending:
    cid: str
    body: str
    conversation: str | None
    sent_at: float


@dataclass
class ChatClient:
    urls: list[str]  # ws://host:port/ws/chat or /ws/agent; reconnects go round them
    hello: dict[str, Any]
    on_frame: Callable[[dict[str, Any]], None] | None = None
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    queue: dict[str, dict[str, Any]] = field(default_factory=dict)
    reconnects: int = 0
    _ws: Any = None
    _reader: asyncio.Task[None] | None = None
    _url_index: int = 0
    _cids: itertools.count[int] = field(default_factory=itertools.count)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: bool = False
    _tasks: set[asyncio.Future[None]] = field(default_factory=set)
    me: dict[str, Any] = field(default_factory=dict)

    # -- connection ------------------------------------------------------------------------
    async def connect(self) -> None:
        await self._open()
        self._reader = asyncio.create_task(self._read_forever())

    async def _open(self) -> None:
        url = self.urls[self._url_index % len(self.urls)]
        ws = await websockets.connect(url, max_size=2**22, open_timeout=5)
        await ws.send(orjson.dumps(self.hello).decode())
        welcome = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
        if welcome.get("type") != "welcome":
            await ws.close()
            raise ConnectionError(f"no welcome: {welcome}")
        self._ws = ws
        self.me = welcome["me"]
        if welcome.get("visitor_token"):
            self.hello = {"v": 1, "type": "hello", "visitor_token": welcome["visitor_token"]}
        for item in welcome.get("queue", []):
            self.queue[item["number"]] = item
        known = dict(self.conversations)
        for conv in welcome["conversations"]:
            number = conv["ticket"]["number"]
            if number not in known:
                self.conversations[number] = conv
        # Conversations known before the reconnect: ask for what was missed.
        for number, conv in known.items():
            await self._raw({"type": "resume", "conversation": number, "after": conv["seq"]})
        for item in list(self.pending.values()):
            await self._send_pending(item)
        self._changed.set()

    async def _read_forever(self) -> None:
        while not self._closing:
            try:
                async for raw in self._ws:
                    self._on(orjson.loads(raw))
            except ConnectionClosed:
                pass
            if self._closing:
                return
            await self._reconnect()

    async def _reconnect(self) -> None:
        delay = 0.05
        while not self._closing:
            self._url_index += 1
            try:
                await self._open()
                self.reconnects += 1
                return
            except (OSError, ConnectionError, ConnectionClosed, TimeoutError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    async def kill_connection(self) -> None:
        """Drop the socket without a goodbye (tests: as if the network failed)."""
        if self._ws is not None:
            self._ws.transport.abort()

    # -- frames ----------------------------------------------------------------------------
    def _on(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "ack":
            self.pending.pop(frame["cid"], None)
            self.acks[frame["cid"]] = frame
        elif kind == "conversation":
            number = frame["ticket"]["number"]
            current = self.conversations.get(number)
            if current is None or frame["seq"] >= current["seq"]:
                self.conversations[number] = {k: v for k, v in frame.items() if k != "type"}
        elif kind == "event":
            number = frame["conversation"]
            conv = self.conversations.get(number)
            if conv is not None:
                self.conversations[number] = apply_event(conv, frame["seq"], frame["event"])
        elif kind == "queue":
            ticket = frame["ticket"]
            if frame["event"] == "waiting":
                self.queue[ticket["number"]] = ticket
            else:
                self.queue.pop(ticket["number"], None)
        elif kind == "error":
            self.errors.append(frame)
            item = self.pending.get(frame.get("cid", ""))
            if frame.get("code") == "rate_limited" and item is not None:
                # Not stored: send it again once the rate allows, with the same cid.
                asyncio.get_running_loop().call_later(RETRY_SECONDS, self._retry, item)
        if self.on_frame is not None:
            self.on_frame(frame)
        self._changed.set()

    def _retry(self, item: Pending) -> None:
        if item.cid in self.pending and not self._closing:
            task = asyncio.ensure_future(self._send_pending(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _raw(self, frame: dict[str, Any]) -> None:
        await self._ws.send(orjson.dumps(frame).decode())

    async def _send_pending(self, item: Pending) -> None:
        frame: dict[str, Any] = {"type": "send", "cid": item.cid, "body": item.body}
        if item.conversation is not None:
            frame["conversation"] = item.conversation
        with contextlib.suppress(ConnectionClosed):  # if closed: sent again on reconnect
            await self._raw(frame)

    async def send(self, body: str, conversation: str | None = None, cid: str | None = None) -> str:
        cid = cid or f"m{next(self._cids)}-{time.monotonic_ns()}"
        item = Pending(cid, body, conversation, time.monotonic())
        self.pending[cid] = item
        await self._send_pending(item)
        return cid

    async def request(self, frame: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._raw(frame)

    async def wait_for(self, predicate: Callable[[], bool], seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def messages(self, number: str) -> list[dict[str, Any]]:
        conv = self.conversations.get(number)
        return list(conv["messages"]) if conv else []
