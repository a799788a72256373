"""What the benchmarks share: databases, `kefu serve` processes, CPU accounting, output helpers.

* a database per run (`Target`): PostgreSQL schema dropped and recreated, or a new SQLite file,
  migrated with `kefu db upgrade`, agents and API tokens seeded through the actions;
* `Server`: `kefu serve` in its own session (process group), ready once /readyz answers 200,
  stopped with SIGTERM and, after a timeout, SIGKILL to the whole group;
* CPU used by the server processes, the load generator and the rest of the machine between two
  samples (from /proc), percentiles, tables and the tail of a server log;
* Ctrl-C / SIGTERM unwinding through the `with Server(...)` blocks, so no server is left behind.

Only the standard library is imported here at module level: the chat load generator, a separate
process, imports this module and stays small. kefu and SQLAlchemy are imported where needed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
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
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
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


class BenchError(Exception):
    """A failure that ends the run of one configuration (reported, then the next one runs)."""


# -- interruption ------------------------------------------------------------------------------

_received: list[int] = []


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt  # unwinds through `with Server(...)`, which stops the server


def install_interrupt_handlers() -> None:
    """Ctrl-C and SIGTERM stop the servers; also when started in the background by a shell,
    where SIGINT is ignored by default."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def interrupted_exit_code() -> int:
    return 128 + (_received[-1] if _received else signal.SIGINT)


# -- databases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One database under test: where it is and how the servers find it."""

    backend: str  # "postgresql" or "sqlite"
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
        from sqlalchemy.engine import make_url

        shown = make_url(self.url).render_as_string(hide_password=True)
        return f"{shown} (schema {self.schema})" if self.schema else shown


def make_target(backend: str, pg_url: str, pg_schema: str, prefix: str) -> Target:
    """A new temporary directory (server logs, SQLite file, attachments) and the database."""
    work_dir = Path(tempfile.mkdtemp(prefix=prefix))
    if backend == "postgresql":
        return Target(backend, pg_url, pg_schema, work_dir)
    return Target(backend, f"sqlite:///{work_dir / 'data' / 'kefu.db'}", None, work_dir)


def check_schema_name(schema: str) -> str:
    if not schema.replace("_", "").isalnum() or not schema[0].isalpha():
        raise argparse.ArgumentTypeError(f"invalid schema name {schema!r}")
    return schema


def add_pg_arguments(parser: argparse.ArgumentParser, default_schema: str) -> None:
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("KEFU_BENCH_PG_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL server (default {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--pg-schema",
        type=check_schema_name,
        default=default_schema,
        help="schema dropped and recreated for the run (default %(default)s)",
    )


async def reset_pg_schema(url: str, schema: str, *, create: bool = True) -> None:
    """Drop the schema (and everything in it), then create it again empty unless `create` is
    False."""
    from sqlalchemy import text

    from kefu.store.db import make_engine

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if create:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        await engine.dispose()


async def migrated_database(url: str, schema: str | None) -> None:
    """kefu's tables, migrated, in an empty schema (dropped and created again first) or, with
    no schema, in the database as it is (a fresh SQLite file)."""
    from kefu.store.db import make_engine
    from kefu.store.migrate import upgrade

    if schema:
        await reset_pg_schema(url, schema)
    engine = make_engine(url, pool_size=1, schema=schema)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def seed_agents(
    target: Target, agents: Sequence[tuple[str, str, str]], token_name: str
) -> list[str]:
    """Agents (email, name, role) with an API token each, created through the actions as
    tests/support.py does, in one transaction; returns the tokens' secrets in order."""
    from kefu.actions.agents import AgentInput, do_create_agent, do_create_api_token
    from kefu.actions.unit_of_work import ActionDeps, UnitOfWork
    from kefu.domain.enums import Role
    from kefu.domain.permissions import SYSTEM
    from kefu.events.bus import InProcessBus
    from kefu.store.db import make_engine, make_sessionmaker
    from kefu.store.files import FileStore

    engine = make_engine(target.url, pool_size=1, schema=target.schema)
    try:
        deps = ActionDeps(
            make_sessionmaker(engine), InProcessBus(), FileStore(target.data_dir / "attachments")
        )
        tokens = []
        async with UnitOfWork(deps, SYSTEM) as uow:
            for email, name, role in agents:
                agent = await do_create_agent(
                    uow, AgentInput(email=email, name=name, role=Role(role))
                )
                _, secret = await do_create_api_token(uow, agent, token_name, None)
                tokens.append(secret)
        return tokens
    finally:
        await engine.dispose()


