"""Prometheus metrics: request latency histograms and tickets by status.

With several worker processes (`kefu serve --workers N`) each writes to a shared directory
(`PROMETHEUS_MULTIPROC_DIR`, set by `kefu serve`) and `/metrics` aggregates them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_LATENCY = Histogram(
    "kefu_http_request_duration_seconds",
    "HTTP request latency by method, route template and status",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TICKETS_BY_STATUS = Gauge(
    "kefu_tickets", "Tickets by status", ["status"], multiprocess_mode="mostrecent"
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(method, route, str(status)).observe(seconds)


def set_ticket_counts(counts: dict[str, int], statuses: list[str]) -> None:
    for status in statuses:
        TICKETS_BY_STATUS.labels(status).set(counts.get(status, 0))


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
