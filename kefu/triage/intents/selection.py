"""Whether an intent model should also read a second encoder, decided on its training data.

kefu's second encoder is English-only (`minilm-en`). On a large English training set it adds
what the multilingual encoder misses (Banking77, 5-fold cross-validation on the training set:
93.72 % against 93.23 %); on kefu's own examples, fourteen languages with a few dozen examples
per intent and language, it lowers accuracy, English included (93.63 % → 87.72 % overall,
92.76 % → 90.66 % on English: docs/benchmarks.md). So neither answer is right for every
deployment: the model asks its own data.

`choose_encoders` splits the training set into stratified folds (seed fixed, so a retrain on
the same data decides the same), trains one classifier per fold with both encoders and compares
the held-out predictions with and without the second one (the blend without it is exactly what a
model trained without it predicts: the same models, `blend`'s shares). The second encoder is
used only if it gets more messages right by a clear margin: `min_z` standard errors of the
paired difference (messages right only with it against messages right only without it), so
noise on a small set does not bring in a second encoder's cost.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kefu.triage.embedding import Vectors
from kefu.triage.intents.classifier import ClassifierConfig, IntentClassifier

FOLDS = 3
MIN_Z = 2.0


@dataclass(frozen=True)
class EncoderChoice:
    use_second: bool
    folds: int  # 0: too few examples per intent to cross-validate
    messages: int
    right_without: int  # held-out messages right with the first encoder alone
    right_with: int  # … and with both encoders
    only_with: int  # right only with both
    only_without: int  # right only without the second
    z: float  # (only_with - only_without) / sqrt(only_with + only_without)
    reason: str

    def summary(self) -> dict[str, object]:
        return {
            "use_second": self.use_second,
            "folds": self.folds,
            "messages": self.messages,
            "right_without": self.right_without,
            "right_with": self.right_with,
            "z": round(self.z, 2),
            "reason": self.reason,
        }


def choose_encoders(
    texts: Sequence[str],
    vectors: Vectors,
    second: Vectors,
    labels: Sequence[str],
    config: ClassifierConfig | None = None,
    *,
    folds: int = FOLDS,
    min_z: float = MIN_Z,
    seed: int = 0,
) -> EncoderChoice:
    """Cross-validate the classifier with and without `second` (the second encoder's vectors
    of `texts`) and say whether to use it."""
    from sklearn.model_selection import StratifiedKFold

    if not (len(texts) == len(vectors) == len(second) == len(labels)):
        raise ValueError("texts, both encoders' vectors and labels must have the same length")
    y = np.array([str(label) for label in labels])
    smallest = min(Counter(y.tolist()).values(), default=0)
    splits = min(folds, smallest)
    if splits < 2 or len(set(y.tolist())) < 2:
        return EncoderChoice(
            False, 0, len(y), 0, 0, 0, 0, 0.0, "too few examples per intent to cross-validate"
        )
    config = config or ClassifierConfig()
    right_without = np.zeros(len(y), dtype=bool)
    right_with = np.zeros(len(y), dtype=bool)
    folding = StratifiedKFold(splits, shuffle=True, random_state=seed)
    for fit, held in folding.split(np.zeros(len(y)), y):
        clf = IntentClassifier(config).fit(
            [texts[i] for i in fit], vectors[fit], y[fit].tolist(), second=second[fit]
        )
        without, with_second = clf.predict_proba_both(
            [texts[i] for i in held], vectors[held], second[held]
        )
        order = np.array(clf.labels)
        right_without[held] = order[without.argmax(axis=1)] == y[held]
        right_with[held] = order[with_second.argmax(axis=1)] == y[held]
    only_with = int(np.sum(right_with & ~right_without))
    only_without = int(np.sum(right_without & ~right_with))
    z = (only_with - only_without) / math.sqrt(only_with + only_without or 1)
    use = z >= min_z
    reason = (
        f"right with both encoders {int(right_with.sum())}, with the first alone "
        f"{int(right_without.sum())} of {len(y)} held-out messages ({splits}-fold); "
        f"z {z:.2f} {'≥' if use else '<'} {min_z}"
    )
    return EncoderChoice(
        use,
        splits,
        len(y),
        int(right_without.sum()),
        int(right_with.sum()),
        only_with,
        only_without,
        z,
        reason,
    )


def fit_chosen(
    texts: Sequence[str],
    vectors: Vectors,
    labels: Sequence[str],
    second: Vectors | None,
    config: ClassifierConfig | None = None,
) -> tuple[IntentClassifier, EncoderChoice | None]:
    """The classifier trained on all of `texts`, with the second encoder's vectors if they are
    given and cross-validation says they help; and that choice (None: no second encoder)."""
    if second is None:
        return IntentClassifier(config).fit(texts, vectors, labels), None
    choice = choose_encoders(texts, vectors, second, labels, config)
    clf = IntentClassifier(config).fit(
        texts, vectors, labels, second=second if choice.use_second else None
    )
    return clf, choice
