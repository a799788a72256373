"""`kefu wfm simulate`: replay a contact center with per-language pools and routing policies."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from kefu.cli.wfm import Aht, AsJson, Patience, TargetSeconds, fail, wfm_app
from kefu.wfm.simulation import (
    Agent,
    Fifo,
    LanguagePriority,
    RoutingPolicy,
    Scenario,
    pools,
    simulate,
)

POLICIES: dict[str, Callable[[Sequence[Agent]], RoutingPolicy]] = {
    "fifo": lambda agents: Fifo(),
    "language_priority": LanguagePriority,
}


def _pairs(values: list[str], what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for value in values:
        key, _, number = value.partition("=")
        try:
            amount = float(number)
        except ValueError:
            raise ValueError(f"{what} {value!r}: use KEY=NUMBER") from None
        if not key.strip() or amount < 0:
            raise ValueError(f"{what} {value!r}: use KEY=NUMBER with a number >= 0")
        out[key.strip()] = out.get(key.strip(), 0.0) + amount
    return out


@wfm_app.command("simulate")
def simulate_command(
    arrivals: Annotated[
        list[str], typer.Option(help="Contacts per hour by language, e.g. en=200 (repeatable)")
    ],
    agents: Annotated[
        list[str],
        typer.Option(help="Agents by languages spoken, e.g. en=8 or en+ja=3 (repeatable)"),
    ],
    aht_seconds: Aht,
    patience_seconds: Patience = None,
    target_seconds: TargetSeconds = 20.0,
    hours: Annotated[float, typer.Option(min=0.1, max=10_000, help="Simulated hours")] = 100.0,
    policy: Annotated[
        list[str] | None, typer.Option(help=f"Routing policies to compare: {', '.join(POLICIES)}")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    as_json: AsJson = False,
) -> None:
    """Service level, abandonment and ASA per language under each routing policy."""
    try:
        rates = _pairs(arrivals, "arrivals")
        staff = {tuple(k.split("+")): int(v) for k, v in _pairs(agents, "agents").items()}
        pool = pools(staff)
        if not pool or aht_seconds <= 0 or (patience_seconds is not None and patience_seconds <= 0):
            raise ValueError("need agents, and a positive handle time and patience")
        names = policy or list(POLICIES)
        unknown = [n for n in names if n not in POLICIES]
        if unknown:
            raise ValueError(f"unknown policy {unknown[0]!r}: one of {', '.join(POLICIES)}")
    except ValueError as exc:
        raise fail(str(exc)) from None
    scenario = Scenario(rates, pool, aht_seconds, patience_seconds, target_seconds, hours)
    out: dict[str, Any] = {}
    for name in names:
        result = simulate(scenario, POLICIES[name](pool), seed=seed)
        out[name] = {
            "occupancy": round(result.occupancy, 4),
            "languages": {
                language: {
                    "offered": s.offered,
                    "service_level": round(s.service_level, 4),
                    "abandonment": round(s.abandonment, 4),
                    "asa_seconds": round(s.asa_seconds, 2),
                }
                for language, s in result.by_language.items()
            },
        }
    if as_json:
        typer.echo(json.dumps(out))
        return
    for name, figures in out.items():
        typer.echo(f"{name} (occupancy {figures['occupancy']:.3f})")
        for language, s in figures["languages"].items():
            typer.echo(
                f"  {language:6} SL {s['service_level']:.3f}  abandonment {s['abandonment']:.3f}"
                f"  ASA {s['asa_seconds']:.1f} s  ({s['offered']} contacts)"
            )
