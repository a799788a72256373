"""Cross-validated accuracy of kefu's intent classifier against its previous settings, on
Banking77's training set only (the test set is not read): stratified k-fold, out-of-fold
predictions, and the paired count of messages only one of the two gets right.

    .venv/bin/python bench/cv_intents.py              # 5 folds, seed 0 (about 8 CPU minutes)
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

from kefu.triage.embedding import DEFAULT_EMBEDDER, get_embedder
from kefu.triage.intents.classifier import ClassifierConfig, IntentClassifier

CONFIGS = {
    "kefu's": ClassifierConfig(),
    "previous (raw vectors, gamma 2, regression C 100)": ClassifierConfig(
        centre=False, svm_gamma=2.0, embedding_c=100.0
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the datasets")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER)
    args = parser.parse_args()
    from sklearn.model_selection import StratifiedKFold

    train = banking77(args.data)["train"]
    embedder = get_embedder(args.embedder)
    vectors = cached_vectors(embedder, train.texts, args.cache_dir, "banking77-train")
    labels = np.array(train.labels)
    right = {name: np.zeros(len(labels), dtype=bool) for name in CONFIGS}
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    for fold, (fit, held) in enumerate(folds.split(vectors, labels)):
        for name, config in CONFIGS.items():
            clf = IntentClassifier(config).fit(
                [train.texts[i] for i in fit], vectors[fit], labels[fit].tolist()
            )
            found = clf.predict([train.texts[i] for i in held], vectors[held])
            right[name][held] = [
                p.label == label for p, label in zip(found, labels[held], strict=True)
            ]
            print(f"fold {fold}: {name} {np.mean(right[name][held]) * 100:.2f}%", flush=True)
    print(f"Banking77 train, {args.folds}-fold out-of-fold accuracy ({len(labels)} messages):")
    for name in CONFIGS:
        print(f"  {name}: {np.mean(right[name]) * 100:.2f}%")
    ours, previous = right.values()
    only_ours, only_previous = int(np.sum(ours & ~previous)), int(np.sum(previous & ~ours))
    z = (only_ours - only_previous) / max(1.0, np.sqrt(only_ours + only_previous))
    print(
        f"  right only with kefu's: {only_ours}, only with the previous: {only_previous}"
        f" (z {z:.1f})"
    )


if __name__ == "__main__":
    main()
