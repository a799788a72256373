"""`kefu wfm staff` and `kefu wfm metrics`: Erlang C and Erlang A staffing from the shell.

The forecasting, simulation and planning commands join the same group from their own modules.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from kefu.wfm.erlang import (
    Metrics,
    StaffingError,
    agents_for_slots,
    erlang_a_metrics,
    erlang_c_metrics,
    staff_erlang_a,
    staff_erlang_c,
    with_shrinkage,
)

wfm_app = typer.Typer(
    help="Workforce management: forecasts, staffing, simulation and shift plans.",
    no_args_is_help=True,
)

Arrivals = Annotated[float, typer.Option(help="Contacts arriving per hour")]
Aht = Annotated[float, typer.Option(help="Mean handle time per contact, in seconds")]
Patience = Annotated[
    float | None,
    typer.Option(help="Mean patience before a waiting contact hangs up (Erlang A); none: Erlang C"),
]
TargetSeconds = Annotated[float, typer.Option(help="Answer within this many seconds")]
Shrinkage = Annotated[
    float, typer.Option(help="Share of paid time agents are unavailable (breaks, training)")
]
Concurrency = Annotated[int, typer.Option(help="Chats one agent handles at once")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def fail(message: str) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise (status 2: bad input)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _report(
    metrics: Metrics, concurrency: int, shrinkage: float, as_json: bool, model: str
) -> None:
    agents = agents_for_slots(metrics.agents, concurrency)
    out: dict[str, Any] = {
        "agents": agents,
        "service_level": round(metrics.service_level, 6),
        "asa_seconds": round(metrics.asa_seconds, 3) if metrics.asa_seconds < 1e300 else None,
        "occupancy": round(metrics.occupancy, 6),
        "abandonment": round(metrics.abandonment, 6),
        "p_wait": round(metrics.p_wait, 6),
        "scheduled_agents": with_shrinkage(agents, shrinkage),
        "model": model,
    }
    if as_json:
        typer.echo(json.dumps(out))
        return
    for key, value in out.items():
        typer.echo(f"{key:17} {value}")


@wfm_app.command("staff")
def staff(
    arrivals_per_hour: Arrivals,
    aht_seconds: Aht,
    target_seconds: TargetSeconds,
    target_level: Annotated[float, typer.Option(help="Share answered within the target, 0-1")],
    patience_seconds: Patience = None,
    max_occupancy: Annotated[float, typer.Option(help="Highest acceptable occupancy")] = 1.0,
    max_abandonment: Annotated[
        float, typer.Option(help="Highest acceptable abandonment share (Erlang A)")
    ] = 1.0,
    shrinkage: Shrinkage = 0.0,
    concurrency: Concurrency = 1,
    as_json: AsJson = False,
) -> None:
    """The least agents meeting the service-level target (Erlang A with --patience-seconds).

    "agents" are agents handling contacts; "scheduled_agents" adds shrinkage.
    """
    try:
        if patience_seconds is None:
            metrics = staff_erlang_c(
                arrivals_per_hour, aht_seconds, target_seconds, target_level, max_occupancy
            )
        else:
            metrics = staff_erlang_a(
                arrivals_per_hour,
                aht_seconds,
                patience_seconds,
                target_seconds,
                target_level,
                max_occupancy,
                max_abandonment,
            )
        _report(
            metrics,
            concurrency,
            shrinkage,
            as_json,
            "erlang_c" if patience_seconds is None else "erlang_a",
        )
    except StaffingError as exc:
        raise fail(str(exc)) from None


@wfm_app.command("metrics")
def metrics(
    agents: Annotated[int, typer.Option(help="Agents handling contacts")],
    arrivals_per_hour: Arrivals,
    aht_seconds: Aht,
    target_seconds: TargetSeconds = 20.0,
    patience_seconds: Patience = None,
    shrinkage: Shrinkage = 0.0,
    concurrency: Concurrency = 1,
    as_json: AsJson = False,
) -> None:
    """Service level, ASA, occupancy and abandonment a given number of agents delivers."""
    try:
        if concurrency < 1:
            raise StaffingError("concurrency must be >= 1")
        slots = agents * concurrency
        if patience_seconds is None:
            result = erlang_c_metrics(slots, arrivals_per_hour, aht_seconds, target_seconds)
        else:
            result = erlang_a_metrics(
                slots, arrivals_per_hour, aht_seconds, patience_seconds, target_seconds
            )
        _report(
            result,
            concurrency,
            shrinkage,
            as_json,
            "erlang_c" if patience_seconds is None else "erlang_a",
        )
    except StaffingError as exc:
        raise fail(str(exc)) from None


def register(app: typer.Typer) -> None:
    # The other wfm commands attach themselves to wfm_app when imported.
    from kefu.cli import wfm_forecast, wfm_history, wfm_plan, wfm_simulate  # noqa: F401

    app.add_typer(wfm_app, name="wfm")
