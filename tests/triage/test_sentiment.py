from __future__ import annotations

from kefu.domain.enums import Priority
from kefu.domain.triage_thresholds import boosted
from kefu.triage.embedding import embed_queries
from kefu.triage.sentiment import SentimentScorer


def test_labels_across_languages() -> None:
    texts = [
        "My account was hacked and all my money is gone, please help!!",
        "我的钱全被盗了，求求你们",
        "This is a disgrace, four days and no answer, you are scammers",
        "Estoy harto, es una estafa",
        "How do I enable 2FA?",
        "Thanks, it arrived",
    ]
    got = [s.label for s in SentimentScorer(embed_queries).score(texts, embed_queries(texts))]
    assert got == ["distressed", "distressed", "angry", "angry", "neutral", "neutral"]


def test_hints_and_boosts() -> None:
    scored = SentimentScorer(embed_queries).score(
        ["please help me, I am desperate"], embed_queries(["please help me, I am desperate"])
    )
    assert scored[0].needs_care
    assert scored[0].hint.startswith("Customer is distressed")
    assert boosted(Priority.NORMAL) == Priority.HIGH
    assert boosted(Priority.URGENT) == Priority.URGENT


def test_a_few_characters_carry_no_tone_without_a_cue() -> None:
    texts = ["c13", "ok", "a7", "?", "scam!!"]
    got = [s.label for s in SentimentScorer(embed_queries).score(texts, embed_queries(texts))]
    assert got[:4] == ["neutral"] * 4
