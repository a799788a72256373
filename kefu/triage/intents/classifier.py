"""The intent classifier: three models, two over sentence embeddings and one over n-grams.

* A support-vector machine with an RBF kernel over the message's sentence embedding: meaning,
  across languages and paraphrases (it carries what the n-grams cannot: a language with few
  examples, a new wording). On frozen sentence embeddings the kernel machine ranks intents
  clearly better than a linear model (Banking77 validation: 93.4 % against 92.1 %). It is
  trained one-against-one; a class's score is its number of won pairs plus a bounded share of
  its summed margins (scikit-learn's one-vs-rest view of one-vs-one), and a softmax of the
  scores at `vote_temperature` turns them into probabilities — sharp ones, that say little
  about how far a message is from every intent.
* A logistic regression over the same embedding: its probabilities are calibrated, and keep the
  confidence meaningful for the out-of-scope threshold.
* A logistic regression over TF-IDF of character n-grams inside word boundaries (robust to
  typos, inflection and scripts without spaces) and of words and word pairs (exact domain terms:
  "funding fee", "KYC", "P2P").

The two embedding models see each vector from the training set's mean, at unit length
(`_centred`). The SVM's decision values are computed by `PairDecision` (BLAS), and the n-gram
rows of a message by `FastTfidf`, both equal to scikit-learn's.

Their probabilities are blended with the shares in `blend` (SVM, embedding regression, n-grams):
models each fitted to its own features generalise better than one over all of them. The best
blended probability is the confidence; below `threshold` a message is out of scope (none of the
intents fits well; the threshold is tuned on held-out data where there is some).

A second encoder can be given (kefu's is English-only, `minilm-en`): its vectors get an SVM
and a regression of their own, and the probabilities are blended with `second_blend` instead
(each encoder weighted alike). Whether a model uses it is decided on its training data by
cross-validation (`kefu/triage/intents/selection.py`): on Banking77 it helps, on kefu's
fourteen-language examples it does not.

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
from kefu.triage.intents.ngrams import FastTfidf
from kefu.triage.intents.svm_decision import PairDecision

if TYPE_CHECKING:
    from scipy import sparse

Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClassifierConfig:
    # Subtract the training vectors' mean from every embedding and scale it back to unit length
    # before the two embedding models see it (see `_centred`).
    centre: bool = True
    svm_c: float = 30.0  # inverse regularisation of the RBF SVM over the embeddings
    svm_gamma: float = 1.0  # RBF width over unit vectors: exp(-gamma * |u - v|^2)
    vote_temperature: float = 0.5  # softmax temperature over the SVM's one-vs-one scores
    embedding_c: float = 30.0  # … of the logistic regression over the embeddings
    text_c: float = 100.0  # … and of the one over n-grams
    # Shares of the probabilities: SVM, embedding regression, n-gram regression (sum 1; a
    # model with share 0 is not trained).
    blend: tuple[float, float, float] = (0.4, 0.2, 0.4)
    # With a second encoder: SVM and regression over the first encoder's vectors, n-grams, SVM
    # and regression over the second's (sum 1).
    second_blend: tuple[float, float, float, float, float] = (0.2, 0.1, 0.4, 0.2, 0.1)
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


def _svm(c: float, gamma: float) -> Any:
    from sklearn.svm import SVC

    # One-vs-one decision values (computed by `PairDecision`); `pair_scores` turns them into
    # per-class scores, vectorised (scikit-learn's own one-vs-rest view loops in Python over
    # the pairs: ~30 ms a message with 77 classes).
    return SVC(C=c, kernel="rbf", gamma=gamma, decision_function_shape="ovo")


def pair_scores(decision: npt.NDArray[np.float64], classes: int) -> Probabilities:
    """Per-class scores from one-vs-one decision values (columns: pairs (0,1), (0,2), …,
    (1,2), …; positive means the first class of the pair won): the number of pairs a class won
    plus its summed margins squashed into (-1/3, 1/3), so that margins only break ties between
    equal vote counts. The same values as scikit-learn's `decision_function_shape="ovr"`."""
    rows = decision.shape[0]
    first, second = np.triu_indices(classes, k=1)
    offsets = (np.arange(rows) * classes)[:, None]
    winners = np.where(decision >= 0, first, second) + offsets
    size = rows * classes
    votes = np.bincount(winners.ravel(), minlength=size)
    margins = np.bincount(
        (first + offsets).ravel(), weights=decision.ravel(), minlength=size
    ) - np.bincount((second + offsets).ravel(), weights=decision.ravel(), minlength=size)
    margins = margins / (3 * (np.abs(margins) + 1))
    scores: Probabilities = (votes + margins).reshape(rows, classes)
    return scores


