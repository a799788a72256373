from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kefu.triage.duplicates import (
    Candidate,
    best_match,
    conflicting,
    from_bytes,
    ticket_text,
    to_bytes,
)
from kefu.triage.embedding import DIM, embed_queries


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_vectors_round_trip_through_bytes(seed: int) -> None:
    v = _unit(seed)
    data = to_bytes(v)
    assert len(data) == DIM * 4
    assert np.array_equal(from_bytes(data), v)


def test_ticket_text_adds_the_subject_only_when_it_says_more() -> None:
    assert ticket_text("My BTC withdrawal", "My BTC withdrawal  is stuck") == (
        "My BTC withdrawal is stuck"
    )
    assert ticket_text("Withdrawal", "It is stuck") == "Withdrawal. It is stuck"
    assert len(ticket_text("s", "x" * 5000)) == 1000


def test_money_directions_conflict() -> None:
    assert conflicting("My ETH withdrawal is stuck", "My ETH deposit is not credited")
    assert conflicting("提现一直显示处理中", "充值还没到账")
    assert not conflicting("My ETH withdrawal is stuck", "ETH withdrawal still pending")
    assert not conflicting("My ETH withdrawal is stuck", "Please help")  # one side has no cue


def test_best_match_takes_the_most_similar_above_the_threshold() -> None:
    base = _unit(1)
    near = base + 0.1 * _unit(2)
    near /= np.linalg.norm(near)
    far = _unit(3)
    candidates = [Candidate(10, "other", far), Candidate(11, "same", near)]
    match = best_match("text", base, candidates, threshold=0.9)
    assert match is not None
    assert match.ticket_id == 11
    assert match.similarity > 0.9
    assert best_match("text", base, [Candidate(10, "other", far)], threshold=0.9) is None
    assert best_match("text", base, [], threshold=0.9) is None


def test_best_match_skips_a_conflicting_candidate() -> None:
    base = _unit(1)
    candidates = [Candidate(5, "my deposit is missing", base)]
    assert best_match("my withdrawal is stuck", base, candidates, threshold=0.5) is None
    assert best_match("withdrawal stuck", base, [*candidates, Candidate(6, "withdraw", base)], 0.5)


def test_same_issue_is_more_similar_than_another_issue() -> None:
    v = embed_queries(
        [
            "My BTC withdrawal has been pending for 3 hours",
            "Where is my bitcoin withdrawal? Still not arrived after hours",
            "How do I enable two-factor authentication?",
        ]
    )
    same, other = float(v[0] @ v[1]), float(v[0] @ v[2])
    assert same >= 0.895 > other
