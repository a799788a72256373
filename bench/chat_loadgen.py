"""The load generator of bench/chat_load.py, a process of its own: one event loop (uvloop),
websockets' asyncio client, orjson, and nothing of kefu.

chat_load.py writes the run's configuration as JSON to stdin; this process

1. connects N customers (`/ws/chat`, signed customer tokens) with bounded concurrency; each sends
   a first message, which opens its chat, and waits for the ack (the conversation's number);
2. connects the agents (`/ws/agent`, API tokens); agent j claims conversations j, j+A, j+2A …
   and waits for a `conversation` frame for each: the agents then follow all N chats;
3. sends R messages per second from customers to agents for a warm-up and a measured window:
   a few scheduler tasks draw Poisson arrivals and a random customer of their share for each;
   every message has a unique cid and ends with a unique token (`#m<k>`) the agent side reads
   back from the `message.created` event. Send, ack and delivery times are taken with
   time.perf_counter in this process; CPU is sampled at the window's ends;
4. waits for the missing acks and deliveries while they keep coming (an overloaded server
   works off its backlog), until `grace` seconds pass without one or `max_drain` in all; closes
   the connections and writes what it recorded as JSON to stdout (progress goes to stderr).

Per connection there is one reader task; nothing is copied per event: a frame is parsed only
when it is an ack, an error or an event (agents), and only the token of a message is looked at.
After the setup the heap is frozen and the garbage collector is off until the drain is over, so
no collector pause of this process shows up as latency.
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson
from corpus import chat_lines, chat_opening
from harness import CpuWindow, cpu_sample, log, run_async, start_py_spy
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

SETUP_TIMEOUT = 120.0  # per connection: connect, hello, first message or claims
CLOSE_TIMEOUT = 15.0
T = TypeVar("T")
NAN = math.nan
EVENT = b'{"type":"event"'
ERROR = b'{"type":"error"'
ACK = b'{"type":"ack"'
CONVERSATION = b'{"type":"conversation"'
TOKEN = " #m"  # a message's body ends with " #m<k>"; its cid is "m<k>"


class SetupError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    customer_url: str
    agent_url: str
    customer_tokens: list[str]
    agent_tokens: list[str]
    rate: float
    seconds: float
    warmup: float
    grace: float
    max_drain: float
    concurrency: int
    schedulers: int
    deflate: bool
    seed: int
    server_pids: dict[str, list[int]]
    py_spy: str | None = None
    py_spy_prefix: str = "chat"


@dataclass
class Record:
    """Per message k (cid m<k>): when it was sent, acked, delivered (perf_counter, nan: not
    yet) and how late the scheduler sent it; counters for everything else."""

    send_at: list[float] = field(default_factory=list)
    ack_at: list[float] = field(default_factory=list)
    deliver_at: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    acked: int = 0  # messages with an ack (first ones)
    delivered: int = 0  # messages delivered (first time)
    duplicates: int = 0  # a message delivered to the agents more than once
    duplicate_acks: int = 0  # an ack with "duplicate": true, or a second ack for one cid
    foreign: int = 0  # message.created events without one of our tokens
    send_failures: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # error frames by side and code
    closed: Counter[str] = field(default_factory=Counter)  # connections closed by the server
    closing: bool = False


class Customer:
    __slots__ = ("conversation", "ws")

    def __init__(self, ws: ClientConnection, conversation: str) -> None:
        self.ws = ws
        self.conversation = conversation


def _closed_key(side: str, exc: ConnectionClosed) -> str:
    if exc.rcvd is None:
        return f"{side} closed (no close frame)"
    reason = f" {exc.rcvd.reason}" if exc.rcvd.reason else ""
    return f"{side} closed ({exc.rcvd.code}{reason})"


async def _connect(url: str, cfg: Config) -> ClientConnection:
    return await connect(
        url,
        proxy=None,
        ping_interval=None,  # the server pings (uvicorn, every 20 s); the client answers
        open_timeout=SETUP_TIMEOUT,
        close_timeout=2,
        max_size=2**22,
        compression="deflate" if cfg.deflate else None,
        user_agent_header=None,
    )


async def _hello(ws: ClientConnection, token: str) -> None:
    await ws.send(orjson.dumps({"v": 1, "type": "hello", "token": token}), text=True)
    welcome = orjson.loads(await ws.recv(decode=False))
    if welcome.get("type") != "welcome":
        raise SetupError(f"no welcome: {str(welcome)[:200]}")


async def open_customer(cfg: Config, token: str, opening: str) -> Customer:
    async with asyncio.timeout(SETUP_TIMEOUT):
        ws = await _connect(cfg.customer_url, cfg)
        await _hello(ws, token)
        await ws.send(orjson.dumps({"type": "send", "cid": "open", "body": opening}), text=True)
        while True:
            raw = await ws.recv(decode=False)
            if raw.startswith(ACK):
                return Customer(ws, orjson.loads(raw)["conversation"])
            if raw.startswith(ERROR):
                raise SetupError(f"first message refused: {raw[:200]!r}")


async def open_agent(cfg: Config, token: str, numbers: list[str]) -> ClientConnection:
    async with asyncio.timeout(SETUP_TIMEOUT):
        ws = await _connect(cfg.agent_url, cfg)
        await _hello(ws, token)
        for number in numbers:  # the server handles them in order; the frame burst allows 60
            await ws.send(orjson.dumps({"type": "claim", "conversation": number}), text=True)
        waiting = set(numbers)
        while waiting:
            raw = await ws.recv(decode=False)
            if raw.startswith(CONVERSATION):
                waiting.discard(orjson.loads(raw)["ticket"]["number"])
            elif raw.startswith(ERROR):
                raise SetupError(f"claim refused: {raw[:200]!r}")
            # queue frames (chats waiting / taken) are not looked at
        return ws


async def bounded(
    limit: int, jobs: list[Coroutine[Any, Any, T]], what: str
) -> tuple[list[T | None], Counter[str], str | None]:
    """Run the coroutines `jobs`, at most `limit` at a time; (results, failures by exception
    name, first failure) with None in place of the failed ones."""
    gate = asyncio.Semaphore(limit)
    failures: Counter[str] = Counter()
    first: list[str] = []

    async def run(job: Coroutine[Any, Any, T]) -> T | None:
        async with gate:
            try:
                return await job
            except Exception as exc:
                failures[type(exc).__name__] += 1
                if not first:
                    first.append(f"{what}: {type(exc).__name__}: {exc}"[:300])
                return None

    results = await asyncio.gather(*(run(job) for job in jobs))
    return list(results), failures, first[0] if first else None


# -- readers: one task per connection -------------------------------------------------------


async def customer_reader(ws: ClientConnection, rec: Record) -> None:
    clock = time.perf_counter
    ack_at = rec.ack_at
    try:
        while True:
            raw = await ws.recv(decode=False)
            if raw.startswith(EVENT):
                continue  # the customer's own message coming back, ticket updates
            now = clock()
            if raw.startswith(ACK):
                frame = orjson.loads(raw)
                cid = frame["cid"]
                if cid[0] != "m":
                    continue
                k = int(cid[1:])
                if ack_at[k] != ack_at[k]:  # nan: first ack
                    ack_at[k] = now
                    rec.acked += 1
                else:
                    rec.duplicate_acks += 1
                if frame.get("duplicate"):
                    rec.duplicate_acks += 1
            elif raw.startswith(ERROR):
                rec.errors[f"customer {orjson.loads(raw).get('code')}"] += 1
    except ConnectionClosed as exc:
        if not rec.closing:
            rec.closed[_closed_key("customer", exc)] += 1


async def agent_reader(ws: ClientConnection, rec: Record) -> None:
    clock = time.perf_counter
    deliver_at = rec.deliver_at
    try:
        while True:
            raw = await ws.recv(decode=False)
            if raw.startswith(EVENT):
                now = clock()
                event = orjson.loads(raw)["event"]
                if event["type"] != "message.created":
                    continue
                body: str = event["message"]["body"]
                at = body.rfind(TOKEN)
                k = int(body[at + 3 :]) if at >= 0 and body[at + 3 :].isdigit() else -1
                if not 0 <= k < len(deliver_at):
                    rec.foreign += 1
                elif deliver_at[k] != deliver_at[k]:  # nan: first delivery
                    deliver_at[k] = now
                    rec.delivered += 1
                else:
                    rec.duplicates += 1
            elif raw.startswith(ERROR):
                rec.errors[f"agent {orjson.loads(raw).get('code')}"] += 1
    except ConnectionClosed as exc:
        if not rec.closing:
            rec.closed[_closed_key("agent", exc)] += 1


# -- the load -------------------------------------------------------------------------------


async def scheduler(
    customers: list[Customer],
    rate: float,
    start: float,
    stop: float,
    rng: random.Random,
    rec: Record,
) -> None:
    """Poisson arrivals at `rate` from `start` to `stop`, each from a random customer of
    `customers`: together the schedulers give every customer a Poisson rate of R/N."""
    clock = time.perf_counter
    lines = chat_lines(1000, seed=rng.randrange(2**32))
    due = start
    while True:
        due += rng.expovariate(rate)
        if due >= stop:
            return
        delay = due - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        customer = rng.choice(customers)
        k = len(rec.send_at)
        frame = {
            "type": "send",
            "cid": f"m{k}",
            "conversation": customer.conversation,
            "body": f"{rng.choice(lines)}{TOKEN}{k}",
        }
        data = orjson.dumps(frame)
        now = clock()
        rec.send_at.append(now)
        rec.lag.append(now - due)
        rec.ack_at.append(NAN)
        rec.deliver_at.append(NAN)
        try:
            await customer.ws.send(data, text=True)
        except ConnectionClosed:
            rec.send_failures += 1


def open_count(connections: list[ClientConnection]) -> int:
    return sum(1 for ws in connections if ws.state is State.OPEN)


async def run(cfg: Config) -> dict[str, Any]:
    out: dict[str, Any] = {"failure": None}
    rec = Record()
    n, agents = len(cfg.customer_tokens), len(cfg.agent_tokens)
    rng = random.Random(cfg.seed)
    began = time.perf_counter()
    log(f"  setup: {n} customers open their chats ({cfg.concurrency} at a time)")
    openings = [chat_opening(rng) for _ in range(n)]
    jobs = [open_customer(cfg, t, o) for t, o in zip(cfg.customer_tokens, openings, strict=True)]
    found, failures, first = await bounded(cfg.concurrency, jobs, "customer")
    customers: list[Customer] = [c for c in found if c is not None]
    out["customer_seconds"] = time.perf_counter() - began
    log(f"  setup: {len(customers)} chats open after {out['customer_seconds']:.1f} s")
    numbers = [c.conversation for c in customers]
    shares = [numbers[j::agents] for j in range(agents)]
    claims = [open_agent(cfg, t, s) for t, s in zip(cfg.agent_tokens, shares, strict=True)]
    opened, agent_failures, agent_first = await bounded(min(cfg.concurrency, 16), claims, "agent")
    agent_ws: list[ClientConnection] = [a for a in opened if a is not None]
    failures.update(agent_failures)
    out["setup_seconds"] = time.perf_counter() - began
    out["setup_failures"] = dict(failures)
    out["followed"] = sum(len(s) for s, a in zip(shares, opened, strict=True) if a is not None)
    connections = [c.ws for c in customers] + agent_ws
    out["customers_connected"], out["agents_connected"] = len(customers), len(agent_ws)
    out["open_after_setup"] = open_count(connections)
    log(
        f"  setup: {len(agent_ws)} agents follow {out['followed']} chats; "
        f"{out['open_after_setup']} connections open after {out['setup_seconds']:.1f} s"
    )
    if failures:
        out["failure"] = f"setup: {sum(failures.values())} connection(s) failed, first: " + str(
            first or agent_first
        )
        await close_all(connections, rec)
        return out

    readers = [asyncio.create_task(customer_reader(c.ws, rec)) for c in customers]
    readers += [asyncio.create_task(agent_reader(ws, rec)) for ws in agent_ws]
    # No collector pauses in the measurements: what exists now is frozen, and the load phase
    # allocates little that is cyclic (refcounting frees the frames); collected afterwards.
    gc.collect()
    gc.freeze()
    gc.disable()
    pids = [pid for group in cfg.server_pids.values() for pid in group]
    start = time.perf_counter()
    window_start = start + cfg.warmup
    window_end = window_start + cfg.seconds
    log(f"  load: {cfg.rate:g} messages/s, {cfg.warmup:g} s warm-up, {cfg.seconds:g} s measured")
    share = [customers[i :: cfg.schedulers] for i in range(cfg.schedulers)]
    rate = cfg.rate / cfg.schedulers
    tasks = [
        asyncio.create_task(
            scheduler(part, rate, start, window_end, random.Random(rng.random()), rec)
        )
        for part in share
        if part
    ]
    await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
    first_cpu = cpu_sample(pids)
    profilers = []
    if cfg.py_spy:
        profilers = start_py_spy(pids, Path(cfg.py_spy), cfg.py_spy_prefix, cfg.seconds)
    await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
    last_cpu = cpu_sample(pids)
    await asyncio.gather(*tasks)
    out["window"] = [window_start, window_end]
    cpu = CpuWindow.between(first_cpu, last_cpu)
    out["cpu"] = None if cpu is None else asdict(cpu)

    out["drain_seconds"] = await drain(rec, cfg.grace, cfg.max_drain)
    gc.enable()
    out["open_at_end"] = open_count(connections)
    await close_all(connections, rec)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    for profiler in profilers:
        await asyncio.to_thread(profiler.wait)
    out.update(
        send_at=rec.send_at,
        ack_at=rec.ack_at,
        deliver_at=rec.deliver_at,
        lag=rec.lag,
        duplicates=rec.duplicates,
        duplicate_acks=rec.duplicate_acks,
        foreign=rec.foreign,
        send_failures=rec.send_failures,
        errors=dict(rec.errors),
        closed=dict(rec.closed),
    )
    return out


async def drain(rec: Record, grace: float, longest: float) -> float:
    """Wait for the acks and deliveries still missing while they keep arriving: until all are
    in, `grace` seconds pass without progress, or `longest` in all. Returns the time waited."""
    clock = time.perf_counter
    began = quiet_since = clock()
    seen = (rec.acked, rec.delivered)
    sent = len(rec.send_at)
    for _ in range(math.ceil(longest / 0.05) + 1):
        if rec.acked >= sent and rec.delivered >= sent:
            break
        now = clock()
        if (rec.acked, rec.delivered) != seen:
            seen, quiet_since = (rec.acked, rec.delivered), now
        elif now - quiet_since >= grace or now - began >= longest:
            break
        await asyncio.sleep(0.05)
    return clock() - began


async def close_all(connections: list[ClientConnection], rec: Record) -> None:
    rec.closing = True
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await asyncio.gather(*(ws.close() for ws in connections), return_exceptions=True)
    except TimeoutError:
        for ws in connections:
            ws.transport.abort()


def main() -> int:
    cfg = Config(**orjson.loads(sys.stdin.buffer.read()))
    result = run_async(run(cfg))
    # nan (not acked, not delivered) becomes null; the CPU is by pid (int keys)
    data = orjson.dumps(result, option=orjson.OPT_NON_STR_KEYS)
    # The event loop may have left the pipe non-blocking; a partial write would cut the
    # results short (hundreds of KB with per-message times), so write them whole, blocking.
    fd = sys.stdout.fileno()
    os.set_blocking(fd, True)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    return 0


if __name__ == "__main__":
    sys.exit(main())
