"""TF-IDF rows of fitted scikit-learn `TfidfVectorizer`s, side by side, without their per-call
overhead.

`TfidfVectorizer.transform` spends about 0.4 ms a call on validation and matrix plumbing,
twenty times what its analyzer takes to cut a short message into n-grams, and kefu classifies
one message at a time through two of them (characters and words) and a `hstack`. `FastTfidf`
computes the same rows from each vectorizer's own analyzer, vocabulary and idf weights: counts,
the sublinear or raw term frequency, the idf and the L2 norm, as scikit-learn does (a test
holds them equal to 1e-12), the vectorizers' columns one after the other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse


class _Part:
    def __init__(self, vectorizer: Any, offset: int) -> None:
        if vectorizer.norm not in ("l2", None) or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError(
                "FastTfidf reads non-binary vectorizers with idf weights and the L2 or no norm"
            )
        self.analyse: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.l2 = vectorizer.norm == "l2"
        self.offset = offset

    def row(self, text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        vocabulary = self.vocabulary
        counts = Counter(vocabulary[g] for g in self.analyse(text) if g in vocabulary)
        column = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        value = np.fromiter((counts[c] for c in column), dtype=np.float64, count=len(column))
        if self.sublinear:
            value = np.log(value) + 1.0
        value *= self.idf[column]
        if self.l2 and len(value):
            value /= np.sqrt(np.dot(value, value))
        return column + self.offset, value


class FastTfidf:
    def __init__(self, vectorizers: Sequence[Any]) -> None:
        """`vectorizers`: fitted `TfidfVectorizer`s; their columns are laid side by side."""
        self._parts = []
        offset = 0
        for vectorizer in vectorizers:
            self._parts.append(_Part(vectorizer, offset))
            offset += len(vectorizer.idf_)
        self.width = offset

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        from scipy import sparse

        indptr = [0]
        columns: list[npt.NDArray[np.int64]] = []
        values: list[npt.NDArray[np.float64]] = []
        for text in texts:
            stored = 0
            for part in self._parts:
                column, value = part.row(text)
                columns.append(column)
                values.append(value)
                stored += len(column)
            indptr.append(indptr[-1] + stored)
        return sparse.csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64),
                np.array(indptr, dtype=np.int64),
            ),
            shape=(len(texts), self.width),
        )
