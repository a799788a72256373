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
import itertools
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import aiohttp
from corpus import build_bodies
from harness import (
    BenchError,
    CpuSample,
    CpuWindow,
    Server,
    Target,
    add_pg_arguments,
    add_run_arguments,
    count_rows,
    cpu_sample,
    db_check_lines,
    failure_lines,
    finish_work_dir,
    fmt_ms,
    format_table,
    install_interrupt_handlers,
    interrupted_exit_code,
    load_average,
    load_average_line,
    log,
    make_target,
    migrate,
    percentile,
    reset_pg_schema,
    rounded,
    run_async,
    seed_agents,
    server_env,
    start_py_spy,
)
from sqlalchemy import func, select

from kefu.store.models import Message, Ticket

Backend = Literal["postgresql", "sqlite"]

BACKENDS: tuple[Backend, ...] = ("postgresql", "sqlite")
DEFAULT_PG_SCHEMA = "kefu_bench"
# Targets of the issue, on the 2-core reference machine.
TARGETS: dict[Backend, float] = {"postgresql": 440.0, "sqlite": 290.0}
CUSTOMERS = 5000  # distinct customer uids; ticket n is for customer U{n % CUSTOMERS}
REQUEST_TIMEOUT = 30.0

# -- database ----------------------------------------------------------------------------------


async def seed_admin_token(target: Target) -> str:
    """An admin agent and its API token, created through the actions as tests/support.py does."""
    admin = ("bench-admin@bench.invalid", "Bench", "admin")
    return (await seed_agents(target, [admin], "ticket ingest bench"))[0]


async def count_tickets(target: Target) -> tuple[int, int]:
    """(tickets, messages) stored in the database."""
    count = select(func.count())
    tickets, messages = await count_rows(
        target, count.select_from(Ticket), count.select_from(Message)
    )
    return tickets, messages


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
        first = cpu_sample(server.pids())
        if on_measure is not None:
            on_measure()
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        last = cpu_sample(server.pids())
        await asyncio.gather(*tasks)  # in-flight requests finish (counted in totals only)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return record, window_start, window_end, first, last


# -- results -----------------------------------------------------------------------------------


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
        return rounded({"ok": self.ok, **self.__dict__})


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

    used = CpuWindow.between(*cpu)
    if used is None:
        return
    for pid in server.worker_pids():
        result.worker_cpu_pct[str(pid)] = used.pct(used.spent.get(pid, 0.0))
    result.server_cpu_pct = used.pct(used.server)
    if result.created:
        result.server_cpu_ms_per_ticket = round(1000 * used.server / result.created, 2)
    result.client_cpu_pct = used.pct(used.client)
    result.other_cpu_pct = used.other_pct()
    result.machine_cpu_pct = used.machine_pct()


def verify(result: Result, target: Target) -> None:
    tickets, messages = run_async(count_tickets(target))
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
    target = make_target(backend, options.pg_url, options.pg_schema, f"kefu-bench-{backend}-")
    result = Result(backend, target.shown_url(), target=TARGETS[backend])
    result.load_before = load_average()
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
        with Server(env, options.workers, target.work_dir, target.log_path) as server:
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
                # Every worker, for the measured window (collapsed stacks, one file per worker).
                if options.py_spy is not None:
                    pids = server.worker_pids()
                    profilers.extend(start_py_spy(pids, options.py_spy, backend, options.seconds))

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
        if finish_work_dir(target.work_dir, result.ok, options.keep, result.log_path):
            result.log_path = None
    return result


# -- output ------------------------------------------------------------------------------------


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
                fmt_ms(r.p50_ms),
                fmt_ms(r.p95_ms),
                fmt_ms(r.p99_ms),
                fmt_ms(r.max_ms),
                str(r.errors),
                "ok" if r.db_ok else "MISMATCH",
            )
        )
    lines.extend(format_table(header, rows))
    for r in results:
        lines.append("")
        lines.append(f"{r.backend}: {r.database}")
        if r.failure is not None:
            lines.extend(failure_lines(r.failure, r.log_path))
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
        lines.extend(db_check_lines(r.db_ok, r.db_check))
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
        lines.extend(load_average_line(r.load_before))
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Tickets created per second through the REST API of a real kefu server.",
    )
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    add_pg_arguments(parser, DEFAULT_PG_SCHEMA)
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    add_run_arguments(parser, 20.0, "each worker")
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


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    install_interrupt_handlers()
    bodies = build_bodies(CUSTOMERS)
    results: list[Result] = []
    try:
        for backend in options.backends:
            results.append(run_backend(backend, options, bodies))
    except KeyboardInterrupt:
        log("interrupted: server stopped")
        return interrupted_exit_code()
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
