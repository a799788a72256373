"""Embeddings of training texts kept on disk, so retraining does not embed them again.

A cache belongs to one embedder (its `name` is stored with the vectors); a cache of another
embedder is ignored. Texts are keyed by their SHA-1. kefu ships the vectors of its own examples
(data/examples.vectors.npz for the multilingual encoder, data/examples.vectors.second.npz for
the English one offered as a second encoder; float16), so a model trains in seconds right after
install; the vectors of corrections go to a cache under KEFU_DATA_DIR.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from kefu.triage.embedding import Embedder, Vectors

SHIPPED_VECTORS = "examples.vectors.npz"
SHIPPED_SECOND_VECTORS = "examples.vectors.second.npz"
BATCH = 64


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).digest()


class VectorCache:
    def __init__(self, embedder_name: str) -> None:
        self.embedder_name = embedder_name
        self._vectors: dict[bytes, Vectors] = {}
        self.dirty = False

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, text: str) -> Vectors | None:
        return self._vectors.get(text_key(text))

    def put(self, text: str, vector: Vectors) -> None:
        self._vectors[text_key(text)] = vector
        self.dirty = True

    @classmethod
    def read(cls, path: Path | None, embedder_name: str) -> VectorCache:
        """The cache at `path`; empty when there is none or it belongs to another embedder."""
        cache = cls(embedder_name)
        if path is None or not path.exists():
            return cache
        with np.load(path, allow_pickle=False) as data:
            if str(data["embedder"]) != embedder_name:
                return cache
            keys, vectors = data["keys"], data["vectors"].astype(np.float32)
        cache._vectors = {k.tobytes(): v for k, v in zip(keys, vectors, strict=True)}
        return cache

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Digests as rows of 20 bytes (a fixed-width bytes dtype would drop trailing NULs).
        keys = np.frombuffer(b"".join(self._vectors), dtype=np.uint8).reshape(-1, 20)
        vectors = np.stack(list(self._vectors.values())) if self._vectors else np.zeros((0, 1))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez_compressed(
            tmp,
            embedder=np.array(self.embedder_name),
            keys=keys,
            vectors=vectors.astype(np.float16),
        )
        tmp.replace(path)
        self.dirty = False


def shipped_cache(embedder_name: str) -> VectorCache:
    """The vectors kefu ships for its own examples (empty for an embedder it ships none of)."""
    for name in (SHIPPED_VECTORS, SHIPPED_SECOND_VECTORS):
        resource = resources.files("kefu.triage.intents").joinpath("data", name)
        with resources.as_file(resource) as path:
            cache = VectorCache.read(path, embedder_name)
        if len(cache):
            return cache
    return VectorCache(embedder_name)


def embed_cached(
    embedder: Embedder, texts: Sequence[str], caches: Sequence[VectorCache], store: VectorCache
) -> Vectors:
    """Vectors of `texts`, taken from `caches` where present; the rest are embedded (as
    queries) and put into `store`."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing: list[int] = []
    for i, text in enumerate(texts):
        for cache in (*caches, store):
            vector = cache.get(text)
            if vector is not None:
                out[i] = vector
                break
        else:
            missing.append(i)
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        vectors = embedder.embed_queries([texts[i] for i in chunk])
        for i, vector in zip(chunk, vectors, strict=True):
            out[i] = vector
            store.put(texts[i], vector)
    return out
