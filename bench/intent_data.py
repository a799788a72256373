"""Datasets for the intent benchmark (Banking77, CLINC150) and a cache of their embeddings.

Embedding 40,000 utterances costs about ten CPU minutes, so vectors are cached on disk under
the cache directory, one file per (dataset, split, embedder, texts) — a changed text or embedder
gives a new file name, never a stale vector.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kefu.triage.embedding import Embedder, Vectors

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_CACHE = ROOT / "var" / "bench-cache"
BATCH = 64


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]


def banking77(data: Path) -> dict[str, Split]:
    out = {}
    for split in ("train", "test"):
        with (data / "banking77" / f"{split}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        out[split] = Split([r["text"] for r in rows], [r["category"] for r in rows])
    return out


def clinc150(data: Path) -> dict[str, Split]:
    raw = json.loads((data / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    return {
        split: Split([t for t, _ in rows], [label for _, label in rows])
        for split, rows in raw.items()
    }


def cached_vectors(
    embedder: Embedder, texts: list[str], cache: Path, tag: str, log: bool = True
) -> Vectors:
    digest = hashlib.sha256(embedder.name.encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = cache / f"{tag}-{digest.hexdigest()[:16]}.npy"
    if path.exists():
        return np.load(path)
    cache.mkdir(parents=True, exist_ok=True)
    parts = []
    for start in range(0, len(texts), BATCH):
        parts.append(embedder.embed_queries(texts[start : start + BATCH]))
        if log and start % (BATCH * 20) == 0:
            print(f"  {tag}: {start}/{len(texts)} embedded", file=sys.stderr, flush=True)
    vectors = np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors
