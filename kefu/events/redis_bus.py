"""`RedisBus`: events between the app processes of a deployment, over Redis pub/sub.

A customer connected to one app process and an agent connected to another see each other's
messages because every process publishes its events to Redis and listens there for the streams
its own subscriptions follow. The design, and why:

* **Local first.** Each process keeps its subscriptions in the shared `LocalFanout`, as
  `InProcessBus` does. `publish` hands the events to this process's subscriptions at once (no
  round trip), then PUBLISHes them for the other processes. One task sends them, one pipeline at
  a time: events published while a pipeline is on its way go together in the next, so a busy
  process makes one round trip for many events; `publish` returns once its batch was sent.
  One publisher's events keep their order everywhere; events of different processes may
  interleave differently in each process (consumers order a ticket's events by seq).
* **One channel per stream** (`<prefix><stream>`, prefix `kefu:ev:` by default), on **one pub/sub
  connection per process** read by **one reader task**. A stream's channel is SUBSCRIBEd when the
  stream gains its first local subscriber and UNSUBSCRIBEd when it loses its last.
* **Encoded once.** An event is encoded once (orjson: origin, a per-publisher number, type,
  streams, payload, public, seq) and those bytes are published to the channel of each of its
  streams.
* **One copy per subscription.** A process that follows several of an event's streams receives a
  copy on each of their channels. The first copy to arrive goes to `LocalFanout.deliver`, which
  gives each local subscription following any of the event's streams exactly one copy; later
  copies are recognised by (origin, number) in a small table of recently seen events and dropped.
  Copies of one event are published back to back in one pipeline, so they arrive close together
  and a few thousand entries are ample. Events with one stream skip the table. Copies that come
  back to the process that published them are dropped: it delivered them already.
* **Confirmed subscriptions.** Redis answers each SUBSCRIBE with one `subscribe` reply per channel
  on the pub/sub connection, in the order the commands were sent. The reader matches the replies
  to a queue of pending SUBSCRIBEs per channel, and `add` returns only once the latest SUBSCRIBE of
  its stream's channel is confirmed, also when another local subscription sent it and it is still
  in flight. Following a stream the process already listens to costs no round trip; a new stream
  costs one small command and one future, and no task.
* **Connection loss.** The reader ends every local subscription (`get()` returns None, so the
  consumer resynchronises from the database, replaying by seq), reconnects with exponential
  backoff and jitter, and re-subscribes to every stream that has local subscribers. An `add` while
  Redis is unreachable waits up to `timeout` for the connection, then ends its subscription.
  `publish` never raises because of Redis (it runs after a commit, and the database has the
  data): failures are logged and the events reach this process only; publishing then pauses for a
  second, so an unreachable Redis does not stall every caller.

`redis` is imported when a `RedisBus` is built, so importing kefu does not pay for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import random
import socket
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import orjson

from kefu.events.bus import Event, QueueSubscription, _FanoutBus

if TYPE_CHECKING:
    from redis.asyncio import ConnectionPool, Redis

log = logging.getLogger("kefu.events")

DEFAULT_PREFIX = "kefu:ev:"
_SUBSCRIBE_BATCH = 1000  # channels per SUBSCRIBE when re-subscribing after a reconnection
_SEEN_MAX = 4096  # recently delivered events of several streams, to drop their other copies
_PUBLISH_PAUSE = 1.0  # seconds without publishing to Redis after a failed publish
_KEEPALIVE = {  # notice a silently dead pub/sub connection within half a minute
    getattr(socket, name): value
    for name, value in (("TCP_KEEPIDLE", 10), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3))
    if hasattr(socket, name)
}


class _PubSubConnection(Protocol):
    """The part of `redis.asyncio.Connection` the reader uses."""

    @property
    def is_connected(self) -> bool: ...

    async def connect(self) -> None: ...

    def pack_commands(self, commands: Iterable[Iterable[str | bytes]]) -> list[bytes]: ...

    async def send_packed_command(self, command: Iterable[bytes]) -> None: ...

    async def read_response(self) -> Any: ...

    async def disconnect(self, nowait: bool = False) -> None: ...


def _import_redis() -> Any:
    try:
        import redis.asyncio
    except ImportError as exc:
        raise RuntimeError(
            "RedisBus (KEFU_REDIS_URL) needs the 'redis' package: pip install 'redis>=5'"
        ) from exc
    return redis.asyncio


class RedisSubscription(QueueSubscription):
    """A `QueueSubscription` whose `add` returns once Redis has confirmed the stream's channel."""

    def __init__(self, bus: RedisBus) -> None:
        super().__init__(bus)
        self._redis = bus

    async def add(self, stream: str) -> None:
        await super().add(stream)
        if stream in self._streams and not self._closed and not await self._redis.confirm(stream):
            self.end()


