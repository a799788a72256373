"""Collector pauses of a process, for bench/chat_load.py --gc-stats (not part of kefu).

The bench puts this directory first on PYTHONPATH of the servers it starts, so Python imports
this module at start-up. When KEFU_BENCH_GC_DIR is set, every garbage collection is timed
(gc.callbacks) and, at most once a second, the process writes `<pid>.json` there: per
generation the number of collections and their total time, and each collection of 1 ms or more
with its start (time.perf_counter, the bench's clock) so the bench can keep those in its window.
"""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path
from typing import Any

_DIR = os.environ.get("KEFU_BENCH_GC_DIR")
_started = [0.0, 0.0]  # this collection, the last write
_counts = [0, 0, 0]
_totals = [0.0, 0.0, 0.0]
_long: list[tuple[float, float, int]] = []  # (start, seconds, generation) of those >= 1 ms


def _write() -> None:
    assert _DIR is not None
    document = {"counts": _counts, "seconds": _totals, "long": _long}
    path = Path(_DIR) / f"{os.getpid()}.json"
    path.with_suffix(".tmp").write_text(json.dumps(document))
    path.with_suffix(".tmp").replace(path)


def _callback(phase: str, info: dict[str, Any]) -> None:
    now = time.perf_counter()
    if phase == "start":
        _started[0] = now
        return
    generation = info["generation"]
    spent = now - _started[0]
    _counts[generation] += 1
    _totals[generation] += spent
    if spent >= 0.001:
        _long.append((_started[0], spent, generation))
    if now - _started[1] >= 1.0:
        _started[1] = now
        _write()


if _DIR:
    gc.callbacks.append(_callback)