async def store_chat_line(uow: Any, uid: str, text: str, ticket_id: int | None) -> tuple[int, int]:
    """The customer `uid` (created if new) writes `text` in web chat, in the given unit of work:
    a new ticket when `ticket_id` is None, else a line on that ticket. Returns the ticket's id
    and the message's."""
    from kefu.actions.customers import do_ensure_customer_by_uid
    from kefu.actions.messages import MessageInput, do_add_message
    from kefu.actions.tickets import TicketInput, do_create_ticket
    from kefu.domain.enums import Direction
    from kefu.store.repositories import tickets as repo

    message = MessageInput(body=text, channel="web_chat")
    customer = await do_ensure_customer_by_uid(uow, uid)
    if ticket_id is None:
        created = await do_create_ticket(
            uow, TicketInput(customer_id=customer.id, subject=text[:80], message=message)
        )
        return created.ticket.id, created.first.message.id
    ticket = await repo.get_ticket(uow.session, ticket_id, lock=True)
    posted = await do_add_message(uow, ticket, Direction.INBOUND, message)
    return ticket_id, posted.message.id


async def count_rows(target: Target, *statements: Any) -> list[int]:
    """The integer each (SELECT count(…)) statement returns, on a connection of its own."""
    from kefu.store.db import make_engine

    engine = make_engine(target.url, pool_size=1, schema=target.schema)
    try:
        async with engine.connect() as conn:
            return [int((await conn.execute(s)).scalar_one()) for s in statements]
    finally:
        await engine.dispose()


def kefu_command() -> list[str]:
    """The `kefu` console script of this interpreter's environment (pyproject.toml:
    `kefu = "kefu.cli.main:app"`), or the equivalent `python -c` when it is not installed."""
    script = Path(sys.executable).parent / "kefu"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", "from kefu.cli.main import app; app(prog_name='kefu')"]


def server_env(target: Target, workers: int, **extra: str) -> dict[str, str]:
    """The caller's environment with the target's database, random secrets, `KEFU_ENV=production`
    and `KEFU_LOG_LEVEL=WARNING`; `extra` (KEFU_… variables) last."""
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
    env.update(extra)
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


def prepare_database(target: Target, env: dict[str, str]) -> None:
    """Recreate the PostgreSQL schema (if any), then `kefu db upgrade`."""
    target.data_dir.mkdir(parents=True, exist_ok=True)
    if target.schema:
        log(f"  recreating schema {target.schema}")
        run_async(reset_pg_schema(target.url, target.schema))
    log("  kefu db upgrade")
    migrate(target, env)


def finish_work_dir(work_dir: Path, ok: bool, keep: bool, log_path: str | None) -> bool:
    """Remove the temporary directory after a clean run (unless --keep); True when removed."""
    if ok and not keep:
        shutil.rmtree(work_dir, ignore_errors=True)
        return True
    log(f"  kept {work_dir}" + (f" (server log: {log_path})" if log_path else ""))
    return False


# -- processes and CPU -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


def system_busy() -> tuple[float, float] | None:
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

    def __init__(
        self, env: dict[str, str], workers: int, work_dir: Path, log_path: Path | None = None
    ) -> None:
        self.env = env
        self.workers = workers
        self.work_dir = work_dir
        self.log_path = log_path or work_dir / "server.log"
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
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.work_dir,
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


@dataclass
class CpuSample:
    at: float
    processes: dict[int, float]
    client: float  # CPU seconds of the load generator (the sampling process)
    system: tuple[float, float] | None


def cpu_sample(pids: Sequence[int]) -> CpuSample:
    processes = {}
    for pid in pids:
        proc = Proc.read(pid)
        if proc is not None:
            processes[pid] = proc.cpu
    return CpuSample(time.perf_counter(), processes, time.process_time(), system_busy())


