"""Results of bench/chat_load.py: what the load generator recorded, summed up and printed."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from harness import (
    CpuWindow,
    db_check_lines,
    failure_lines,
    fmt_ms,
    format_table,
    load_average_line,
    percentile,
    rounded,
)

# The target for (b) on the 2-core machine: p99 <= 10 ms at 2,000 conversations and
# 500 messages/s, nothing lost, nothing duplicated.
TARGET_P99_MS = 10.0
TARGET_LOAD = (2000, 500.0)
_REDACTION_ON = os.environ.get("KEFU_REDACTION", "true").strip().lower() not in (
    "0",
    "false",
    "no",
    "off",
)
REDACTION_NOTE = (
    "redaction: on: every customer message goes through secret redaction before it is stored"
    if _REDACTION_ON
    else "redaction: off (KEFU_REDACTION=false): these figures do not include it"
)


@dataclass
class Result:
    setup: str
    description: str
    database: str
    conversations: int
    agents: int
    offered_rate: float
    seconds: float
    failure: str | None = None
    log_paths: list[str] = field(default_factory=list)  # kept only when something failed
    enrichment: str = "server"  # where inbound messages were enriched: server | worker
    setup_seconds: float | None = None
    connections_expected: int = 0
    connections_open: int = 0  # after setup
    connections_open_end: int = 0  # after draining
    drain_seconds: float | None = None  # waited after the window for the last acks/deliveries
    followed: int = 0  # conversations the agents follow
    sent: int = 0  # in the measured window (by send time); the rates and latencies are of these
    acked: int = 0
    delivered: int = 0
    sent_rate: float = 0.0
    achieved_rate: float = 0.0  # deliveries that arrived in the window / its length
    delivery_p50_ms: float = math.nan
    delivery_p95_ms: float = math.nan
    delivery_p99_ms: float = math.nan
    delivery_max_ms: float = math.nan
    ack_p50_ms: float = math.nan
    ack_p99_ms: float = math.nan
    ack_max_ms: float = math.nan
    schedule_lag_p99_ms: float = math.nan  # how late the load generator sent (its own health)
    schedule_lag_max_ms: float = math.nan
    total_sent: int = 0  # warm-up, window (the load phase; the first messages are extra)
    total_acked: int = 0
    errors: int = 0  # error frames, connections closed by the server, unacked, failed sends
    error_breakdown: dict[str, int] = field(default_factory=dict)
    lost: int = 0  # acked, never delivered (see drain_seconds)
    duplicated: int = 0  # delivered more than once
    duplicate_acks: int = 0
    foreign: int = 0  # message.created events that were not ours
    db_inbound: int | None = None
    db_tickets: int | None = None
    db_check: str = "not run"
    db_ok: bool = False
    server_cpu_pct: dict[str, float] = field(default_factory=dict)  # by process (A, B)
    gc_pauses: dict[str, dict[str, float]] = field(default_factory=dict)  # --gc-stats
    server_cpu_ms_per_message: float | None = None
    client_cpu_pct: float | None = None
    other_cpu_pct: float | None = None
    machine_cpu_pct: float | None = None
    load_before: tuple[float, float, float] | None = None
    target_p99_ms: float | None = None
    meets_target: bool | None = None  # p99, no errors, nothing lost or duplicated
    at_target_load: bool = False  # at least the target's conversations and rate

    @property
    def ok(self) -> bool:
        clean = not self.errors and not self.lost and not self.duplicated
        return self.failure is None and self.db_ok and clean

    def as_json(self) -> dict[str, Any]:
        return rounded({"ok": self.ok, **self.__dict__})


def _ms(values: list[float]) -> list[float]:
    return sorted(1000 * v for v in values)


def gc_pauses(
    gc_dir: Path, pid_labels: dict[int, str], window: list[float]
) -> dict[str, dict[str, float]]:
    """Per server, the collections of 1 ms or more that started in the window: how many, of
    which full (generation 2), the longest and their total (ms)."""
    out: dict[str, dict[str, float]] = {}
    for pid, label in pid_labels.items():
        try:
            document = orjson.loads((gc_dir / f"{pid}.json").read_bytes())
        except OSError:
            continue
        pauses = [(s, g) for at, s, g in document["long"] if window[0] <= at < window[1]]
        out[label] = {
            "pauses": len(pauses),
            "full": sum(1 for _, g in pauses if g == 2),
            "max_ms": round(1000 * max((s for s, _ in pauses), default=0.0), 1),
            "total_ms": round(1000 * sum(s for s, _ in pauses), 1),
        }
    return out


def summarise(result: Result, raw: dict[str, Any], pid_labels: dict[int, str]) -> None:
    result.setup_seconds = raw.get("setup_seconds")
    result.connections_open = raw.get("open_after_setup", 0)
    result.connections_open_end = raw.get("open_at_end", 0)
    result.drain_seconds = raw.get("drain_seconds")
    result.followed = raw.get("followed", 0)
    errors: dict[str, int] = {f"setup {k}": v for k, v in raw.get("setup_failures", {}).items()}
    if "window" not in raw:
        result.error_breakdown = errors
        result.errors = sum(errors.values())
        return
    start, end = raw["window"]
    send_at: list[float] = raw["send_at"]
    ack_at: list[float | None] = raw["ack_at"]
    deliver_at: list[float | None] = raw["deliver_at"]
    delivery, ack, lag = [], [], []
    for k, sent in enumerate(send_at):
        if not start <= sent < end:
            continue
        result.sent += 1
        lag.append(raw["lag"][k])
        if (acked := ack_at[k]) is not None:
            ack.append(acked - sent)
        if (delivered := deliver_at[k]) is not None:
            delivery.append(delivered - sent)
    seconds = end - start
    result.acked, result.delivered = len(ack), len(delivery)
    result.sent_rate = result.sent / seconds
    # Throughput: deliveries that happened in the window (of whatever was sent when).
    arrived = sum(1 for t in deliver_at if t is not None and start <= t < end)
    result.achieved_rate = arrived / seconds
    d, a, s = _ms(delivery), _ms(ack), _ms(lag)
    result.delivery_p50_ms, result.delivery_p95_ms = percentile(d, 50), percentile(d, 95)
    result.delivery_p99_ms = percentile(d, 99)
    result.delivery_max_ms = d[-1] if d else math.nan
    result.ack_p50_ms, result.ack_p99_ms = percentile(a, 50), percentile(a, 99)
    result.ack_max_ms = a[-1] if a else math.nan
    result.schedule_lag_p99_ms = percentile(s, 99)
    result.schedule_lag_max_ms = s[-1] if s else math.nan

    result.total_sent = len(send_at)
    result.total_acked = sum(1 for t in ack_at if t is not None)
    unacked = result.total_sent - result.total_acked
    result.lost = sum(
        1 for t, u in zip(ack_at, deliver_at, strict=True) if t is not None and u is None
    )
    result.duplicated = raw["duplicates"]
    result.duplicate_acks = raw["duplicate_acks"]
    result.foreign = raw["foreign"]
    errors.update(raw["errors"])
    errors.update(raw["closed"])
    if unacked:
        errors["not acked"] = unacked
    if raw["send_failures"]:
        errors["send on a closed connection"] = raw["send_failures"]
    result.error_breakdown = errors
    result.errors = sum(errors.values())
    if result.target_p99_ms is not None:
        p99 = result.delivery_p99_ms
        clean = not result.errors and not result.lost and not result.duplicated
        result.meets_target = clean and not math.isnan(p99) and p99 <= result.target_p99_ms
        n, rate = TARGET_LOAD
        result.at_target_load = result.conversations >= n and result.offered_rate >= rate

    if raw.get("cpu") is None:
        return
    cpu = raw["cpu"]
    used = CpuWindow(
        cpu["elapsed"],
        {int(pid): v for pid, v in cpu["spent"].items()},
        cpu["client"],
        cpu["busy"],
        cpu["total"],
    )
    by_label: dict[str, float] = {}
    for pid, spent in used.spent.items():
        label = pid_labels.get(pid, "?")
        by_label[label] = by_label.get(label, 0.0) + spent
    result.server_cpu_pct = {label: used.pct(v) for label, v in sorted(by_label.items())}
    if arrived:  # the messages delivered in the window: what the servers' CPU did there
        result.server_cpu_ms_per_message = round(1000 * used.server / arrived, 2)
    result.client_cpu_pct = used.pct(used.client)
    result.other_cpu_pct = used.other_pct()
    result.machine_cpu_pct = used.machine_pct()


# -- output ------------------------------------------------------------------------------------


def _verdict(r: Result) -> str:
    if r.meets_target is None:
        return "-"
    verdict = "ok" if r.meets_target else "MISSED"
    n, rate = TARGET_LOAD
    return verdict if r.at_target_load else f"{verdict} (target is {n}, {rate:g}/s)"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def render(results: list[Result], heading: str) -> str:
    lines = ["", heading, ""]
    rows: list[tuple[str, ...]] = []

    def row(name: str, *cells: str) -> None:
        rows.append((name, *cells))

    rs = results
    row("conversations", *(str(r.conversations) for r in rs))
    row("connections open", *(f"{r.connections_open}/{r.connections_expected}" for r in rs))
    row("setup s (not measured)", *(fmt_ms(r.setup_seconds) for r in rs))
    row("offered rate /s", *(f"{r.offered_rate:g}" for r in rs))
    row("sent rate /s", *(f"{r.sent_rate:.1f}" for r in rs))
    row("achieved rate /s", *(f"{r.achieved_rate:.1f}" for r in rs))
    for p in ("p50", "p95", "p99", "max"):
        row(f"delivery {p} ms", *(fmt_ms(getattr(r, f"delivery_{p}_ms")) for r in rs))
    row("ack p50 ms", *(fmt_ms(r.ack_p50_ms) for r in rs))
    row("ack p99 ms", *(fmt_ms(r.ack_p99_ms) for r in rs))
    row("errors", *(str(r.errors) for r in rs))
    row("lost", *(str(r.lost) for r in rs))
    row("duplicated", *(str(r.duplicated) for r in rs))
    row(
        "CPU servers",
        *(" + ".join(f"{k} {v:g}%" for k, v in r.server_cpu_pct.items()) or "-" for r in rs),
    )
    row("CPU load generator", *(_pct(r.client_cpu_pct) for r in rs))
    row("CPU rest of machine", *(_pct(r.other_cpu_pct) for r in rs))
    row(
        "database check",
        *("FAILED" if r.failure else "ok" if r.db_ok else "MISMATCH" for r in rs),
    )
    row(
        f"target: p99 <= {TARGET_P99_MS:g} ms, 0 lost/dup.",
        *(_verdict(r) for r in rs),
    )
    lines.extend(format_table(("", *(f"({r.setup}) {r.description}" for r in rs)), rows))
    for r in rs:
        lines += ["", f"({r.setup}) {r.description}: {r.database}"]
        if r.failure is not None:
            lines.extend(failure_lines(r.failure, None))
            for path in r.log_paths:
                lines.extend(failure_lines(r.failure, path)[1:])
        if r.error_breakdown:
            lines.append(
                "  ERRORS: " + ", ".join(f"{k} x{v}" for k, v in r.error_breakdown.items())
            )
        if r.setup_seconds is not None:
            lines.append(
                f"  setup: {r.setup_seconds:.1f} s; agents follow {r.followed} of "
                f"{r.conversations} conversations; {r.connections_open} connections open "
                f"after setup, {r.connections_open_end} at the end"
            )
        if r.total_sent:
            lines.append(
                f"  sent in the window: {r.sent}, of which acked {r.acked}, delivered "
                f"{r.delivered}; load phase: {r.total_sent} sent, {r.total_acked} acked; "
                f"duplicate acks {r.duplicate_acks}"
                + (f"; {r.foreign} foreign events" if r.foreign else "")
            )
            lines.append(
                f"  after the window: waited {r.drain_seconds or 0:.1f} s for the last acks and "
                "deliveries (until all were in or none came for --grace seconds)"
            )
            lines.append(
                f"  load generator sent late by p99 {fmt_ms(r.schedule_lag_p99_ms)} ms, "
                f"max {fmt_ms(r.schedule_lag_max_ms)} ms (its own lag; ack max "
                f"{fmt_ms(r.ack_max_ms)} ms)"
            )
        if r.db_inbound is not None:
            lines.extend(db_check_lines(r.db_ok, r.db_check))
        if r.server_cpu_pct:
            per_msg = r.server_cpu_ms_per_message
            lines.append(
                "  CPU in window (100% = one core): servers "
                + ", ".join(f"{k} {v:g}%" for k, v in r.server_cpu_pct.items())
                + (f" ({per_msg:g} ms per message)" if per_msg is not None else "")
                + f"; load generator {_pct(r.client_cpu_pct)}; rest of machine "
                f"{_pct(r.other_cpu_pct)} (PostgreSQL, Redis, other jobs); all cores "
                f"{_pct(r.machine_cpu_pct)} busy"
            )
        for label, gc in r.gc_pauses.items():
            lines.append(
                f"  collector pauses >= 1 ms in window, server {label}: {gc['pauses']:g} "
                f"({gc['full']:g} full), longest {gc['max_ms']:g} ms, {gc['total_ms']:g} ms in all"
            )
        lines.extend(load_average_line(r.load_before))
        lines.append(
            "  enrichment: "
            + (
                "by a `nice -n 19 kefu enrich` worker (KEFU_ENRICH_IN_SERVER=false; its CPU is in"
                " 'rest of machine')"
                if r.enrichment == "worker"
                else "in the app processes (KEFU_ENRICH_IN_SERVER=true)"
            )
        )
    lines += ["", REDACTION_NOTE + "."]
    return "\n".join(lines)
