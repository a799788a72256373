from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.triage.abuse import INSULTS, THREATS, WEAK_INSULTS, judge_abuse
from kefu.triage.safety_cues import AFFECT, LONG_LINE, safety_cue
from kefu.triage.sentiment import CUES, judge_tone

PLAIN = [
    "hello?",
    "is anyone there?",
    "ok thanks",
    "still waiting",
    "the tx id is 0x8f3a9c1e",
    "I sent it over TRC20, was that wrong?",
    "it says processing since 12 hours",
    "yes I can send a screenshot",
    "¿cuánto tarda normalmente?",
    "好的，谢谢",
    "はい、わかりました",
]
CUED = [
    "you idiot",
    "Sen tam bir salaksın",  # an insult with a suffix
    "I will find you",
    "this is a scam",
    "Mein Konto wurde gehackt, bitte helfen Sie",
    "Я в бешенстве",
    "你们这是什么服务，气死我了",
    "일주일째 답이 없네요, 정말 화납니다",
    "why is nobody answering!",
    "WHERE IS MY MONEY RIGHT NOW",
    "x" * LONG_LINE,
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_chat_lines_have_no_cue(text: str) -> None:
    assert safety_cue(text) is None


@pytest.mark.parametrize("text", CUED)
def test_heated_lines_have_a_cue(text: str) -> None:
    assert safety_cue(text) is not None


WORDS = st.sampled_from(
    [*INSULTS, *WEAK_INSULTS, *THREATS, *CUES["angry"], *CUES["distressed"], *AFFECT]
)
FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(FILLER, WORDS, FILLER, st.sampled_from([str.lower, str.upper, str.title]))
def test_every_lexicon_word_is_a_cue(
    before: str, word: str, after: str, case: Callable[[str], str]
) -> None:
    text = f"{before} {case(word)} {after}"
    assert safety_cue(text) is not None


@given(st.lists(st.one_of(FILLER, WORDS), max_size=6).map(" ".join))
def test_without_a_cue_the_lexicons_find_nothing(text: str) -> None:
    """Skipping the model on an uncued line loses nothing the lexicons would have found: the cues
    cover every lexicon match and every shouting or cue word that lifts a tone."""
    if safety_cue(text) is None:
        assert not judge_abuse(text, None).abusive
        assert not judge_abuse(text, None).cues
        assert judge_tone(text, None).label == "neutral"


@pytest.mark.parametrize("text", ["YARDIM EDİN", "yardım edin", "Yardım"])
def test_turkish_dotless_and_dotted_i_read_alike(text: str) -> None:
    assert safety_cue(text) == "yardim"