@dataclass(frozen=True)
class CpuWindow:
    """CPU seconds used between two samples: per server process, by the load generator and by
    the whole machine. Percentages: 100 = one core busy for the whole window."""

    elapsed: float
    spent: dict[int, float]
    client: float
    busy: float | None
    total: float | None

    @classmethod
    def between(cls, first: CpuSample, last: CpuSample) -> CpuWindow | None:
        elapsed = last.at - first.at
        if elapsed <= 0:
            return None
        spent = {pid: used - first.processes.get(pid, 0.0) for pid, used in last.processes.items()}
        busy = total = None
        if first.system is not None and last.system is not None:
            busy = last.system[0] - first.system[0]
            total = last.system[1] - first.system[1]
        return cls(elapsed, spent, last.client - first.client, busy, total)

    def pct(self, seconds: float) -> float:
        return round(100 * seconds / self.elapsed, 1)

    @property
    def server(self) -> float:
        return sum(self.spent.values())

    def other_pct(self) -> float | None:
        """The rest of the machine: database, Redis, the bench's other processes, other jobs."""
        if self.busy is None:
            return None
        return self.pct(max(0.0, self.busy - self.server - self.client))

    def machine_pct(self) -> float | None:
        if self.busy is None or not self.total:
            return None
        return round(100 * self.busy / self.total, 1)


def start_py_spy(
    pids: Sequence[int], out_dir: Path, prefix: str, seconds: float
) -> list[subprocess.Popen[bytes]]:
    """Sample each process with py-spy for `seconds` (collapsed stacks, one file per process,
    `{prefix}-{pid}.txt`; render with flamegraph.pl or https://www.speedscope.app)."""
    exe = shutil.which("py-spy", path=f"{Path(sys.executable).parent}{os.pathsep}{os.defpath}")
    if exe is None:
        log("  --py-spy: py-spy is not installed (pip install py-spy); not profiling")
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    started = []
    for pid in pids:
        command = [exe, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds)))]
        command += ["--rate", "250", "--format", "raw", "--nonblocking"]
        command += ["--output", str(out_dir / f"{prefix}-{pid}.txt")]
        started.append(
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    log(f"  py-spy recording {len(started)} process(es) into {out_dir}")
    return started


# -- results -----------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when it is empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def fmt_ms(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def rounded(document: dict[str, Any]) -> dict[str, Any]:
    """A results dict for JSON: floats to 3 decimals, nan as null."""
    out = dict(document)
    for key, value in out.items():
        if isinstance(value, float):
            out[key] = None if math.isnan(value) else round(value, 3)
    return out


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def log_tail(path: Path, count: int = 5) -> list[str]:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line[:200] for line in lines if line.strip()][-count:]


def load_average() -> tuple[float, float, float] | None:
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def failure_lines(failure: str, log_path: str | None) -> list[str]:
    """What stopped a configuration, with the tail of the server log."""
    lines = [f"  FAILED: {failure}"]
    if log_path:
        lines.append(f"  server log: {log_path}")
        lines.extend(f"    | {line}" for line in log_tail(Path(log_path)))
    return lines


def db_check_lines(ok: bool, check: str) -> list[str]:
    if ok:
        return [f"  database: {check}"]
    return ["  " + "!" * 72, f"  DATABASE CHECK FAILED: {check}", "  " + "!" * 72]


def load_average_line(load: Sequence[float] | None) -> list[str]:
    if load is None:
        return []
    return ["  load average before the run: " + " ".join(f"{v:.2f}" for v in load)]


def add_run_arguments(parser: argparse.ArgumentParser, seconds: float, profiled: str) -> None:
    """--seconds, --warmup, --json, --keep and --py-spy (`profiled`: which processes)."""
    parser.add_argument(
        "--seconds", type=float, default=seconds, help=f"measured window ({seconds:g})"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up, not counted (3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (database, server log)"
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="DIR",
        help=f"record {profiled} with py-spy during the measured window into DIR",
    )
