"""Live chat under load: N open conversations, R messages per second from customers to agents.

Two configurations (docs/chat-protocol.md, `--setup a|b|both`):

(a) SQLite and the in-process bus, ONE `kefu serve` process: customers and agents on it;
(b) PostgreSQL (schema `kefu_bench_chat`, dropped and recreated) and Redis (KEFU_REDIS_URL), TWO
    `kefu serve` processes: customers connect to A, agents to B, so every message crosses Redis.

For each it migrates the database, seeds about N/20 agents with API tokens through the actions,
signs N customer tokens with the KEFU_CUSTOMER_TOKEN_SECRET given to the servers, and starts the
servers (1 worker each, KEFU_SWEEP_SECONDS=0, KEFU_LOG_LEVEL=WARNING). A separate load-generator
process (bench/chat_loadgen.py: uvloop, websockets, orjson) opens the chats, has the agents claim
them, sends R messages/s for a warm-up and a measured window and records send, ack and delivery
times. Afterwards the database must hold one inbound web_chat message per ack.

    .venv/bin/python bench/chat_load.py --quick               # N=200, 100 msg/s, 5 s
    .venv/bin/python bench/chat_load.py                       # N=2000, 500 msg/s, 20 s, a and b
    .venv/bin/python bench/chat_load.py --setup b --conversations 500 --rate 200 --json

Latency is measured in one process with one clock: delivery = the agent's `event` frame with the
message (`message.created`) minus the customer's send; ack = the customer's `ack` minus the send.
The load generator shares the machine's cores with the servers, PostgreSQL and Redis: its CPU is
reported with theirs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from chat_report import REDACTION_NOTE, TARGET_P99_MS, Result, gc_pauses, render, summarise
from harness import (
    BenchError,
    Server,
    Target,
    add_pg_arguments,
    add_run_arguments,
    count_rows,
    finish_work_dir,
    install_interrupt_handlers,
    interrupted_exit_code,
    load_average,
    log,
    make_target,
    prepare_database,
    run_async,
    seed_agents,
    server_env,
)
from sqlalchemy import func, select

from kefu.domain import customer_token
from kefu.domain.enums import Channel, Direction
from kefu.store.models import Message, Ticket

SETUPS = ("a", "b")
DESCRIPTIONS = {
    "a": "SQLite + in-process bus, 1 process",
    "b": "PostgreSQL + Redis, 2 processes",
}
DEFAULT_PG_SCHEMA = "kefu_bench_chat"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
QUICK = {"conversations": 200, "rate": 100.0, "seconds": 5.0}
DEFAULTS = {"conversations": 2000, "rate": 500.0, "seconds": 20.0}
LOADGEN = Path(__file__).with_name("chat_loadgen.py")
GC_PROBE = Path(__file__).with_name("gc_probe")


@dataclass(frozen=True)
class Options:
    setups: tuple[str, ...]
    conversations: int
    rate: float
    seconds: float
    warmup: float
    agents: int
    grace: float
    max_drain: float
    concurrency: int
    schedulers: int
    deflate: bool
    pg_url: str
    pg_schema: str
    redis_url: str
    as_json: bool
    keep: bool
    py_spy: Path | None
    gc_stats: bool
    enrichment: str | None
    save_raw: Path | None


# -- one configuration -------------------------------------------------------------------------


def run_loadgen(config: dict[str, Any], timeout: float) -> dict[str, Any]:
    """bench/chat_loadgen.py in a process of its own: config on stdin, results on stdout."""
    proc = subprocess.Popen(
        [sys.executable, str(LOADGEN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        out, _ = proc.communicate(orjson.dumps(config), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"the load generator did not finish within {timeout:.0f} s") from None
    finally:
        if proc.poll() is None:  # interrupted or timed out: it is our child, stop it
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise BenchError(f"the load generator exited with code {proc.returncode}")
    result: dict[str, Any] = orjson.loads(out)
    return result


def run_setup(setup: str, options: Options) -> Result:
    backend = "sqlite" if setup == "a" else "postgresql"
    target = make_target(backend, options.pg_url, options.pg_schema, f"kefu-bench-chat-{setup}-")
    n = options.conversations
    result = Result(
        setup,
        DESCRIPTIONS[setup],
        target.shown_url() + (f", Redis {options.redis_url}" if setup == "b" else ""),
        n,
        options.agents,
        options.rate,
        options.seconds,
        connections_expected=n + options.agents,
        load_before=load_average(),
        target_p99_ms=TARGET_P99_MS if setup == "b" else None,
    )
    log(f"== ({setup}) {DESCRIPTIONS[setup]}: {result.database}")
    stage = "preparing the database"
    try:
        extra = {"KEFU_SWEEP_SECONDS": "0"}
        if setup == "b":
            extra["KEFU_REDIS_URL"] = options.redis_url
            extra["KEFU_REDIS_PREFIX"] = f"kefu-bench:{os.getpid()}:"
        gc_dir = target.work_dir / "gc"
        if options.gc_stats:  # bench/gc_probe/sitecustomize.py times the servers' collections
            gc_dir.mkdir(parents=True)
            path = os.pathsep.join(p for p in (str(GC_PROBE), os.environ.get("PYTHONPATH")) if p)
            extra.update(PYTHONPATH=path, KEFU_BENCH_GC_DIR=str(gc_dir))
        enrichment = options.enrichment or ("worker" if setup == "b" else "server")
        if enrichment == "worker":
            extra["KEFU_ENRICH_IN_SERVER"] = "false"
        result.enrichment = enrichment
        env = server_env(target, 1, **extra)
        prepare_database(target, env)
        stage = "seeding agents"
        agents = [(f"agent{j}@bench.invalid", f"Agent {j}", "agent") for j in range(options.agents)]
        agent_tokens = run_async(seed_agents(target, agents, "chat load bench"))
        expires = int(time.time()) + 24 * 3600
        secret = env["KEFU_CUSTOMER_TOKEN_SECRET"]
        customer_tokens = [customer_token.sign(f"C{i}", expires, secret) for i in range(n)]
        stage = "starting the servers"
        labels = ("A",) if setup == "a" else ("A", "B")
        with contextlib.ExitStack() as stack:
            servers = {
                label: stack.enter_context(
                    Server(env, 1, target.work_dir, target.work_dir / f"server-{label}.log")
                )
                for label in labels
            }
            result.log_paths = [str(s.log_path) for s in servers.values()]
            if enrichment == "worker":
                worker_log = stack.enter_context(open(target.work_dir / "enrich.log", "wb"))
                kefu = str(Path(sys.executable).parent / "kefu")
                worker = subprocess.Popen(
                    ["nice", "-n", "19", kefu, "enrich"],
                    env=env,
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                )
                stack.callback(worker.wait, 30)
                stack.callback(worker.terminate)
            for label, server in servers.items():
                server.wait_ready()
                log(f"  kefu serve ({label}) on {server.base_url}, pid {server.pids()[0]}")
            a, b = servers["A"], servers[labels[-1]]
            config = {
                "customer_url": f"ws://127.0.0.1:{a.port}/ws/chat",
                "agent_url": f"ws://127.0.0.1:{b.port}/ws/agent",
                "customer_tokens": customer_tokens,
                "agent_tokens": agent_tokens,
                "rate": options.rate,
                "seconds": options.seconds,
                "warmup": options.warmup,
                "grace": options.grace,
                "max_drain": options.max_drain,
                "concurrency": options.concurrency,
                "schedulers": options.schedulers,
                "deflate": options.deflate,
                "seed": 1,
                "server_pids": {label: s.pids() for label, s in servers.items()},
                "py_spy": str(options.py_spy) if options.py_spy else None,
                "py_spy_prefix": f"chat-{setup}",
            }
            stage = "running the load generator"
            budget = 300 + 0.2 * n + options.warmup + options.seconds + options.max_drain
            raw = run_loadgen(config, budget)
            if options.save_raw is not None:
                options.save_raw.mkdir(parents=True, exist_ok=True)
                (options.save_raw / f"chat-{setup}.json").write_bytes(orjson.dumps(raw))
            for label, server in servers.items():
                if not server.alive():
                    raise BenchError(f"server {label} died during the run")
            pid_labels = {pid: label for label, s in servers.items() for pid in s.pids()}
        summarise(result, raw, pid_labels)
        if options.gc_stats and "window" in raw:
            result.gc_pauses = gc_pauses(gc_dir, pid_labels, raw["window"])
        if raw["failure"]:
            raise BenchError(raw["failure"])
        stage = "counting the messages in the database"
        verify(result, target, raw)
    except BenchError as exc:
        result.failure = f"{stage}: {exc}"
    except Exception as exc:
        result.failure = f"{stage}: {type(exc).__name__}: {exc}"
    finally:
        logs = ", ".join(result.log_paths) or None
        if finish_work_dir(target.work_dir, result.ok, options.keep, logs):
            result.log_paths = []
    return result


def verify(result: Result, target: Target, raw: dict[str, Any]) -> None:
    """One inbound web_chat message per ack (the first messages included), one ticket per chat."""
    inbound = (
        select(func.count())
        .select_from(Message)
        .where(
            Message.direction == Direction.INBOUND.value,
            Message.channel == Channel.WEB_CHAT.value,
        )
    )
    tickets = select(func.count()).select_from(Ticket)
    result.db_inbound, result.db_tickets = run_async(count_rows(target, inbound, tickets))
    acks = result.total_acked + raw["customers_connected"]
    problems = []
    if result.db_inbound != acks:
        problems.append(
            f"{result.db_inbound} inbound chat messages stored but {acks} acks "
            f"({raw['customers_connected']} first messages + {result.total_acked})"
        )
        unacked = result.total_sent - result.total_acked
        if acks < result.db_inbound <= acks + unacked and raw["closed"]:
            problems.append(
                f"{result.db_inbound - acks} of the {unacked} messages without an ack were "
                "stored: their connections were closed before the ack went out (a client "
                "sends them again with the same cid and gets a duplicate ack)"
            )
    if result.db_tickets != result.conversations:
        problems.append(f"{result.db_tickets} tickets for {result.conversations} conversations")
    if problems:
        result.db_check = "MISMATCH: " + "; ".join(problems)
    else:
        result.db_check = f"ok ({result.db_inbound} inbound messages = {acks} acks)"
        result.db_ok = True


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Live chat: delivery latency customer -> agent at N open conversations "
        "and R messages/s, on SQLite with one process and on PostgreSQL + Redis with two.",
    )
    parser.add_argument("--setup", choices=(*SETUPS, "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="N=200, 100 messages/s, 5 s")
    parser.add_argument("--conversations", type=int, help="open conversations N (2000)")
    parser.add_argument("--rate", type=float, help="messages per second, all customers (500)")
    parser.add_argument("--agents", type=int, help="agents (N/20: ~20 conversations each)")
    add_run_arguments(parser, DEFAULTS["seconds"], "each server process")
    parser.set_defaults(seconds=None)
    parser.add_argument(
        "--grace",
        type=float,
        default=5.0,
        help="after the window, wait for missing acks and deliveries until none arrived for "
        "this long (5 s) …",
    )
    parser.add_argument(
        "--max-drain", type=float, default=120.0, help="… or this long in all (120 s)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=50, help="connections opened at a time in setup (50)"
    )
    parser.add_argument("--schedulers", type=int, default=4, help="scheduler tasks (4)")
    parser.add_argument(
        "--enrichment",
        choices=("server", "worker"),
        default=None,
        help="where inbound messages are enriched (language, intent, duplicates, tone): in the "
        "app processes, or by a `nice -n 19 kefu enrich` worker with KEFU_ENRICH_IN_SERVER=false "
        "(default: server for (a), worker for (b), as deployed)",
    )
    parser.add_argument(
        "--gc-stats",
        action="store_true",
        help="time the servers' garbage collections (bench/gc_probe on their PYTHONPATH)",
    )
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="no permessage-deflate (browsers negotiate it; kefu serve accepts it)",
    )
    parser.add_argument(
        "--save-raw",
        type=Path,
        metavar="DIR",
        help="write what the load generator recorded (per message: send, ack and delivery "
        "times) to DIR/chat-SETUP.json",
    )
    add_pg_arguments(parser, DEFAULT_PG_SCHEMA)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("KEFU_BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"Redis for (b) (default {DEFAULT_REDIS_URL})",
    )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else DEFAULTS
    n = args.conversations if args.conversations is not None else int(preset["conversations"])
    rate = args.rate if args.rate is not None else preset["rate"]
    seconds = args.seconds if args.seconds is not None else preset["seconds"]
    agents = args.agents if args.agents is not None else max(1, round(n / 20))
    if n < 1 or agents < 1 or agents > n or rate <= 0 or seconds <= 0 or args.warmup < 0:
        parser.error("need 1 <= --agents <= --conversations, --rate > 0, --seconds > 0")
    if args.schedulers < 1 or args.concurrency < 1 or args.grace < 0:
        parser.error("--schedulers and --concurrency must be >= 1, --grace >= 0")
    if rate / n > 2:
        log(
            f"warning: {rate / n:.2f} messages/s per customer; the server allows 5/s per "
            "connection (burst 20): expect rate_limited errors above that"
        )
    return Options(
        setups=SETUPS if args.setup == "both" else (args.setup,),
        conversations=n,
        rate=rate,
        seconds=seconds,
        warmup=args.warmup,
        agents=agents,
        grace=args.grace,
        max_drain=args.max_drain,
        concurrency=args.concurrency,
        schedulers=args.schedulers,
        deflate=not args.no_deflate,
        pg_url=args.pg_url,
        pg_schema=args.pg_schema,
        redis_url=args.redis_url,
        as_json=args.json,
        keep=args.keep,
        py_spy=args.py_spy,
        save_raw=args.save_raw,
        gc_stats=args.gc_stats,
        enrichment=args.enrichment,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    install_interrupt_handlers()
    results: list[Result] = []
    try:
        for setup in options.setups:
            results.append(run_setup(setup, options))
    except KeyboardInterrupt:
        log("interrupted: servers and load generator stopped")
        return interrupted_exit_code()
    if options.as_json:
        document = {
            "benchmark": "chat_load",
            "conversations": options.conversations,
            "agents": options.agents,
            "rate": options.rate,
            "seconds": options.seconds,
            "warmup": options.warmup,
            "deflate": options.deflate,
            "cpus": os.cpu_count(),
            "redaction": REDACTION_NOTE,
            "results": [r.as_json() for r in results],
        }
        print(json.dumps(document, indent=2))
    else:
        heading = (
            f"chat load: {options.conversations} conversations, {options.agents} agents, "
            f"{options.rate:g} messages/s customers -> agents, {options.warmup:g} s warm-up, "
            f"{options.seconds:g} s measured, permessage-deflate "
            f"{'on' if options.deflate else 'off'}, {os.cpu_count()} CPUs"
        )
        print(render(results, heading))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
