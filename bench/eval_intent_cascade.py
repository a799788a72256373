"""What a cascade would buy: the n-gram model first, the encoder only when it is unsure.

The encoder is nearly all of a message's classification cost, and the n-gram model alone is
cheap (about a millisecond). A cascade answers with the n-gram model when its best probability
reaches a threshold and embeds (then blends, as kefu does) only the rest. This measures, on a
validation split of Banking77's *training* set (the last tenth of a seed-0 permutation; the test
set is not used), the accuracy and the share of messages embedded at several thresholds, and
the CPU time per message of the cascade (n-grams, then embed + classify when unsure) for 300
validation messages, one at a time on one core, with an embedder that has not seen them.

    .venv/bin/python bench/eval_intent_cascade.py
    .venv/bin/python bench/eval_intent_cascade.py --thresholds 0.5 0.8
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy and the embedder load

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_intents import pin_to_one_core
from intent_data import DEFAULT_CACHE, DEFAULT_DATA, banking77, cached_vectors

from kefu.triage.embedding import DEFAULT_EMBEDDER, fresh_embedder, get_embedder
from kefu.triage.intents.classifier import IntentClassifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    )
    parser.add_argument("--latency", type=int, default=300, help="messages timed per threshold")
    args = parser.parse_args()

    train = banking77(args.data)["train"]
    embedder = get_embedder(DEFAULT_EMBEDDER)
    vectors = cached_vectors(embedder, train.texts, args.cache_dir, "banking77-train")
    order = np.random.default_rng(0).permutation(len(train.texts))
    cut = len(order) - len(order) // 10
    fit, val = order[:cut], order[cut:]
    clf = IntentClassifier().fit(
        [train.texts[i] for i in fit], vectors[fit], [train.labels[i] for i in fit]
    )
    texts = [train.texts[i] for i in val]
    truth = np.array([train.labels[i] for i in val])
    labels = np.array(clf.labels)
    blended = labels[clf.predict_proba(texts, vectors[val]).argmax(axis=1)]
    ngram = clf._text_model.predict_proba(clf._ngrams(texts))
    share = np.mean(blended == truth)
    print(f"Banking77 validation ({len(texts)} messages): kefu's blend {share:.2%}")
    print(f"n-grams alone {np.mean(labels[ngram.argmax(axis=1)] == truth):.2%}")

    cpu = pin_to_one_core()
    timed = texts[: args.latency]
    print(f"threshold | accuracy | embedded | CPU p50 / p95 ms ({len(timed)} messages, CPU {cpu})")
    for threshold in args.thresholds:
        sure = ngram.max(axis=1) >= threshold
        answer = np.where(sure, labels[ngram.argmax(axis=1)], blended)
        fresh = fresh_embedder(DEFAULT_EMBEDDER)  # one that has not seen these texts
        fresh.embed_queries(["warm up"])
        spent = []
        for text in timed:
            start = time.thread_time()
            probabilities = clf._text_model.predict_proba(clf._ngrams([text]))
            if probabilities.max() < threshold:
                clf.predict_proba([text], fresh.embed_queries([text]))
            spent.append(1000 * (time.thread_time() - start))
        p50, p95 = np.percentile(spent, [50, 95])
        print(
            f"{threshold:9.2f} | {np.mean(answer == truth):8.2%} | {1 - np.mean(sure):8.1%} |"
            f" {p50:.1f} / {p95:.1f}"
        )


if __name__ == "__main__":
    main()
