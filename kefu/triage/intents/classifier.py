"""The intent classifier: a linear model over sentence embeddings and character n-grams.

Features of a message:

* its sentence embedding (multilingual: carries meaning across languages and paraphrases),
  scaled by `embedding_weight` so it weighs against the sparse features;
* TF-IDF of character n-grams inside word boundaries (robust to typos, inflection and to
  scripts without spaces: Chinese, Japanese);
* TF-IDF of words and word pairs (the exact domain terms: "funding fee", "KYC", "P2P").

One multinomial logistic regression reads them all, so `predict_proba` is a calibrated-enough
confidence. A message whose best probability is below `threshold` is out of scope: none of the
intents fits well (the threshold is tuned on held-out data where there is some).

The same class trains kefu's own model and the benchmark models (Banking77, CLINC150), so the
figures in docs/benchmarks.md describe what kefu runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kefu.triage.embedding import Vectors

if TYPE_CHECKING:
    from scipy import sparse

Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClassifierConfig:
    embedding_weight: float = 6.0
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    c: float = 10.0  # inverse regularisation strength of the logistic regression
    max_iter: int = 300
    threshold: float = 0.0  # below this best probability a message is out of scope


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    out_of_scope: bool


class IntentClassifier:
    def __init__(self, config: ClassifierConfig | None = None) -> None:
        # scikit-learn loads here, not at import: processes that never classify skip it.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.config = config or ClassifierConfig()
        self.threshold = self.config.threshold
        self.labels: list[str] = []
        self._chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.config.char_ngrams,
            sublinear_tf=True,
            min_df=2,
            lowercase=True,
        )
        self._words = TfidfVectorizer(
            analyzer="word",
            ngram_range=self.config.word_ngrams,
            sublinear_tf=True,
            min_df=1,
            lowercase=True,
            token_pattern=r"(?u)\b\w+\b",
        )
        self._model = LogisticRegression(C=self.config.c, max_iter=self.config.max_iter)

    def _features(
        self, texts: Sequence[str], vectors: Vectors, fit: bool = False
    ) -> sparse.csr_matrix:
        from scipy import sparse

        if fit:
            chars = self._chars.fit_transform(texts)
            words = self._words.fit_transform(texts)
        else:
            chars = self._chars.transform(texts)
            words = self._words.transform(texts)
        weight = self.config.embedding_weight
        dense = sparse.csr_matrix(np.asarray(vectors, dtype=np.float64) * weight)
        return sparse.hstack([dense, chars, words], format="csr")

    def fit(
        self, texts: Sequence[str], vectors: Vectors, labels: Sequence[str]
    ) -> IntentClassifier:
        from sklearn.exceptions import ConvergenceWarning

        if not (len(texts) == len(vectors) == len(labels)):
            raise ValueError("texts, vectors and labels must have the same length")
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two intents")
        features = self._features(texts, vectors, fit=True)
        with warnings.catch_warnings():
            # Stopping at max_iter on a well-separated set is fine; the model is still usable.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._model.fit(features, list(labels))
        self.labels = [str(label) for label in self._model.classes_]
        return self

    def predict_proba(self, texts: Sequence[str], vectors: Vectors) -> Probabilities:
        """(len(texts), len(labels)) probabilities, columns in the order of `labels`."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        result: Probabilities = self._model.predict_proba(self._features(texts, vectors))
        return result

    def predict(self, texts: Sequence[str], vectors: Vectors) -> list[Prediction]:
        probabilities = self.predict_proba(texts, vectors)
        best = probabilities.argmax(axis=1) if len(texts) else np.zeros(0, dtype=int)
        out = []
        for row, index in zip(probabilities, best, strict=True):
            confidence = float(row[index])
            out.append(Prediction(self.labels[index], confidence, confidence < self.threshold))
        return out


def tune_threshold(
    in_scope_confidence: npt.NDArray[np.float64],
    in_scope_correct: npt.NDArray[np.bool_],
    out_of_scope_confidence: npt.NDArray[np.float64],
) -> float:
    """The threshold that maximises accuracy over in-scope and out-of-scope messages together
    (in-scope: predicted right and kept; out-of-scope: flagged), weighting both halves equally."""
    candidates = np.unique(np.concatenate([in_scope_confidence, out_of_scope_confidence]))
    best, best_score = 0.0, -1.0
    for threshold in np.concatenate([[0.0], candidates]):
        kept = in_scope_confidence >= threshold
        in_score = float(np.mean(kept & in_scope_correct)) if len(kept) else 0.0
        oos_score = (
            float(np.mean(out_of_scope_confidence < threshold))
            if len(out_of_scope_confidence)
            else 0.0
        )
        score = in_score + oos_score
        if score > best_score:
            best, best_score = float(threshold), score
    return best
