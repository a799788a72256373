"""From forecast contacts per interval to agents required per interval and language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kefu.wfm.erlang import StaffingError, agents_for_slots, staff_erlang_a, staff_erlang_c
from kefu.wfm.erlang import with_shrinkage as add_shrinkage


@dataclass(frozen=True)
class ServiceTarget:
    """What each interval must deliver, and how agents work."""

    aht_seconds: float
    target_seconds: float = 20.0
    target_level: float = 0.8
    patience_seconds: float | None = None  # None: Erlang C
    max_occupancy: float = 1.0
    shrinkage: float = 0.0
    concurrency: int = 1


def required_agents(
    counts: Sequence[float], interval_minutes: int, target: ServiceTarget
) -> list[int]:
    """Scheduled agents needed in each interval (after shrinkage) for ``counts`` contacts."""
    out = []
    for count in counts:
        if count < 0:
            raise StaffingError("contact counts must be >= 0")
        if count == 0:
            out.append(0)
            continue
        per_hour = count * 60.0 / interval_minutes
        if target.patience_seconds is None:
            metrics = staff_erlang_c(
                per_hour,
                target.aht_seconds,
                target.target_seconds,
                target.target_level,
                target.max_occupancy,
            )
        else:
            metrics = staff_erlang_a(
                per_hour,
                target.aht_seconds,
                target.patience_seconds,
                target.target_seconds,
                target.target_level,
                target.max_occupancy,
            )
        agents = agents_for_slots(metrics.agents, target.concurrency)
        out.append(add_shrinkage(agents, target.shrinkage))
    return out


def split_by_language(
    counts: Sequence[float], shares: Mapping[str, float]
) -> dict[str, list[float]]:
    """Contacts per language from a total and each language's share (normalised to 1)."""
    total = sum(shares.values())
    if not shares or total <= 0 or any(v < 0 for v in shares.values()):
        raise StaffingError("language shares must be non-negative and not all zero")
    return {lang: [c * share / total for c in counts] for lang, share in shares.items()}