def softmax(scores: Probabilities, temperature: float) -> Probabilities:
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Probabilities = e / e.sum(axis=1, keepdims=True)
    return out


def _check_order(model: Any, order: list[str]) -> None:
    if [str(c) for c in model.classes_] != order:
        raise RuntimeError("a model's classes are not in the classifier's order")


def _blend(shares: Sequence[float], parts: Sequence[Probabilities]) -> Probabilities:
    """The probabilities of the models, weighted by their shares (both in the same order)."""
    result: Probabilities = np.zeros_like(parts[0])
    for share, part in zip(shares, parts, strict=True):
        result += share * part
    return result


def _centred(
    vectors: Vectors | npt.NDArray[np.float64], mean: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """`vectors` seen from `mean`, at unit length. A sentence encoder's vectors share one large
    common direction (two e5 vectors of unrelated messages have a cosine of about 0.8), so raw
    distances are all alike; seen from the training set's centre the RBF kernel and the
    regression see the differences between intents more clearly (Banking77, 5-fold
    cross-validation on the training set: 93.2 % against 93.0 % for the blend)."""
    x = np.asarray(vectors, dtype=np.float64) - mean
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: npt.NDArray[np.float64] = x / np.where(norms > 0.0, norms, 1.0)
    return out


class EncoderModels:
    """The two models over one encoder's vectors: an RBF SVM, whose one-vs-one votes a softmax
    turns into probabilities, and a logistic regression; both see the vectors centred on the
    training mean. A model is trained only if its share is positive."""

    def __init__(self, config: ClassifierConfig, svm: bool, regression: bool) -> None:
        self.config = config
        self.labels: list[str] = []
        self.mean: npt.NDArray[np.float64] = np.zeros(0)
        self.svm = _svm(config.svm_c, config.svm_gamma) if svm else None
        self.regression = _logistic(config.embedding_c, config.max_iter) if regression else None
        self._decision: PairDecision | None = None

    def fit(self, vectors: Vectors, labels: list[str], order: list[str]) -> None:
        x = np.asarray(vectors, dtype=np.float64)
        self.labels = order
        self.mean = x.mean(axis=0) if self.config.centre else np.zeros(x.shape[1])
        x = _centred(x, self.mean)
        if self.svm is not None:
            self.svm.fit(x, labels)
            self._decision = PairDecision(self.svm)
        if self.regression is not None:
            self.regression.fit(x, labels)
        for model in (self.svm, self.regression):
            if model is not None:
                _check_order(model, order)

    def proba(self, vectors: Vectors) -> tuple[Probabilities, Probabilities]:
        """(SVM, regression) probabilities; zeros for a model that was not trained."""
        x = _centred(vectors, self.mean)
        empty = np.zeros((len(x), len(self.labels)))
        svm = empty if self._decision is None else self._svm_proba(self._decision, x)
        regression = empty if self.regression is None else self.regression.predict_proba(x)
        return svm, regression

    def _svm_proba(self, decision: PairDecision, x: npt.NDArray[np.float64]) -> Probabilities:
        values = decision(x)
        if len(self.labels) == 2:  # one pair, positive for labels[1] (scikit-learn's sign)
            values = -values
        scores = pair_scores(np.reshape(values, (len(x), -1)), len(self.labels))
        return softmax(scores, self.config.vote_temperature)


class IntentClassifier:
    def __init__(self, config: ClassifierConfig | None = None) -> None:
        # scikit-learn loads here, not at import: processes that never classify skip it.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.config = config or ClassifierConfig()
        for shares, count in ((self.config.blend, 3), (self.config.second_blend, 5)):
            if len(shares) != count or min(shares) < 0.0 or abs(sum(shares) - 1.0) > 1e-9:
                raise ValueError(f"a blend must be {count} non-negative shares that sum to 1")
        self.threshold = self.config.threshold
        self.labels: list[str] = []
        self._first: EncoderModels | None = None
        self._second: EncoderModels | None = None  # the second encoder's, when it is used
        self._fast_ngrams: FastTfidf | None = None  # the n-gram rows, as the vectorizers make them
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
        self._text_model = _logistic(self.config.text_c, self.config.max_iter)

    @property
    def uses_second(self) -> bool:
        """Whether predictions need the second encoder's vectors too."""
        return self._second is not None

    def _fit_ngrams(self, texts: Sequence[str]) -> sparse.csr_matrix:
        from scipy import sparse

        chars = self._chars.fit_transform(texts)
        words = self._words.fit_transform(texts)
        self._fast_ngrams = FastTfidf([self._chars, self._words])
        return sparse.hstack([chars, words], format="csr")

    def _ngrams(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self._fast_ngrams is None:
            raise RuntimeError("the classifier has not been trained")
        return self._fast_ngrams.transform(texts)

    def _shares(self, second: bool) -> tuple[float, ...]:
        return self.config.second_blend if second else self.config.blend

    def fit(
        self,
        texts: Sequence[str],
        vectors: Vectors,
        labels: Sequence[str],
        second: Vectors | None = None,
    ) -> IntentClassifier:
        """Train on `vectors` (the first encoder's) and, if given, on `second` (the second
        encoder's vectors of the same texts)."""
        from sklearn.exceptions import ConvergenceWarning

        if not (len(texts) == len(vectors) == len(labels)):
            raise ValueError("texts, vectors and labels must have the same length")
        if second is not None and len(second) != len(texts):
            raise ValueError("the second encoder's vectors must be as many as the texts")
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two intents")
        self.labels = sorted({str(label) for label in labels})  # the models' column order
        y = [str(label) for label in labels]
        shares = list(self._shares(second is not None))
        if second is not None:  # also what `predict_proba_both` needs for the blend without it
            shares[:3] = [max(a, b) for a, b in zip(shares, self.config.blend, strict=False)]
        self._first = EncoderModels(self.config, shares[0] > 0, shares[1] > 0)
        self._second = None
        if second is not None:
            self._second = EncoderModels(self.config, shares[3] > 0, shares[4] > 0)
        with warnings.catch_warnings():
            # Stopping at max_iter on a well-separated set is fine; the model is still usable.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._first.fit(vectors, y, self.labels)
            if self._second is not None and second is not None:
                self._second.fit(second, y, self.labels)
            if shares[2]:
                self._text_model.fit(self._fit_ngrams(texts), y)
                _check_order(self._text_model, self.labels)
        return self

    def _parts(
        self, texts: Sequence[str], vectors: Vectors, second: Vectors | None
    ) -> list[Probabilities]:
        """Each model's probabilities, in the order of the shares (zeros for an untrained one)."""
        if self._first is None:
            raise RuntimeError("the classifier has not been trained")
        empty = np.zeros((len(texts), len(self.labels)))
        parts = list(self._first.proba(vectors))
        trained = self._fast_ngrams is not None
        parts.append(self._text_model.predict_proba(self._ngrams(texts)) if trained else empty)
        if self._second is not None:
            if second is None or len(second) != len(texts):
                raise ValueError("this model also needs the second encoder's vectors")
            parts.extend(self._second.proba(second))
        return parts

    def predict_proba(
        self, texts: Sequence[str], vectors: Vectors, second: Vectors | None = None
    ) -> Probabilities:
        """(len(texts), len(labels)) probabilities, columns in the order of `labels`;
        `second` (the second encoder's vectors) is needed when the model uses it."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        parts = self._parts(texts, vectors, second)
        return _blend(self._shares(self._second is not None), parts)

    def predict_proba_both(
        self, texts: Sequence[str], vectors: Vectors, second: Vectors
    ) -> tuple[Probabilities, Probabilities]:
        """For a model trained with a second encoder: the probabilities without it (the first
        encoder's models and the n-grams blended with `blend`, as a model trained without it
        would give them) and with it. Cross-validation compares the two on one fit."""
        if self._second is None:
            raise ValueError("this model was trained without a second encoder")
        parts = self._parts(texts, vectors, second)
        return _blend(self.config.blend, parts[:3]), _blend(self.config.second_blend, parts)

    def predict(
        self, texts: Sequence[str], vectors: Vectors, second: Vectors | None = None
    ) -> list[Prediction]:
        probabilities = self.predict_proba(texts, vectors, second)
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
    out_of_scope_named: npt.NDArray[np.bool_] | None = None,
) -> float:
    """The threshold with the most right answers over held-out in-scope and out-of-scope
    messages together, each message counting once (in-scope: predicted right and kept;
    out-of-scope: flagged). `out_of_scope_named` marks the out-of-scope messages the classifier
    already put in an out-of-scope intent of its own (kefu's `other`): they are right whatever
    the threshold. Ties go to the lowest threshold, which keeps the most answers."""
    named = (
        np.zeros(len(out_of_scope_confidence), dtype=bool)
        if out_of_scope_named is None
        else np.asarray(out_of_scope_named, dtype=bool)
    )
    if len(named) != len(out_of_scope_confidence):
        raise ValueError("out_of_scope_named must mark every out-of-scope message")
    candidates = np.unique(np.concatenate([in_scope_confidence, out_of_scope_confidence]))
    best, best_score = 0.0, -1
    for threshold in np.concatenate([[0.0], candidates]):
        kept = in_scope_confidence >= threshold
        score = int(np.sum(kept & in_scope_correct)) + int(
            np.sum(named | (out_of_scope_confidence < threshold))
        )
        if score > best_score:
            best, best_score = float(threshold), score
    return best
