"""Charts a supervisor reads at a glance, as PNG bytes (matplotlib, Agg backend, lazily).

- forecast against actual contacts per interval;
- required against scheduled agents per interval, one panel per language.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def forecast_chart(
    starts: Sequence[datetime],
    forecast: Sequence[float],
    actual_starts: Sequence[datetime] = (),
    actual: Sequence[float] = (),
    title: str = "Contacts per interval",
) -> bytes:
    """Forecast (line) against actual contacts (dots) over time."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4))
    if actual:
        ax.plot(actual_starts, actual, ".", color="#444444", markersize=3, label="actual")
    ax.plot(starts, forecast, "-", color="#d9480f", linewidth=1.5, label="forecast")
    ax.set_title(title)
    ax.set_ylabel("contacts")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return _png(fig)


def staffing_chart(
    starts: Sequence[datetime],
    required: Mapping[str, Sequence[int]],
    scheduled: Mapping[str, Sequence[int]],
) -> bytes:
    """Required (steps) against scheduled agents (filled), one panel per language."""
    plt = _pyplot()
    languages = sorted(required)
    fig, axes = plt.subplots(
        len(languages), 1, figsize=(10, 2.4 * max(1, len(languages))), squeeze=False
    )
    for ax, language in zip(axes[:, 0], languages, strict=True):
        ax.fill_between(
            starts,
            scheduled.get(language, [0] * len(starts)),
            step="post",
            alpha=0.35,
            color="#1c7ed6",
            label="scheduled",
        )
        ax.step(starts, required[language], where="post", color="#c92a2a", label="required")
        ax.set_ylabel(f"{language} agents")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return _png(fig)
