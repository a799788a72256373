"""Sentiment and urgency: is the customer distressed or angry, and what should the agent do?

The embedding of a message is compared with kefu's distressed, angry and calm examples
(kefu/triage/safety_examples.py); cue words and shouting (!!!, capitals) add to it. Pure: the
enricher (kefu/actions/triage_enricher.py) boosts the ticket's priority and leaves the agent a
tone hint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kefu.domain import triage_thresholds as th
from kefu.triage.abuse import normalise
from kefu.triage.embedding import Vectors
from kefu.triage.safety_examples import ANGRY, DISTRESSED, NEUTRAL

LABELS = ("distressed", "angry", "neutral")

CUES: dict[str, tuple[str, ...]] = {
    "distressed": (
        "help me",
        "please help",
        "urgent",
        "desperate",
        "all my money",
        "all my savings",
        "hacked",
        "stolen",
        "ayuda",
        "urgente",
        "roubad",
        "socorro",
        "aidez",
        "hilfe",
        "помогите",
        "срочно",
        "взлом",
        "救命",
        "求求",
        "被盗",
        "急",
        "助けて",
        "盗まれ",
        "도와주세요",
        "해킹",
        "yardim",
        "acil",
        "giúp",
        "gấp",
        "ساعدوني",
        "عاجل",
    ),
    "angry": (
        "unacceptable",
        "ridiculous",
        "furious",
        "scam",
        "worst",
        "disgrace",
        "inaceptable",
        "vergüenza",
        "absurdo",
        "estafa",
        "scandaleux",
        "inadmissible",
        "frechheit",
        "unverschämt",
        "возмутительно",
        "мошенник",
        "太离谱",
        "骗子",
        "投诉",
        "ひどい",
        "詐欺",
        "사기",
        "화가",
        "rezalet",
        "dolandirici",
        "lừa đảo",
        "مخز",
        "نصب",
    ),
}

TONE_HINTS = {
    "distressed": (
        "Customer is distressed: acknowledge how they feel, be concrete about the next steps "
        "and when they will hear back."
    ),
    "angry": (
        "Customer is angry: stay calm, do not argue, own the delay and give a clear timeline."
    ),
}


@dataclass(frozen=True)
class Sentiment:
    label: str  # distressed | angry | neutral
    score: float  # 0–1 for the label
    scores: dict[str, float]

    @property
    def needs_care(self) -> bool:
        return self.label != "neutral"

    @property
    def hint(self) -> str:
        return TONE_HINTS.get(self.label, "")


MIN_LETTERS = 6


def _too_short(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) < MIN_LETTERS


def _shouting(text: str) -> float:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    caps = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 12 else 0.0
    return min(1.0, 0.5 * (text.count("!") >= 3) + (0.5 if caps > 0.7 else 0.0))


class SentimentScorer:
    """Scores messages; embeds its examples once, on first use."""

    def __init__(self, embed: Callable[[Sequence[str]], Vectors]) -> None:
        self._embed = embed
        self._examples: list[Vectors] | None = None

    def _vectors(self) -> list[Vectors]:
        if self._examples is None:
            self._examples = [self._embed(list(x)) for x in (DISTRESSED, ANGRY, NEUTRAL)]
        return self._examples

    def score(self, texts: Sequence[str], vectors: Vectors) -> list[Sentiment]:
        nearest = np.stack([(vectors @ ex.T).max(axis=1) for ex in self._vectors()], axis=1)
        margins = nearest[:, :2] - nearest[:, 2:]  # over the nearest calm example
        return [
            judge_tone(text, (float(m[0]), float(m[1])))
            for text, m in zip(texts, margins, strict=True)
        ]


def judge_tone(text: str, margins: tuple[float, float] | None) -> Sentiment:
    """One message's tone from its cues and, when the model read it, its margins (distressed,
    angry) over the nearest calm example. Without the model the margins count as even (0), so
    only cue words and shouting can lift a label."""
    lowered = normalise(text)
    margin = margins or (0.0, 0.0)
    scores: dict[str, float] = {}
    for i, label in enumerate(LABELS[:2]):
        cue = 0.25 if any(c in lowered for c in CUES[label]) else 0.0
        shout = 0.2 * _shouting(text) if label == "angry" else 0.0
        scores[label] = round(float(np.clip(0.5 + (margin[i] - 0.01) * 8 + cue + shout, 0, 1)), 4)
    label = max(scores, key=lambda k: scores[k])
    cued = any(c in lowered for name in LABELS[:2] for c in CUES[name])
    if scores[label] < th.SENTIMENT_SCORE or (_too_short(text) and not cued):
        label = "neutral"  # a few characters ("ok", "c13") carry no tone of their own
    scores["neutral"] = round(1.0 - max(scores.values()), 4)
    return Sentiment(label, scores[label], scores)
