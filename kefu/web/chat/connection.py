"""One chat WebSocket: frames in, events out, nothing lost across reconnects.

Per conversation the connection remembers the last `seq` it has passed on. A live event with the
next seq goes straight out; one further ahead means something went missing in transit (another
process published later than it committed, Redis dropped a message), so the gap is read from the
ticket's event log first; one already passed on is dropped. Subscribing to a conversation
happens before its snapshot is read, under the same lock as delivery, so no event falls between.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from kefu.actions.chat import do_claim, do_mark_read, lock_chat, post_chat_message
from kefu.actions.presence import do_heartbeat, do_set_presence
from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain import chat_frames as frames
from kefu.domain.chat_state import customer_payload
from kefu.domain.enums import AgentStatus, Channel
from kefu.domain.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    KefuError,
    NotFound,
    PermissionDenied,
)
from kefu.domain.rate_limit import TokenBucket
from kefu.domain.ticket_number import format_number
from kefu.events.bus import QUEUE_STREAM, Event, agent_stream, customer_stream, ticket_stream
from kefu.logs import bind_request_id
from kefu.store.models import Agent, Ticket
from kefu.store.repositories import chat as chat_repo
from kefu.store.repositories import tickets as repo
from kefu.web.chat.hello import Caller
from kefu.web.chat.snapshot import events_after, load_conversation, waiting
from kefu.web.state import AppState

log = logging.getLogger("kefu.chat")

SEND_RATE, SEND_BURST = 5.0, 20.0  # messages per second per connection
FRAME_RATE, FRAME_BURST = 30.0, 60.0  # any frame
HEARTBEAT_WRITE_SECONDS = 15.0  # presence is written at most this often per connection
ACTIVE_WRITE_SECONDS = 1.0  # … and at most this often when the agent is active

_ERROR_CODES: dict[type[KefuError], str] = {
    NotFound: "not_found",
    PermissionDenied: "forbidden",
    InvalidInput: "invalid",
    InvalidTransition: "invalid",
    Conflict: "invalid",
}


def _dumps(obj: dict[str, Any]) -> str:
    return orjson.dumps(obj).decode()


def _ticket_id(event: Event) -> int | None:
    for stream in event.streams:
        if stream.startswith("ticket:"):
            return int(stream[7:])
    return None


def _send_cid(raw: str | bytes) -> str | None:
    """The cid of a send frame, if that is what `raw` is."""
    try:
        frame = frames.parse_frame(raw)
    except frames.FrameError as exc:
        return exc.cid
    return frame.cid if isinstance(frame, frames.Send) else None


class ChatConnection:
    def __init__(self, websocket: WebSocket, state: AppState, caller: Caller, *, agent: bool):
        self.ws = websocket
        self.state = state
        self.caller = caller
        self.principal = caller.principal
        self.agent = agent
        self.sub = state.bus.subscription()
        self.convs: dict[int, int] = {}  # ticket id → last seq passed on
        self.lock = asyncio.Lock()  # delivery and subscription changes, one at a time
        self.send_lock = asyncio.Lock()
        self.send_bucket = TokenBucket(SEND_RATE, SEND_BURST)
        self.frame_bucket = TokenBucket(FRAME_RATE, FRAME_BURST)
        self.last_beat = 0.0
        self.closed = False

    # -- plumbing --------------------------------------------------------------------------
    async def send(self, obj: dict[str, Any]) -> None:
        if self.closed:
            return
        async with self.send_lock:
            await self.ws.send_text(_dumps(obj))

    async def error(
        self, code: str, detail: str, cid: str | None = None, conversation: str | None = None
    ) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
        if cid is not None:
            frame["cid"] = cid
        if conversation is not None:
            frame["conversation"] = conversation
        await self.send(frame)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.state.deps, self.principal)

    # -- lifecycle -------------------------------------------------------------------------
    async def run(self) -> None:
        bind_request_id(f"ws-{id(self):x}")
        pump = asyncio.create_task(self._pump())
        try:
            await self._welcome()
            await self._read_loop()
        finally:
            self.closed = True
            if self.state.queue_watch is not None:
                self.state.queue_watch.forget(self)
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            await self.sub.close()

    async def _welcome(self) -> None:
        me: dict[str, Any] = {
            "kind": "agent" if self.agent else "customer",
            "id": self.principal.id,
            "name": self.caller.name,
        }
        async with self.lock:
            if self.agent:
                await self.sub.add(agent_stream(self.principal.id))
                await self.sub.add(QUEUE_STREAM)
                await self._beat(active=True, force=True)
            else:
                await self.sub.add(customer_stream(self.principal.id))
            async with self.state.sessionmaker() as session:
                if self.agent:
                    tickets = await chat_repo.chats_of_agent(session, self.principal.id)
                    queue = await waiting(session)
                else:
                    tickets = await chat_repo.open_chats_of_customer(session, self.principal.id)
                    queue = None
                conversations = []
                for ticket in tickets:
                    await self.sub.add(ticket_stream(ticket.id))
                    conv = await load_conversation(session, ticket, customer=not self.agent)
                    self.convs[ticket.id] = conv["seq"]
                    conversations.append(conv)
                    self._watch_queue(ticket.id)
        welcome: dict[str, Any] = {
            "type": "welcome",
            "v": frames.PROTOCOL_VERSION,
            "me": me,
            "conversations": conversations,
            "limits": {
                "max_frame_bytes": frames.MAX_FRAME_BYTES,
                "messages_per_second": SEND_RATE,
                "burst": SEND_BURST,
            },
        }
        if self.caller.visitor_token:
            welcome["visitor_token"] = self.caller.visitor_token
        if queue is not None:
            welcome["queue"] = queue
        await self.send(welcome)

    async def _read_loop(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text")
            if raw is None:
                raw = message.get("bytes") or b""
            if not self.frame_bucket.allow(time.monotonic()):
                # A refused send must say which one it was, for the client to send it again.
                await self.error("rate_limited", "too many frames; slow down", _send_cid(raw))
                continue
            try:
                frame = frames.parse_frame(raw)
                await self._handle(frame)
            except frames.FrameError as exc:
                await self.error(exc.code, exc.detail, exc.cid)
            except KefuError as exc:
                cid = frame.cid if isinstance(frame, frames.Send) else None
                conv = getattr(frame, "conversation", None)
                await self.error(
                    _ERROR_CODES.get(type(exc), "invalid"),
                    exc.detail,
                    cid,
                    format_number(conv) if isinstance(conv, int) else None,
                )
            except WebSocketDisconnect:
                return
            except Exception:
                log.exception("chat frame failed")
                await self.error("internal", "the server could not handle that frame; try again")

    # -- frames ----------------------------------------------------------------------------
    async def _handle(self, frame: frames.Frame) -> None:
        if self.agent:
            await self._beat(active=isinstance(frame, frames.Ping) and frame.active)
        match frame:
            case frames.Send():
                await self._send_message(frame)
            case frames.Typing():
                await self._typing(frame)
            case frames.Read():
                async with self.uow() as uow:
                    ticket = await lock_chat(uow, frame.conversation)
                    await do_mark_read(uow, ticket, frame.message_id)
                await self._follow(frame.conversation)
            case frames.Resume():
                await self._resume(frame.conversation, frame.after)
            case frames.Ping():
                await self.send({"type": "pong"})
            case frames.Claim():
                self._agents_only()
                async with self.uow() as uow:
                    ticket = await lock_chat(uow, frame.conversation)
                    await do_claim(uow, ticket)
                await self._follow(frame.conversation)
            case frames.SetPresence():
                self._agents_only()
                async with self.uow() as uow:
                    agent = await self._own_agent(uow)
                    if agent is None:
                        raise NotFound("agent no longer exists")
                    await do_set_presence(uow, agent, AgentStatus(frame.status))

    def _agents_only(self) -> None:
        if not self.agent:
            raise PermissionDenied("only agents can do that")

    async def _send_message(self, frame: frames.Send) -> None:
        if not self.send_bucket.allow(time.monotonic()):
            raise frames.FrameError(
                "rate_limited", "too many messages; not stored, send again shortly", frame.cid
            )
        result = await post_chat_message(
            self.state.deps, self.principal, frame.conversation, frame.cid, frame.body
        )
        seq = result.seq
        ticket_id = result.ticket_id
        if ticket_id not in self.convs:
            await self._follow(ticket_id)
        ack: dict[str, Any] = {
            "type": "ack",
            "cid": frame.cid,
            "conversation": format_number(ticket_id),
            "message_id": result.posted.message.id,
            "seq": seq,
            "duplicate": not result.posted.created,
        }
        stored = result.posted.message.body
        if stored != frame.body.strip():
            ack["body"] = stored  # screening changed it (a secret was removed): show this
        if result.posted.notices:
            ack["notices"] = list(result.posted.notices)
        notice = result.posted.notice()
        if notice is not None:
            # A restricted sender is told, with the ack, when they can write freely again.
            ack["restriction"] = notice
        await self.send(ack)

    async def _typing(self, frame: frames.Typing) -> None:
        if frame.conversation not in self.convs:
            raise NotFound(f"conversation {format_number(frame.conversation)} is not open here")
        who = {
            "kind": "agent" if self.agent else "customer",
            "id": self.principal.id,
            "name": self.caller.name,
        }
        await self.state.bus.publish(
            [
                Event(
                    "typing",
                    (ticket_stream(frame.conversation),),
                    {"who": who, "active": frame.active},
                )
            ]
        )

    async def _beat(self, *, active: bool, force: bool = False) -> None:
        now = time.monotonic()
        if not force and not active and now - self.last_beat < HEARTBEAT_WRITE_SECONDS:
            return
        if not force and active and now - self.last_beat < ACTIVE_WRITE_SECONDS:
            return
        self.last_beat = now
        async with self.uow() as uow:
            agent = await self._own_agent(uow)
            if agent is not None:
                await do_heartbeat(uow, agent, active=active)

    async def _own_agent(self, uow: UnitOfWork) -> Agent | None:
        """The connected agent's row, locked for a presence change."""
        return await uow.session.get(Agent, self.principal.id, with_for_update=True)

    # -- following conversations -----------------------------------------------------------
    async def _follow(self, ticket_id: int) -> None:
        """Start passing on a conversation's events: subscribe, then send its snapshot."""
        async with self.lock:
            await self._follow_locked(ticket_id)

    async def _follow_locked(self, ticket_id: int) -> None:
        if ticket_id in self.convs:
            return
        conv = await self._subscribe_checked(ticket_id, snapshot=True)
        assert conv is not None
        self.convs[ticket_id] = conv["seq"]
        await self.send({"type": "conversation", **conv})
        self._watch_queue(ticket_id)

    def _watch_queue(self, ticket_id: int) -> None:
        """Customers learn their place in the queue while their chat waits (queue_watch.py)."""
        if not self.agent and self.state.queue_watch is not None:
            self.state.queue_watch.watch(self, ticket_id)

    async def queue_position(self, frame: dict[str, Any]) -> None:
        await self.send(frame)

    async def _subscribe_checked(self, ticket_id: int, *, snapshot: bool) -> dict[str, Any] | None:
        """Listen to a conversation the caller may see (subscribing before reading it), and
        return its snapshot when asked for."""
        await self.sub.add(ticket_stream(ticket_id))
        try:
            async with self.state.sessionmaker() as session:
                ticket = await repo.get_ticket(session, ticket_id)
                self._check_access(ticket)
                if snapshot:
                    return await load_conversation(session, ticket, customer=not self.agent)
                return None
        except BaseException:
            # Not followed after all (no such ticket, not the caller's): stop listening, or the
            # events of whoever's chat has (or later gets) that number would arrive here.
            await self.sub.remove(ticket_stream(ticket_id))
            raise

    def _check_access(self, ticket: Ticket) -> None:
        if not self.agent and ticket.customer_id != self.principal.id:
            raise NotFound(f"conversation {format_number(ticket.id)} does not exist")

    async def _resume(self, ticket_id: int, after: int) -> None:
        async with self.lock:
            if ticket_id not in self.convs:
                await self._subscribe_checked(ticket_id, snapshot=False)
                self.convs[ticket_id] = after
            elif after < self.convs[ticket_id]:
                self.convs[ticket_id] = after
            await self._fill(ticket_id, upto=None)

    async def _fill(self, ticket_id: int, upto: int | None) -> None:
        """Pass on stored events after the last one passed on (up to `upto`)."""
        async with self.state.sessionmaker() as session:
            rows = await events_after(session, ticket_id, self.convs[ticket_id], upto)
        for row in rows:
            await self._deliver(ticket_id, row.seq, row.type, row.payload, row.public)

    async def _deliver(
        self, ticket_id: int, seq: int, kind: str, payload: dict[str, Any], public: bool
    ) -> None:
        self.convs[ticket_id] = seq
        if self.agent:
            body = {"type": kind, **payload}
        elif public:
            body = {"type": kind, **customer_payload(kind, payload)}
        else:
            return
        await self.send(
            {"type": "event", "conversation": format_number(ticket_id), "seq": seq, "event": body}
        )

    # -- the bus ---------------------------------------------------------------------------
    async def _pump(self) -> None:
        try:
            while True:
                event = await self.sub.get()
                if event is None:
                    # The bus could not keep up or lost its connection: resynchronise.
                    await self.ws.close(code=1012, reason="resynchronise: reconnect and resume")
                    return
                async with self.lock:
                    await self._on_event(event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("chat delivery failed")
            await self.ws.close(code=1011, reason="delivery failed; reconnect and resume")

    async def _on_event(self, event: Event) -> None:
        if event.type == "typing":
            tid = _ticket_id(event)
            if tid is not None and event.payload["who"] != {
                "kind": "agent" if self.agent else "customer",
                "id": self.principal.id,
                "name": self.caller.name,
            }:
                await self.send(
                    {"type": "typing", "conversation": format_number(tid), **event.payload}
                )
            return
        if event.type == "agent.presence":
            if self.agent:
                await self.send({"type": "presence", **event.payload})
            return
        tid = _ticket_id(event)
        if tid is None or event.seq is None:
            return
        if tid in self.convs:
            last = self.convs[tid]
            if event.seq <= last:
                return
            if event.seq > last + 1:
                await self._fill(tid, upto=event.seq - 1)
            await self._deliver(tid, event.seq, event.type, event.payload, event.public)
        ticket = event.payload.get("ticket")
        if not isinstance(ticket, dict) or ticket.get("channel") != Channel.WEB_CHAT.value:
            return
        if self.agent:
            await self._queue_update(event.type, ticket)
            if ticket.get("assignee_id") == self.principal.id and tid not in self.convs:
                await self._follow_locked(tid)
        elif (
            event.type == "ticket.created"
            and tid not in self.convs
            and ticket.get("customer_id") == self.principal.id
        ):
            await self._follow_locked(tid)  # the customer opened a chat elsewhere

    async def _queue_update(self, kind: str, ticket: dict[str, Any]) -> None:
        if kind == "ticket.created" and ticket.get("assignee_id") is None:
            await self.send({"type": "queue", "event": "waiting", "ticket": ticket})
        elif kind == "ticket.updated":
            waiting_now = ticket.get("assignee_id") is None and ticket.get("status") in (
                "new",
                "open",
                "pending",
                "on_hold",
            )
            await self.send(
                {"type": "queue", "event": "waiting" if waiting_now else "taken", "ticket": ticket}
            )
