"""Is a new ticket about something the customer already has open?

Pure functions over embeddings (kefu/triage/embedding.py): the text a ticket is known by, the
stored form of its vector, and the best open ticket it duplicates. The threshold is in
kefu/domain/triage_thresholds.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kefu.domain.triage_thresholds import DUPLICATE_SIMILARITY
from kefu.triage.embedding import DIM, Vectors

MAX_TEXT_CHARS = 1000

# Opposite directions of money: a stuck withdrawal is not a missing deposit, however alike the
# sentences are. Cue words per direction in the languages kefu's examples cover.
_DIRECTIONS: dict[str, tuple[str, ...]] = {
    "in": (
        "deposit",
        "credited",
        "top up",
        "top-up",
        "depósit",
        "dépôt",
        "einzahl",
        "депозит",
        "пополн",
        "зачисл",
        "充值",
        "入金",
        "입금",
        "yatır",
        "nạp",
        "pix",
        "إيداع",
    ),
    "out": (
        "withdraw",
        "retir",
        "saque",
        "sacar",
        "retrait",
        "auszahl",
        "вывод",
        "выве",
        "提现",
        "提币",
        "出金",
        "출금",
        "çek",
        "rút",
        "سحب",
    ),
}


def ticket_text(subject: str, body: str) -> str:
    """What a ticket is compared by: its first message, with the subject when it adds words."""
    body = " ".join(body.split())
    subject = " ".join(subject.split())
    text = body if not subject or body.startswith(subject) else f"{subject}. {body}"
    return text[:MAX_TEXT_CHARS]


def to_bytes(vector: Vectors) -> bytes:
    return np.asarray(vector, dtype="<f4").reshape(DIM).tobytes()


def from_bytes(data: bytes) -> Vectors:
    return np.frombuffer(data, dtype="<f4").reshape(DIM)


def directions(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(d for d, cues in _DIRECTIONS.items() if any(c in lowered for c in cues))


def conflicting(a: str, b: str) -> bool:
    """One text is only about money coming in and the other only about money going out."""
    da, db = directions(a), directions(b)
    return len(da) == 1 and len(db) == 1 and da != db


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    text: str
    vector: Vectors


@dataclass(frozen=True)
class Match:
    ticket_id: int
    similarity: float


def best_match(
    text: str,
    vector: Vectors,
    candidates: Sequence[Candidate],
    threshold: float = DUPLICATE_SIMILARITY,
) -> Match | None:
    """The most similar candidate at or above the threshold that does not conflict."""
    if not candidates:
        return None
    sims = np.stack([c.vector for c in candidates]) @ vector.reshape(DIM)
    for index in np.argsort(-sims):
        similarity = float(sims[index])
        if similarity < threshold:
            return None
        candidate = candidates[int(index)]
        if not conflicting(text, candidate.text):
            return Match(candidate.ticket_id, similarity)
    return None


def is_duplicate(text_a: str, text_b: str, similarity: float, threshold: float) -> bool:
    """The decision best_match makes for one pair (the evaluation uses it)."""
    return similarity >= threshold and not conflicting(text_a, text_b)
