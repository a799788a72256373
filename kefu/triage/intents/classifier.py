"""The intent classifier: two linear models, over sentence embeddings and over n-grams.

* A logistic regression over the message's sentence embedding: meaning, across languages and
  paraphrases (it carries what the n-grams cannot: a language with few examples, a new wording).
* A logistic regression over TF-IDF of character n-grams inside word boundaries (robust to
  typos, inflection and scripts without spaces) and of words and word pairs (exact domain terms:
  "funding fee", "KYC", "P2P").

Their probabilities are blended (`blend` is the embedding model's share). Two models, each
regularised for its own features, generalise better than one over both: on Banking77's
validation split the blend beat the single joint model. The best blended probability is the
confidence; below `threshold` a message is out of scope (none of the intents fits well; the
threshold is tuned on held-out data where there is some).

The same class trains kefu's own model and the benchmark models (Banking77, CLINC150), so the
figures in docs/benchmarks.md describe what kefu runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kefu.triage.embedding import Vectors

if TYPE_CHECKING:
    from scipy import sparse

Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClassifierConfig:
    embedding_c: float = 100.0  # inverse regularisation of the embedding model
    text_c: float = 100.0  # … and of the n-gram model
    blend: float = 0.7  # the embedding model's share of the probabilities (1: embeddings only)
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    max_iter: int = 1000
    threshold: float = 0.0  # below this best probability a message is out of scope


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    out_of_scope: bool


def _logistic(c: float, max_iter: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=max_iter)


class IntentClassifier:
    def __init__(self, config: ClassifierConfig | None = None) -> None:
        # scikit-learn loads here, not at import: processes that never classify skip it.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.config = config or ClassifierConfig()
        if not 0.0 <= self.config.blend <= 1.0:
            raise ValueError("blend must be between 0 and 1")
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
        self._embedding_model = _logistic(self.config.embedding_c, self.config.max_iter)
        self._text_model = _logistic(self.config.text_c, self.config.max_iter)

    @property
    def _uses_text(self) -> bool:
        return self.config.blend < 1.0

    def _ngrams(self, texts: Sequence[str], fit: bool = False) -> sparse.csr_matrix:
        from scipy import sparse

        if fit:
            chars = self._chars.fit_transform(texts)
            words = self._words.fit_transform(texts)
        else:
            chars = self._chars.transform(texts)
            words = self._words.transform(texts)
        return sparse.hstack([chars, words], format="csr")

    def fit(
        self, texts: Sequence[str], vectors: Vectors, labels: Sequence[str]
    ) -> IntentClassifier:
        from sklearn.exceptions import ConvergenceWarning

        if not (len(texts) == len(vectors) == len(labels)):
            raise ValueError("texts, vectors and labels must have the same length")
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two intents")
        with warnings.catch_warnings():
            # Stopping at max_iter on a well-separated set is fine; the model is still usable.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._embedding_model.fit(np.asarray(vectors, dtype=np.float64), list(labels))
            if self._uses_text:
                self._text_model.fit(self._ngrams(texts, fit=True), list(labels))
        self.labels = [str(label) for label in self._embedding_model.classes_]
        return self

    def predict_proba(self, texts: Sequence[str], vectors: Vectors) -> Probabilities:
        """(len(texts), len(labels)) probabilities, columns in the order of `labels`."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        blend = self.config.blend
        result: Probabilities = self._embedding_model.predict_proba(
            np.asarray(vectors, dtype=np.float64)
        )
        if self._uses_text:
            text = self._text_model.predict_proba(self._ngrams(texts))
            result = blend * result + (1.0 - blend) * text
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
    """The threshold with the most right answers over held-out in-scope and out-of-scope
    messages together, each message counting once (in-scope: predicted right and kept;
    out-of-scope: flagged). Ties go to the lowest threshold, which keeps the most answers."""
    candidates = np.unique(np.concatenate([in_scope_confidence, out_of_scope_confidence]))
    best, best_score = 0.0, -1
    for threshold in np.concatenate([[0.0], candidates]):
        kept = in_scope_confidence >= threshold
        score = int(np.sum(kept & in_scope_correct)) + int(
            np.sum(out_of_scope_confidence < threshold)
        )
        if score > best_score:
            best, best_score = float(threshold), score
    return best
