"""`python -m kefu.triage.intents.shipped_vectors` (`make intent-vectors`): embed the shipped
examples with the default embedder, and with the English encoder offered as a second one, and
write data/examples.vectors.npz and data/examples.vectors.second.npz into the source tree.

Run it after editing data/examples.jsonl; a test fails while a file lacks a shipped example.
"""

from __future__ import annotations

from pathlib import Path

from kefu.triage.embedding import DEFAULT_EMBEDDER, ENGLISH_EMBEDDER, Embedder, get_embedder
from kefu.triage.intents.examples import shipped_examples
from kefu.triage.intents.vector_cache import (
    SHIPPED_SECOND_VECTORS,
    SHIPPED_VECTORS,
    VectorCache,
    embed_cached,
)

DATA = Path(__file__).resolve().parent / "data"


def write(embedder: Embedder, texts: list[str], path: Path) -> None:
    old = VectorCache.read(path, embedder.name)
    fresh = VectorCache(embedder.name)
    vectors = embed_cached(embedder, texts, [old], fresh)
    if not len(fresh) and len(old) == len(texts):  # same texts: leave the file's bytes alone
        print(f"{len(texts)} vectors, none new: {path} is up to date")
        return
    out = VectorCache(embedder.name)
    for text, vector in zip(texts, vectors, strict=True):
        out.put(text, vector)
    out.write(path)
    print(f"{len(texts)} vectors ({len(fresh)} newly embedded) -> {path}")


def main() -> None:
    texts = sorted({e.text for e in shipped_examples()})
    write(get_embedder(DEFAULT_EMBEDDER), texts, DATA / SHIPPED_VECTORS)
    write(get_embedder(ENGLISH_EMBEDDER), texts, DATA / SHIPPED_SECOND_VECTORS)


if __name__ == "__main__":
    main()
