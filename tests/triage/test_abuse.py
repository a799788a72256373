from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kefu.domain import triage_thresholds as th
from kefu.triage.abuse import AbuseScorer, Recent, flood_signal, lexicon_hits, normalise
from kefu.triage.embedding import embed_queries

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_lexicon_matches_whole_words_and_cjk_substrings() -> None:
    insults, _, _ = lexicon_hits(normalise("You IDIOT"))
    assert insults == ["idiot"]
    assert lexicon_hits(normalise("idiotic app"))[0] == []  # not a whole word
    assert lexicon_hits(normalise("你这个废物"))[0] == ["废物"]
    assert lexicon_hits(normalise("I will find where you live"))[2]


def test_scores_insults_and_threats_in_many_languages_but_not_anger() -> None:
    texts = [
        "you are a complete idiot",
        "eres un imbécil",
        "du Vollidiot",
        "このバカ",
        "I will hurt you",
        "This is unacceptable, I want my money back!",
        "我非常生气，三天了还没有到账",
        "please check my deposit",
    ]
    scores = AbuseScorer(embed_queries).score(texts, embed_queries(texts))
    assert [s.abusive for s in scores] == [True] * 5 + [False] * 3
    assert scores[4].severe  # a threat
    assert not scores[0].severe


@given(st.integers(min_value=0, max_value=30), st.floats(min_value=0.05, max_value=5))
def test_flood_counts_messages_in_the_window(count: int, gap: float) -> None:
    earlier = [Recent(T0 - timedelta(seconds=gap * (i + 1)), f"message {i}") for i in range(count)]
    signal = flood_signal(Recent(T0, "newest"), earlier)
    in_window = sum(1 for m in earlier if T0 - m.at <= timedelta(seconds=th.FLOOD_WINDOW_SECONDS))
    assert signal.rate == in_window + 1
    assert signal.flood == (signal.rate > th.FLOOD_MESSAGES)


def test_repeats_count_near_identical_messages() -> None:
    earlier = [
        Recent(T0 - timedelta(seconds=5), "ANSWER ME NOW"),
        Recent(T0 - timedelta(seconds=10), "answer me now!"),
        Recent(T0 - timedelta(seconds=15), "what about my deposit"),
        Recent(T0 - timedelta(seconds=500), "answer me now"),  # outside the window
    ]
    signal = flood_signal(Recent(T0, "answer me now"), earlier)
    assert signal.repeats == 3
    assert signal.violation
    assert not flood_signal(Recent(T0, "hello"), earlier).violation
