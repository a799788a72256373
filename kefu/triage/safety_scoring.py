"""Abuse and tone of a batch of inbound messages, with the embedding model only where it is
needed (kefu/domain/enrichment_plan.py `needs_safety_model`).

The caller says which messages the model should read; those, and the texts of newly opened
tickets (for duplicates and incidents), are embedded together, once each. The other messages
are judged from their cues alone (`judge_abuse` / `judge_tone` without the model), which, since
no cue fired on them, finds them not abusive and neutral unless a lexicon says otherwise.
Pure: no I/O, runs in the enrichment thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kefu.triage.abuse import AbuseScore, AbuseScorer, judge_abuse
from kefu.triage.embedding import DIM, Vectors
from kefu.triage.sentiment import Sentiment, SentimentScorer, judge_tone

Embed = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True)
class SafetyScores:
    ticket_vectors: Vectors  # one row per ticket text, in order
    abuse: list[AbuseScore]  # one per message, in order
    tone: list[Sentiment]
    model_read: int  # messages the model read


class SafetyScoring:
    """Scores batches; the scorers embed their examples once, on first use."""

    def __init__(self, embed: Embed) -> None:
        self._embed = embed
        self._abuse = AbuseScorer(embed)
        self._tone = SentimentScorer(embed)

    def __call__(
        self, bodies: Sequence[str], use_model: Sequence[bool], ticket_texts: Sequence[str]
    ) -> SafetyScores:
        read = [body for body, wanted in zip(bodies, use_model, strict=True) if wanted]
        unique = list(dict.fromkeys([*read, *ticket_texts]))  # a ticket's text is often a body
        embedded = self._embed(unique) if unique else np.zeros((0, DIM), dtype=np.float32)
        row = {text: n for n, text in enumerate(unique)}
        abuse_read: list[AbuseScore] = []
        tone_read: list[Sentiment] = []
        if read:
            vectors = embedded[[row[t] for t in read]]
            abuse_read = self._abuse.score(read, vectors)
            tone_read = self._tone.score(read, vectors)
        abuse_of = iter(abuse_read)
        tone_of = iter(tone_read)
        abuse: list[AbuseScore] = []
        tone: list[Sentiment] = []
        for body, wanted in zip(bodies, use_model, strict=True):
            abuse.append(next(abuse_of) if wanted else judge_abuse(body, None))
            tone.append(next(tone_of) if wanted else judge_tone(body, None))
        return SafetyScores(
            ticket_vectors=embedded[[row[t] for t in ticket_texts]],
            abuse=abuse,
            tone=tone,
            model_read=len(read),
        )
