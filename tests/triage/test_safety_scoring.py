from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kefu.triage.abuse import AbuseScorer
from kefu.triage.embedding import Vectors, embed_queries
from kefu.triage.safety_scoring import SafetyScoring
from kefu.triage.sentiment import SentimentScorer


class Recording:
    """The real embedder, remembering which texts it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, texts: Sequence[str]) -> Vectors:
        self.asked.extend(texts)
        return embed_queries(texts)


def test_the_model_reads_only_what_it_is_asked_to_and_the_ticket_texts() -> None:
    embed = Recording()
    scoring = SafetyScoring(embed)
    scoring(["warm up"], [True], [])  # the examples are embedded once, on first use
    embed.asked.clear()
    bodies = ["you idiot, answer me", "ok thanks", "please help me, I am desperate"]
    scores = scoring(bodies, [True, False, True], ["Withdrawal\nok thanks"])
    assert embed.asked == [
        "you idiot, answer me",
        "please help me, I am desperate",
        "Withdrawal\nok thanks",
    ]
    assert scores.model_read == 2
    assert scores.ticket_vectors.shape == (1, 384)
    np.testing.assert_allclose(
        scores.ticket_vectors[0], embed_queries(["Withdrawal\nok thanks"])[0], rtol=1e-6
    )
    read = [bodies[0], bodies[2]]
    vectors = embed_queries(read)
    assert [scores.abuse[0], scores.abuse[2]] == AbuseScorer(embed_queries).score(read, vectors)
    assert [scores.tone[0], scores.tone[2]] == SentimentScorer(embed_queries).score(read, vectors)
    assert scores.abuse[0].abusive
    assert scores.tone[2].label == "distressed"
    assert not scores.abuse[1].abusive
    assert scores.abuse[1].score == 0.0
    assert scores.tone[1].label == "neutral"


def test_a_batch_of_plain_lines_never_calls_the_model() -> None:
    embed = Recording()
    scores = SafetyScoring(embed)(["ok", "still waiting"], [False, False], [])
    assert embed.asked == []  # not even the examples
    assert scores.model_read == 0
    assert scores.ticket_vectors.shape == (0, 384)
    assert [a.abusive for a in scores.abuse] == [False, False]
    assert [t.label for t in scores.tone] == ["neutral", "neutral"]
