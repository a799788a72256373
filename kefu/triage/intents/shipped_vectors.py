"""`python -m kefu.triage.intents.shipped_vectors` (`make intent-vectors`): embed the shipped
examples with the default embedder and write data/examples.vectors.npz into the source tree.

Run it after editing data/examples.jsonl; a test fails while the file lacks a shipped example.
"""

from __future__ import annotations

from pathlib import Path

from kefu.triage.embedding import get_embedder
from kefu.triage.intents.examples import shipped_examples
from kefu.triage.intents.vector_cache import SHIPPED_VECTORS, VectorCache, embed_cached

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    embedder = get_embedder()
    texts = sorted({e.text for e in shipped_examples()})
    old = VectorCache.read(DATA / SHIPPED_VECTORS, embedder.name)
    fresh = VectorCache(embedder.name)
    vectors = embed_cached(embedder, texts, [old], fresh)
    out = VectorCache(embedder.name)
    for text, vector in zip(texts, vectors, strict=True):
        out.put(text, vector)
    out.write(DATA / SHIPPED_VECTORS)
    print(f"{len(texts)} vectors ({len(fresh)} newly embedded) -> {DATA / SHIPPED_VECTORS}")


if __name__ == "__main__":
    main()