class RedisBus(_FanoutBus):
    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        maxsize: int = 10_000,
        timeout: float = 2.0,
        backoff: tuple[float, float] = (0.05, 5.0),
    ) -> None:
        aioredis = _import_redis()
        super().__init__(maxsize)
        self.prefix = prefix
        self.timeout = timeout
        self.backoff = backoff
        self.origin = os.urandom(6).hex()
        self.client_name = f"kefu-bus-{self.origin}"  # the pub/sub connection, in CLIENT LIST
        self._ids = itertools.count(1)
        # Publishing: a pool; every call is bounded by `timeout` (asyncio.timeout, no task).
        self._pool: ConnectionPool = aioredis.ConnectionPool.from_url(
            url, socket_timeout=None, socket_connect_timeout=timeout
        )
        self._client: Redis = aioredis.Redis(connection_pool=self._pool)
        self._publish_paused_until = 0.0
        # Encoded events waiting for the publishing task, and the future their batch completes.
        self._outbox: list[tuple[str, bytes]] = []
        self._batch: asyncio.Future[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        # Subscribing: one connection of our own, re-established by the reader. Without a socket
        # timeout it can wait for messages forever and writes never need a task of their own.
        kwargs: dict[str, Any] = dict(aioredis.connection.parse_url(url))
        self._conn_class: Any = kwargs.pop("connection_class", aioredis.Connection)
        if issubclass(self._conn_class, aioredis.Connection):
            kwargs.update(socket_keepalive=True, socket_keepalive_options=_KEEPALIVE)
        kwargs.update(
            socket_timeout=None,
            socket_connect_timeout=timeout,
            protocol=2,
            decode_responses=False,
            client_name=self.client_name,
        )
        self._conn_kwargs = kwargs
        self._conn: _PubSubConnection | None = None  # set while connected and in step
        self._up = asyncio.Event()  # set with _conn (and at close, to wake those waiting)
        # Per channel, the SUBSCRIBEs sent and not yet confirmed, oldest first; each holds the
        # futures of the `add`s waiting for it. `_latest` is the newest one of each channel.
        self._pending: dict[bytes, deque[list[asyncio.Future[bool]]]] = {}
        self._latest: dict[bytes, list[asyncio.Future[bool]]] = {}
        self._seen: OrderedDict[tuple[str, int], None] = OrderedDict()
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    def subscription(self) -> RedisSubscription:
        return RedisSubscription(self)

    def _channel(self, stream: str) -> bytes:
        return (self.prefix + stream).encode()

    # -- publishing ------------------------------------------------------------------------
    async def publish(self, events: list[Event]) -> None:
        for event in events:
            self.fanout.deliver(event)
        if not events or self._closed:
            return
        loop = asyncio.get_running_loop()
        if loop.time() < self._publish_paused_until:
            log.debug("Redis unavailable: %d event(s) reach this process only", len(events))
            return
        for event in events:
            try:
                data = orjson.dumps(
                    {
                        "origin": self.origin,
                        "id": next(self._ids),
                        "type": event.type,
                        "streams": event.streams,
                        "payload": event.payload,
                        "public": event.public,
                        "seq": event.seq,
                    }
                )
            except TypeError:
                log.exception(
                    "event %s cannot be encoded: it reaches this process only", event.type
                )
                continue
            for stream in event.streams:
                self._outbox.append((self.prefix + stream, data))
        if not self._outbox:
            return
        if self._batch is None:
            self._batch = loop.create_future()
        batch = self._batch
        if self._sender is None:
            self._sender = loop.create_task(self._send_outbox())
        # Shielded: a caller that gives up does not take the others' events with it.
        await asyncio.shield(batch)

    async def _send_outbox(self) -> None:
        """Send what has been published, one pipeline at a time: while one is on its way, the
        next batch gathers, so a busy process makes one round trip for many events."""
        try:
            while self._outbox:
                commands, done = self._outbox, self._batch
                self._outbox, self._batch = [], None
                try:
                    await self._send_batch(commands)
                finally:
                    if done is not None and not done.done():
                        done.set_result(None)
        finally:
            self._sender = None

    async def _send_batch(self, commands: list[tuple[str, bytes]]) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._publish_paused_until:
            log.debug("Redis unavailable: %d event(s) reach this process only", len(commands))
            return
        try:
            async with asyncio.timeout(self.timeout):
                await self._publish_all(commands)
        except Exception as exc:
            self._publish_paused_until = loop.time() + _PUBLISH_PAUSE
            log.warning(
                "Redis publish failed (%s: %s): %d copies of events reach this process only; "
                "other processes' consumers resynchronise from the database",
                type(exc).__name__,
                exc,
                len(commands),
            )

    async def _publish_all(self, commands: list[tuple[str, bytes]]) -> None:
        """PUBLISH each (channel, data) on one pooled connection, written at once, then read
        the replies: what a pipeline does, without its per-call bookkeeping (this runs for
        nearly every chat message)."""
        pool = self._client.connection_pool
        conn = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await conn.send_packed_command(
                conn.pack_commands([("PUBLISH", channel, data) for channel, data in commands])
            )
            for _ in commands:
                await conn.read_response()
        except BaseException:
            await conn.disconnect()  # replies may be pending on it: never reuse it
            raise
        finally:
            await pool.release(conn)

    # -- subscribing -----------------------------------------------------------------------
    def _live(self) -> _PubSubConnection | None:
        conn = self._conn
        return conn if conn is not None and conn.is_connected else None

    def _expect(self, channels: Iterable[bytes]) -> None:
        """Record SUBSCRIBEs about to be sent, in sending order (their replies come in it)."""
        for channel in channels:
            slot: list[asyncio.Future[bool]] = []
            self._pending.setdefault(channel, deque()).append(slot)
            self._latest[channel] = slot

    async def _send(
        self, conn: _PubSubConnection, commands: Sequence[Sequence[str | bytes]]
    ) -> None:
        # redis-py writes the bytes before its first suspension, so commands reach the socket in
        # the order of these calls, the order `_expect` recorded.
        await conn.send_packed_command(conn.pack_commands(commands))

    async def first_subscriber(self, stream: str) -> None:
        if self._closed:
            return
        self._start_reader()
        conn = self._live()
        if conn is None:
            return  # (re)connecting: the reader subscribes to every followed stream once connected
        channel = self._channel(stream)
        self._expect((channel,))
        try:
            await self._send(conn, [("SUBSCRIBE", channel)])
        except Exception as exc:  # the reader notices the broken connection too and recovers
            log.debug("SUBSCRIBE %r failed: %s", channel, exc)

    async def last_subscriber_gone(self, stream: str) -> None:
        conn = self._live()
        if conn is None or self._closed:
            return
        try:
            await self._send(conn, [("UNSUBSCRIBE", self._channel(stream))])
        except Exception as exc:
            log.debug("UNSUBSCRIBE %r failed: %s", stream, exc)

    async def confirm(self, stream: str) -> bool:
        """Whether Redis confirmed the channel of `stream` (followed locally) within `timeout`."""
        channel = self._channel(stream)
        if self._live() is not None and channel not in self._latest:
            return True  # already subscribed: no round trip
        if self._closed:
            return False
        self._start_reader()
        try:
            async with asyncio.timeout(self.timeout):
                if self._conn is None:
                    await self._up.wait()
                if self._live() is None:
                    return False  # closing, or the connection just broke: the reader ends us
                slot = self._latest.get(channel)
                if slot is None:
                    return True
                waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
                slot.append(waiter)
                return await waiter
        except TimeoutError:
            log.warning(
                "Redis did not confirm %r in %.1fs: subscription ended", stream, self.timeout
            )
            return False

    def _confirmed(self, channel: bytes) -> None:
        slots = self._pending.get(channel)
        if not slots:
            return
        slot = slots.popleft()
        if not slots:
            del self._pending[channel]
        if self._latest.get(channel) is slot:
            del self._latest[channel]
        for waiter in slot:
            if not waiter.done():
                waiter.set_result(True)

    # -- the reader ------------------------------------------------------------------------
    def _start_reader(self) -> None:
        if self._reader is None and not self._closed:
            self._reader = asyncio.get_running_loop().create_task(
                self._read_forever(), name=f"kefu-redis-bus-{self.origin}"
            )

    async def _read_forever(self) -> None:
        delay = 0.0
        failures = 0
        while True:
            conn = cast(_PubSubConnection, self._conn_class(**self._conn_kwargs))
            try:
                await conn.connect()
                channels = self._connected(conn)
                if failures:
                    log.info("Redis pub/sub connection back after %d failure(s)", failures)
                delay, failures = 0.0, 0
                if channels:  # in one write: nothing can come between two batches
                    batches = range(0, len(channels), _SUBSCRIBE_BATCH)
                    await self._send(
                        conn, [("SUBSCRIBE", *channels[i : i + _SUBSCRIBE_BATCH]) for i in batches]
                    )
                while True:
                    self._on_reply(await conn.read_response())
            except Exception as exc:
                failures += 1
                what = "lost" if self._conn is conn else "unavailable"
                log.warning("Redis pub/sub connection %s (%s: %s)", what, type(exc).__name__, exc)
            finally:
                self._lost(conn)
                with contextlib.suppress(Exception):
                    await conn.disconnect(nowait=True)
            low, high = self.backoff
            delay = min(high, max(low, delay * 2))
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))

    def _connected(self, conn: _PubSubConnection) -> list[bytes]:
        """Go live with `conn`; returns the channels to subscribe to, already expected."""
        channels = [self._channel(stream) for stream in self.fanout.streams()]
        self._expect(channels)
        self._conn = conn
        self._up.set()
        return channels

    def _lost(self, conn: _PubSubConnection) -> None:
        was_live = self._conn is conn
        self._conn = None
        if not self._closed:
            self._up.clear()
        for slots in self._pending.values():
            for slot in slots:
                for waiter in slot:
                    if not waiter.done():
                        waiter.set_result(False)
        self._pending.clear()
        self._latest.clear()
        if was_live:  # events may have been missed since the connection broke
            self._end_all()

    def _end_all(self) -> None:
        subs = {sub for subs in self.fanout.by_stream.values() for sub in subs}
        for sub in subs:
            if isinstance(sub, RedisSubscription):
                sub.end()

    def _on_reply(self, reply: Any) -> None:
        kind = reply[0]
        if kind == b"message":
            self._on_message(reply[2])
        elif kind == b"subscribe":
            self._confirmed(reply[1])

    def _on_message(self, data: bytes) -> None:
        try:
            fields = orjson.loads(data)
            origin = fields["origin"]
            if origin == self.origin:
                return  # delivered locally when published
            streams = tuple(fields["streams"])
            if len(streams) > 1:
                key = (origin, fields["id"])
                if key in self._seen:
                    return  # another copy of an event already delivered
                self._seen[key] = None
                if len(self._seen) > _SEEN_MAX:
                    self._seen.popitem(last=False)
            event = Event(
                type=fields["type"],
                streams=streams,
                payload=fields["payload"],
                public=fields["public"],
                seq=fields["seq"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("malformed event on Redis dropped: %s", exc)
            return
        self.fanout.deliver(event)

    # -- closing ---------------------------------------------------------------------------
    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._sender is not None:  # what was published before closing still goes out
            await asyncio.gather(self._sender, return_exceptions=True)
        subs = {sub for subs in self.fanout.by_stream.values() for sub in subs}
        for sub in subs:
            await sub.close()
        self._up.set()  # wake the `add`s waiting for a connection: there will be none
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._pool.disconnect()
