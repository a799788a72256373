"""Ticket ingest benchmark: tickets created per second through the REST API of a real server.

For each back end (PostgreSQL, SQLite) this

1. prepares a fresh database (PostgreSQL: schema `kefu_bench`, dropped and recreated;
   SQLite: a new file in a temporary directory) and migrates it with `kefu db upgrade`;
2. seeds an admin agent with an API token through the actions (like tests/support.py);
3. starts `kefu serve --workers N` on a free loopback port, logs going to a file;
4. runs C concurrent clients (aiohttp, one keep-alive connection each) that POST
   /api/v1/tickets for a warm-up and then a measured window;
5. stops the server (SIGTERM, SIGKILL after a timeout) and checks that the database holds
   exactly as many tickets as the clients got 201 responses for.

    .venv/bin/python bench/ticket_ingest.py                      # both back ends, 20 s each
    .venv/bin/python bench/ticket_ingest.py --backend sqlite --seconds 10
    .venv/bin/python bench/ticket_ingest.py --json > result.json

The load generator shares the machine with the server, so it is kept light: request bodies are
built before the run, responses are read but not parsed, and the CPU it uses is reported next
to the server's so the figures can be judged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Literal, TypeVar

import aiohttp
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from kefu.actions.agents import AgentInput, do_create_agent, do_create_api_token
from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
from kefu.domain.enums import Role
from kefu.domain.permissions import SYSTEM
from kefu.events.bus import InProcessBus
from kefu.store.db import make_engine, make_sessionmaker
from kefu.store.files import FileStore
from kefu.store.models import Message, Ticket

Backend = Literal["postgresql", "sqlite"]
T = TypeVar("T")

BACKENDS: tuple[Backend, ...] = ("postgresql", "sqlite")
DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"
DEFAULT_PG_SCHEMA = "kefu_bench"
# Targets of the issue, on the 2-core reference machine.
TARGETS: dict[Backend, float] = {"postgresql": 440.0, "sqlite": 290.0}
CUSTOMERS = 5000  # distinct customer uids; ticket n is for customer U{n % CUSTOMERS}
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def log(message: str) -> None:
    """Progress goes to stderr so that stdout carries only the results (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop when it is installed (cheaper for the load generator)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


# -- request bodies --------------------------------------------------------------------------

ASSETS = ("BTC", "ETH", "USDT", "SOL", "XRP", "ADA", "DOGE", "TRX")
NETWORKS = ("ERC20", "TRC20", "BEP20", "mainnet", "Arbitrum One", "Solana")
SUBJECTS = (
    "Withdrawal of {amount} {asset} pending for {hours} hours",
    "Deposit of {amount} {asset} not credited",
    "Cannot complete KYC level {kyc} verification",
    "Account locked after password reset",
    "2FA device lost, need to reset authenticator",
    "Wrong network selected for {asset} deposit ({network})",
    "P2P order {order} disputed, seller not responding",
    "Trading fee charged twice on order {order}",
)
OPENINGS = (
    "Hello support team,",
    "Hi,",
    "Good morning,",
    "Dear support,",
    "Hello, I need help urgently.",
)
DETAILS = (
    "I requested a withdrawal of {amount} {asset} over {network} about {hours} hours ago and "
    "it still shows as processing in my history. The transaction id on your side is {txid}, "
    "but I cannot find it on the block explorer.",
    "I sent {amount} {asset} to my deposit address using the {network} network. The transfer "
    "has more than {hours}0 confirmations (tx {txid}) but my balance has not changed.",
    "My KYC level {kyc} application was rejected without a reason. I uploaded my passport and "
    "a utility bill from last month, both clearly readable, and the selfie matches.",
    "After resetting my password I was logged out and now the app says my account is locked "
    "for security reasons. I did not receive any email explaining what happened.",
    "I changed my phone and lost access to my authenticator app. I still have access to my "
    "email and can provide identification documents if needed.",
    "On P2P order {order} I paid the seller by bank transfer {hours} hours ago and uploaded the "
    "receipt, but the seller has not released the {asset} and is not answering the chat.",
)
CLOSINGS = (
    "Could you please check and let me know what is going on? Thank you.",
    "Please help me resolve this as soon as possible, it is a large amount for me.",
    "I have attached nothing sensitive here. Looking forward to your answer.",
    "Thanks in advance for your help, my UID is in my profile.",
)


def build_bodies(count: int, seed: int = 42) -> list[bytes]:
    """`count` encoded ticket requests; body i is for customer U{i} (subject ~40 characters,
    first message ~350 to 550 characters, like a real support e-mail)."""
    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        values = {
            "amount": f"{rng.uniform(0.01, 5000):.4f}".rstrip("0").rstrip("."),
            "asset": rng.choice(ASSETS),
            "network": rng.choice(NETWORKS),
            "hours": rng.randint(2, 72),
            "kyc": rng.randint(1, 3),
            "order": rng.randint(10**9, 10**10 - 1),
            "txid": f"0x{rng.getrandbits(256):064x}",
        }
        message = " ".join(
            (
                rng.choice(OPENINGS),
                rng.choice(DETAILS).format(**values),
                rng.choice(CLOSINGS),
            )
        )
        payload = {
            "customer": {"uid": f"U{i}"},
            "subject": rng.choice(SUBJECTS).format(**values),
            "message": {"body": message},
        }
        bodies.append(json.dumps(payload, separators=(",", ":")).encode())
    return bodies


# -- database preparation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One back end under test: where its database is and how the server finds it."""

    backend: Backend
    url: str
    schema: str | None
    work_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.work_dir / "data"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "server.log"

    def shown_url(self) -> str:
        shown = make_url(self.url).render_as_string(hide_password=True)
        return f"{shown} (schema {self.schema})" if self.schema else shown


def check_schema_name(schema: str) -> str:
    if not schema.replace("_", "").isalnum() or not schema[0].isalpha():
        raise argparse.ArgumentTypeError(f"invalid schema name {schema!r}")
    return schema


async def reset_pg_schema(url: str, schema: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        await engine.dispose()


async def seed_admin_token(target: Target) -> str:
    """An admin agent and its API token, created through the actions as tests/support.py does."""
    engine = make_engine(target.url, pool_size=1, schema=target.schema)
    try:
        deps = ActionDeps(
            make_sessionmaker(engine), InProcessBus(), FileStore(target.data_dir / "attachments")
        )
        async with UnitOfWork(deps, SYSTEM) as uow:
            agent = await do_create_agent(
                uow,
                AgentInput(email="bench-admin@bench.invalid", name="Bench", role=Role.ADMIN),
            )
            _, secret = await do_create_api_token(uow, agent, "ticket ingest bench", None)
        return secret
    finally:
        await engine.dispose()


async def count_rows(target: Target) -> tuple[int, int]:
    """(tickets, messages) stored in the database."""
    engine = make_engine(target.url, pool_size=1, schema=target.schema)
    try:
        async with engine.connect() as conn:
            tickets = (await conn.execute(select(func.count()).select_from(Ticket))).scalar_one()
            messages = (await conn.execute(select(func.count()).select_from(Message))).scalar_one()
        return int(tickets), int(messages)
    finally:
        await engine.dispose()


# -- the server process ------------------------------------------------------------------------


def kefu_command() -> list[str]:
    """The `kefu` console script of this interpreter's environment (pyproject.toml:
    `kefu = "kefu.cli.main:app"`), or the equivalent `python -c` when it is not installed."""
    script = Path(sys.executable).parent / "kefu"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", "from kefu.cli.main import app; app(prog_name='kefu')"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(target: Target, workers: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KEFU_DATABASE_SCHEMA", None)
    env.update(
        KEFU_ENV="production",
        KEFU_DATABASE_URL=target.url,
        KEFU_DATA_DIR=str(target.data_dir),
        KEFU_SECRET_KEY=secrets.token_urlsafe(48),
        KEFU_CUSTOMER_TOKEN_SECRET=secrets.token_urlsafe(48),
        KEFU_LOG_LEVEL="WARNING",
    )
    if target.schema:
        env["KEFU_DATABASE_SCHEMA"] = target.schema
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if workers > 1:
        # `kefu serve` would make its own directory and leave it behind; this one is cleaned up.
        metrics = target.work_dir / "metrics"
        metrics.mkdir(exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    return env


def migrate(target: Target, env: dict[str, str]) -> None:
    done = subprocess.run(
        [*kefu_command(), "db", "upgrade"],
        env=env,
        cwd=target.work_dir,  # not the caller's directory: no stray .env is read
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"`kefu db upgrade` failed with exit code {done.returncode}:\n"
            f"{done.stdout}{done.stderr}".rstrip()
        )


class BenchError(Exception):
    """A failure that ends the run of one back end (reported, then the next one runs)."""


@dataclass(frozen=True)
class Proc:
    """One line of /proc/PID/stat: what the bench needs to follow the server's processes."""

    pid: int
    state: str  # "Z" for a zombie
    ppid: int
    pgrp: int
    cpu: float  # user + system seconds

    @classmethod
    def read(cls, pid: int) -> Proc | None:
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None  # gone, or no /proc on this system
        fields = raw[raw.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
        return cls(pid, fields[0], int(fields[1]), int(fields[2]), cpu)


def all_processes() -> list[Proc]:
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    found = (Proc.read(int(e)) for e in entries if e.isdigit())
    return [p for p in found if p is not None]


def _system_busy() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    ticks = [int(v) for v in first[1:9]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / CLK_TCK, sum(ticks) / CLK_TCK


class Server:
    """`kefu serve` as a child process in its own session, stopped on leaving the block."""

    def __init__(self, target: Target, env: dict[str, str], workers: int) -> None:
        self.target = target
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.killed = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        command = [
            *kefu_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        with self.target.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.target.work_dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the bench only; it stops the server
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Poll /readyz until it answers 200 (database reachable and migrated)."""
        assert self.proc is not None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                raise BenchError(f"the server exited with code {code} while starting")
            try:
                with opener.open(f"{self.base_url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise BenchError(f"the server was not ready after {timeout:.0f} s ({last})")

    def pids(self) -> list[int]:
        """The server process and all its descendants (uvicorn's supervisor, its workers and
        multiprocessing's resource tracker)."""
        if self.proc is None:
            return []
        processes = all_processes()
        found = [self.proc.pid]
        for pid in found:
            found.extend(p.pid for p in processes if p.ppid == pid)
        return found

    def worker_pids(self) -> list[int]:
        """The processes serving requests (the server itself when it runs one worker)."""
        if self.proc is None:
            return []
        if self.workers == 1:
            return [self.proc.pid]
        workers = []
        for pid in self.pids()[1:]:
            with contextlib.suppress(OSError):
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    workers.append(pid)
        return workers

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _group_left(self, pgrp: int) -> list[int]:
        return [p.pid for p in all_processes() if p.pgrp == pgrp and p.state != "Z"]

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM (uvicorn's graceful shutdown of its workers), then SIGKILL to the server's
        whole process group when it takes longer than `timeout`."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"  server did not stop within {timeout:.0f} s of SIGTERM: sending SIGKILL")
                self.killed = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # The session is the server's own (start_new_session): its group holds only processes
        # it started. The resource tracker exits just after the supervisor; give it a moment.
        deadline = time.monotonic() + 3.0
        while (left := self._group_left(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        if left:
            log(f"  server processes {left} outlived the server: sending SIGKILL")
            self.killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


# -- the load ----------------------------------------------------------------------------------

Outcome = int | str  # an HTTP status, or the name of the exception a request ended with


@dataclass
class Record:
    """What the clients saw: (completion time, latency in seconds, outcome) per request."""

    done: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    outcome: list[Outcome] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)  # first error body per outcome


@dataclass
class Deadline:
    """When the clients stop sending; set once they are all connected."""

    at: float = math.inf


@dataclass
class CpuSample:
    at: float
    processes: dict[int, float]
    client: float
    system: tuple[float, float] | None


def cpu_sample(server: Server) -> CpuSample:
    processes = {}
    for pid in server.pids():
        proc = Proc.read(pid)
        if proc is not None:
            processes[pid] = proc.cpu
    return CpuSample(time.perf_counter(), processes, time.process_time(), _system_busy())


async def client(
    session: aiohttp.ClientSession,
    url: str,
    bodies: list[bytes],
    sequence: Iterator[int],
    deadline: Deadline,
    record: Record,
    connected: asyncio.Event,
) -> None:
    """One client: a keep-alive connection sending one ticket after the other until the
    deadline. `connected` is set once its first request has been answered."""
    clock = time.perf_counter
    while clock() < deadline.at:
        body = bodies[next(sequence) % len(bodies)]
        started = clock()
        outcome: Outcome
        try:
            async with session.post(url, data=body) as response:
                payload = await response.read()
                outcome = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            payload = str(exc).encode()
            outcome = type(exc).__name__
        finished = clock()
        record.done.append(finished)
        record.latency.append(finished - started)
        record.outcome.append(outcome)
        connected.set()
        if outcome != 201:
            record.samples.setdefault(str(outcome), payload[:300].decode("utf-8", "replace"))
        if isinstance(outcome, str):
            await asyncio.sleep(0.05)  # the server is gone or stuck: do not spin


async def generate_load(
    server: Server,
    token: str,
    bodies: list[bytes],
    clients: int,
    warmup: float,
    seconds: float,
    stagger: bool = False,
    on_measure: Callable[[], None] | None = None,
) -> tuple[Record, float, float, CpuSample, CpuSample]:
    """Run the clients; returns what they saw, the measured window and CPU samples at its ends."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{server.base_url}/api/v1/tickets"
    record = Record()
    sequence = itertools.count()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    sessions = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1),
            headers=headers,
            timeout=timeout,
            skip_auto_headers=("User-Agent",),
        )
        for _ in range(clients)
    ]
    try:
        start = time.perf_counter()
        deadline = Deadline()
        tasks = []
        for session in sessions:
            connected = asyncio.Event()
            tasks.append(
                asyncio.create_task(
                    client(session, url, bodies, sequence, deadline, record, connected)
                )
            )
            if stagger:
                await connected.wait()
        # The window opens after the warm-up, and never before every client is connected.
        window_start = max(start + warmup, time.perf_counter())
        window_end = deadline.at = window_start + seconds
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        first = cpu_sample(server)
        if on_measure is not None:
            on_measure()
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        last = cpu_sample(server)
        await asyncio.gather(*tasks)  # in-flight requests finish (counted in totals only)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return record, window_start, window_end, first, last


# -- results -----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when it is empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Result:
    backend: Backend
    database: str
    failure: str | None = None  # what stopped the run
    log_path: str | None = None
    requests: int = 0  # completed in the measured window
    created: int = 0  # of which 201
    seconds: float = 0.0
    tickets_per_s: float = 0.0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    errors: int = 0  # in the measured window: non-201 responses and exceptions
    error_breakdown: dict[str, int] = field(default_factory=dict)
    error_samples: dict[str, str] = field(default_factory=dict)
    total_requests: int = 0  # warm-up, window and drain
    total_created: int = 0
    total_errors: dict[str, int] = field(default_factory=dict)
    db_tickets: int | None = None
    db_messages: int | None = None
    db_check: str = "not run"
    db_ok: bool = False
    target: float = 0.0
    meets_target: bool = False
    server_cpu_pct: float | None = None  # 100 = one core busy
    server_cpu_ms_per_ticket: float | None = None  # less sensitive to a busy machine
    worker_cpu_pct: dict[str, float] = field(default_factory=dict)
    client_cpu_pct: float | None = None
    other_cpu_pct: float | None = None  # rest of the machine (PostgreSQL, other jobs)
    machine_cpu_pct: float | None = None  # of all cores
    load_before: tuple[float, float, float] | None = None

    @property
    def ok(self) -> bool:
        """Ran to the end without a failed request and the database holds what was created."""
        return self.failure is None and self.db_ok and not self.total_errors

    def as_json(self) -> dict[str, Any]:
        out = {"ok": self.ok, **self.__dict__}
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = None if math.isnan(value) else round(value, 3)
        return out


def summarise(
    result: Result,
    record: Record,
    window: tuple[float, float],
    cpu: tuple[CpuSample, CpuSample],
    server: Server,
) -> None:
    start, end = window
    latencies = []
    errors: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for done, latency, outcome in zip(record.done, record.latency, record.outcome, strict=True):
        if outcome != 201:
            totals[str(outcome)] += 1
        if not start <= done < end:
            continue
        result.requests += 1
        if outcome == 201:
            latencies.append(latency * 1000)
        else:
            errors[str(outcome)] += 1
    latencies.sort()
    result.created = len(latencies)
    result.seconds = end - start
    result.tickets_per_s = result.created / result.seconds if result.seconds else 0.0
    result.p50_ms = percentile(latencies, 50)
    result.p95_ms = percentile(latencies, 95)
    result.p99_ms = percentile(latencies, 99)
    result.max_ms = latencies[-1] if latencies else math.nan
    result.errors = sum(errors.values())
    result.error_breakdown = dict(errors.most_common())
    result.error_samples = dict(record.samples)
    result.total_requests = len(record.outcome)
    result.total_created = sum(1 for o in record.outcome if o == 201)
    result.total_errors = dict(totals.most_common())
    result.meets_target = result.tickets_per_s >= result.target

    first, last = cpu
    elapsed = last.at - first.at
    if elapsed <= 0:
        return
    spent = {pid: used - first.processes.get(pid, 0.0) for pid, used in last.processes.items()}
    server_cpu = sum(spent.values())
    for pid in server.worker_pids():
        result.worker_cpu_pct[str(pid)] = round(100 * spent.get(pid, 0.0) / elapsed, 1)
    client_cpu = last.client - first.client
    result.server_cpu_pct = round(100 * server_cpu / elapsed, 1)
    if result.created:
        result.server_cpu_ms_per_ticket = round(1000 * server_cpu / result.created, 2)
    result.client_cpu_pct = round(100 * client_cpu / elapsed, 1)
    if first.system is not None and last.system is not None:
        busy = last.system[0] - first.system[0]
        total = last.system[1] - first.system[1]
        result.other_cpu_pct = round(100 * max(0.0, busy - server_cpu - client_cpu) / elapsed, 1)
        if total > 0:
            result.machine_cpu_pct = round(100 * busy / total, 1)


def verify(result: Result, target: Target) -> None:
    tickets, messages = run_async(count_rows(target))
    result.db_tickets, result.db_messages = tickets, messages
    unknown = sum(v for k, v in result.total_errors.items() if not k.isdigit())
    problems = []
    if tickets != result.total_created:
        problems.append(
            f"{tickets} tickets in the database but {result.total_created} 201 responses"
            + (
                f" ({unknown} requests ended in exceptions: their tickets may exist)"
                if unknown
                else ""
            )
        )
    if messages != tickets:
        problems.append(f"{messages} messages for {tickets} tickets (expected one each)")
    if problems:
        result.db_check = "MISMATCH: " + "; ".join(problems)
    else:
        result.db_check = f"ok ({tickets} tickets = {result.total_created} created)"
        result.db_ok = True


# -- one back end ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    backends: tuple[Backend, ...]
    pg_url: str
    pg_schema: str
    clients: int
    workers: int
    seconds: float
    warmup: float
    as_json: bool
    keep: bool
    py_spy: Path | None
    fail_below_target: bool
    stagger: bool


def run_backend(backend: Backend, options: Options, bodies: list[bytes]) -> Result:
    work_dir = Path(tempfile.mkdtemp(prefix=f"kefu-bench-{backend}-"))
    if backend == "postgresql":
        target = Target(backend, options.pg_url, options.pg_schema, work_dir)
    else:
        target = Target(backend, f"sqlite:///{work_dir / 'data' / 'kefu.db'}", None, work_dir)
    result = Result(backend, target.shown_url(), target=TARGETS[backend])
    result.load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    log(f"== {backend}: {target.shown_url()}")
    stage = "preparing"
    try:
        target.data_dir.mkdir(parents=True)
        env = server_env(target, options.workers)
        if target.schema:
            stage = f"recreating schema {target.schema}"
            log(f"  {stage}")
            run_async(reset_pg_schema(target.url, target.schema))
        stage = "kefu db upgrade"
        log(f"  {stage}")
        migrate(target, env)
        stage = "seeding the admin token"
        token = run_async(seed_admin_token(target))
        stage = "starting the server"
        with Server(target, env, options.workers) as server:
            result.log_path = str(target.log_path)
            log(f"  kefu serve --workers {options.workers} on {server.base_url}")
            server.wait_ready()
            stage = "running the load"
            log(
                f"  {options.clients} clients: {options.warmup:g} s warm-up, "
                f"{options.seconds:g} s measured"
            )
            profilers: list[subprocess.Popen[bytes]] = []

            def start_profilers() -> None:
                if options.py_spy is not None:
                    profilers.extend(start_py_spy(server, backend, options))

            record, start, end, first, last = run_async(
                generate_load(
                    server,
                    token,
                    bodies,
                    options.clients,
                    options.warmup,
                    options.seconds,
                    stagger=options.stagger,
                    on_measure=start_profilers,
                )
            )
            for profiler in profilers:
                profiler.wait()
            if not server.alive():
                raise BenchError("the server died during the run")
            summarise(result, record, (start, end), (first, last), server)
        stage = "counting the tickets in the database"
        verify(result, target)
    except BenchError as exc:
        result.failure = f"{stage}: {exc}"
    except Exception as exc:
        result.failure = f"{stage}: {type(exc).__name__}: {exc}"
    finally:
        if result.ok and not options.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
            result.log_path = None
        else:
            log(
                f"  kept {work_dir}"
                + (f" (server log: {result.log_path})" if result.log_path else "")
            )
    return result


def start_py_spy(server: Server, backend: str, options: Options) -> list[subprocess.Popen[bytes]]:
    """Sample every worker with py-spy for the measured window (collapsed stacks, one file per
    worker; render with flamegraph.pl or https://www.speedscope.app)."""
    assert options.py_spy is not None
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.defpath}")
    if exe is None:
        log("  --py-spy: py-spy is not installed (pip install py-spy); not profiling")
        return []
    options.py_spy.mkdir(parents=True, exist_ok=True)
    started = []
    for pid in server.worker_pids():
        out = options.py_spy / f"{backend}-{pid}.txt"
        started.append(
            subprocess.Popen(
                [
                    exe,
                    "record",
                    "--pid",
                    str(pid),
                    "--duration",
                    str(max(1, int(options.seconds))),
                    "--rate",
                    "250",
                    "--format",
                    "raw",
                    "--nonblocking",
                    "--output",
                    str(out),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    log(f"  py-spy recording {len(started)} process(es) into {options.py_spy}")
    return started


# -- output ------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def log_tail(path: Path, count: int = 5) -> list[str]:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line[:200] for line in lines if line.strip()][-count:]


def render_table(results: list[Result], options: Options) -> str:
    lines = [
        "",
        f"ticket ingest: POST /api/v1/tickets, {options.clients} clients, "
        f"kefu serve --workers {options.workers}, {options.warmup:g} s warm-up, "
        f"{options.seconds:g} s measured, {'staggered' if options.stagger else 'burst'} "
        f"connects, {os.cpu_count()} CPUs",
        "",
    ]
    header = (
        "backend",
        "requests",
        "tickets/s",
        "target",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "errors",
        "db check",
    )
    rows = []
    for r in results:
        if r.failure is not None:
            rows.append((r.backend, "-", "-", f">={r.target:g}", "-", "-", "-", "-", "-", "FAILED"))
            continue
        rows.append(
            (
                r.backend,
                str(r.requests),
                f"{r.tickets_per_s:.1f}",
                f">={r.target:g} {'ok' if r.meets_target else 'MISSED'}",
                _ms(r.p50_ms),
                _ms(r.p95_ms),
                _ms(r.p99_ms),
                _ms(r.max_ms),
                str(r.errors),
                "ok" if r.db_ok else "MISMATCH",
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    for r in results:
        lines.append("")
        lines.append(f"{r.backend}: {r.database}")
        if r.failure is not None:
            lines.append(f"  FAILED: {r.failure}")
            if r.log_path:
                lines.append(f"  server log: {r.log_path}")
                lines.extend(f"    | {line}" for line in log_tail(Path(r.log_path)))
            continue
        if r.total_errors:
            lines.append("  FAILED REQUESTS: the figures below are not a clean measurement")
        if r.error_breakdown:
            lines.append(
                "  errors in window: "
                + ", ".join(f"{k} x{v}" for k, v in r.error_breakdown.items())
            )
            for key, sample in r.error_samples.items():
                lines.append(f"    {key}: {sample[:160]!r}")
        lines.append(
            f"  whole run: {r.total_requests} requests, {r.total_created} created, "
            f"errors {sum(r.total_errors.values())}"
            + (
                f" ({', '.join(f'{k} x{v}' for k, v in r.total_errors.items())})"
                if r.total_errors
                else ""
            )
        )
        if r.db_ok:
            lines.append(f"  database: {r.db_check}")
        else:
            lines.append("  " + "!" * 72)
            lines.append(f"  DATABASE CHECK FAILED: {r.db_check}")
            lines.append("  " + "!" * 72)
        if r.server_cpu_pct is not None:
            workers = ", ".join(f"pid {pid} {pct:g}%" for pid, pct in r.worker_cpu_pct.items())
            per_ticket = (
                f", {r.server_cpu_ms_per_ticket:g} ms per ticket"
                if r.server_cpu_ms_per_ticket is not None
                else ""
            )
            other = "-" if r.other_cpu_pct is None else f"{r.other_cpu_pct:g}%"
            machine = "-" if r.machine_cpu_pct is None else f"{r.machine_cpu_pct:g}%"
            lines.append(
                f"  CPU in window (100% = one core): server {r.server_cpu_pct:g}% "
                f"(workers: {workers}{per_ticket})"
            )
            lines.append(
                f"    load generator {r.client_cpu_pct:g}%, rest of machine {other} "
                f"(PostgreSQL, other jobs); all cores {machine} busy"
            )
            shares = list(r.worker_cpu_pct.values())
            if len(shares) > 1 and min(shares) < 0.5 * max(shares):
                lines.append(
                    "  WARNING: the workers are unevenly loaded (connections are not spread over "
                    "them); the figure is not what the workers could do together"
                )
        if r.load_before is not None:
            lines.append(
                "  load average before the run: " + " ".join(f"{v:.2f}" for v in r.load_before)
            )
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Tickets created per second through the REST API of a real kefu server.",
    )
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL server (default {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--pg-schema",
        type=check_schema_name,
        default=DEFAULT_PG_SCHEMA,
        help="schema dropped and recreated for the run (default %(default)s)",
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window (20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up, not counted (3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (database, server log)"
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="DIR",
        help="record each worker with py-spy during the measured window into DIR",
    )
    parser.add_argument(
        "--connect",
        choices=("staggered", "burst"),
        default="staggered",
        help="staggered (default): each client connects once the previous one got its first "
        "answer, so busy workers lose the accept race and connections spread over the "
        "workers; burst: all at once, as a cold start behind a proxy would (with uvicorn's "
        "shared listening socket one worker then tends to accept every connection)",
    )
    parser.add_argument(
        "--fail-below-target",
        action="store_true",
        help="exit with code 3 when a back end misses its target",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--clients and --workers must be >= 1, --seconds > 0, --warmup >= 0")
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    return Options(
        backends=backends,
        pg_url=args.pg_url,
        pg_schema=args.pg_schema,
        clients=args.clients,
        workers=args.workers,
        seconds=args.seconds,
        warmup=args.warmup,
        as_json=args.json,
        keep=args.keep,
        py_spy=args.py_spy,
        fail_below_target=args.fail_below_target,
        stagger=args.connect == "staggered",
    )


_received: list[int] = []


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt  # unwinds through `with Server(...)`, which stops the server


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    # Also when started in the background by a shell, where SIGINT is ignored by default.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    bodies = build_bodies(CUSTOMERS)
    results: list[Result] = []
    try:
        for backend in options.backends:
            results.append(run_backend(backend, options, bodies))
    except KeyboardInterrupt:
        log("interrupted: server stopped")
        return 128 + (_received[-1] if _received else signal.SIGINT)
    if options.as_json:
        document = {
            "benchmark": "ticket_ingest",
            "clients": options.clients,
            "workers": options.workers,
            "seconds": options.seconds,
            "warmup": options.warmup,
            "connect": "staggered" if options.stagger else "burst",
            "cpus": os.cpu_count(),
            "results": [r.as_json() for r in results],
        }
        print(json.dumps(document, indent=2))
    else:
        print(render_table(results, options))
    if any(not r.ok for r in results):
        return 1
    if options.fail_below_target and any(not r.meets_target for r in results):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
