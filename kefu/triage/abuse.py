"""Abuse and spam signals: harassment scoring, flooding and repetition.

Harassment is scored two ways and the higher wins: a lexicon of insults and threats in the
languages kefu supports, and the embedding of the message compared with kefu's abusive examples
against its heated-but-legitimate and calm ones (kefu/triage/safety_examples.py). An angry
customer ("you are scammers, give my money back") is not abusive; an insult aimed at staff is.
Flooding and repetition look at one customer's recent messages. Everything here is pure; the
actions decide what a signal does (kefu/actions/restrictions.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher

import numpy as np

from kefu.domain import triage_thresholds as th
from kefu.triage.embedding import Vectors
from kefu.triage.safety_examples import ABUSIVE, CALM, HEATED

# Insults aimed at a person. Matched as whole words in spaced scripts, as substrings in CJK.
INSULTS = (
    # en
    "idiot",
    "moron",
    "retard",
    "asshole",
    "bitch",
    "bastard",
    "fuck you",
    "shut up",
    "shut your mouth",
    "worthless",
    "piece of shit",
    "piece of garbage",
    "loser",
    # es / pt / it
    "idiota",
    "imbécil",
    "imbecil",
    "estúpido",
    "estupido",
    "cállate",
    "pendejo",
    "gilipollas",
    "cabrón",
    "otário",
    "cala a boca",
    "stronzo",
    "coglione",
    # fr
    "crétin",
    "connard",
    "connasse",
    "ferme ta gueule",
    "abruti",
    "salope",
    # de
    "arschloch",
    "vollidiot",
    "halt die klappe",
    "dummkopf",
    "wichser",
    # ru
    "идиот",
    "дебил",
    "заткнись",
    "урод",
    "придурок",
    "мразь",
    # zh
    "白痴",
    "废物",
    "蠢货",
    "傻逼",
    "闭嘴",
    "滚蛋",
    "去死",
    # ja
    "バカ",
    "馬鹿",
    "クズ",
    "黙れ",
    "死ね",
    "役立たず",
    # ko
    "바보",
    "멍청",
    "닥쳐",
    "병신",
    "꺼져",
    # tr
    "aptal",
    "salak",
    "gerizekali",
    "kapa çeneni",
    "şerefsiz",
    # vi
    "đồ ngu",
    "đồ khốn",
    "im đi",
    "thằng ngu",
    # ar
    "غبي",
    "أحمق",
    "اخرس",
    "حقير",
    # id
    "bodoh",
    "goblok",
    "bangsat",
)

# Words that insult a person only in context ("you are stupid", not "a stupid mistake"): they
# count when the message also reads as abusive to the embedding.
WEAK_INSULTS = ("stupid", "dumb", "burro", "тупой", "тупая", "ngu")

# Threats: any of these makes a message severe.
THREATS = (
    "kill you",
    "hurt you",
    "find where you live",
    "find you",
    "i will find",
    "make you pay",
    "te voy a encontrar",
    "te mato",
    "vou te matar",
    "je vais te tuer",
    "ich bringe dich um",
    "я найду тебя",
    "убью",
    "我会找到你",
    "杀了你",
    "殺す",
    "죽여",
    "seni öldür",
    "giết mày",
    "سأقتلك",
    "سأجدك",
)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, runs of spaces collapsed, and Turkish dotless and
    dotted i folded to i ("YARDIM" and "yardım" read alike; lexicons are written with i)."""
    lowered = unicodedata.normalize("NFKC", text).lower().replace("i\u0307", "i")
    return " ".join(lowered.replace("ı", "i").split())


def _found(cue: str, text: str) -> bool:
    if _CJK.search(cue) or " " in cue:
        return cue in text
    return re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", text) is not None


def lexicon_hits(text: str) -> tuple[list[str], list[str], list[str]]:
    """The insults, weak insults and threats a (normalised) text contains."""
    return (
        [c for c in INSULTS if _found(c, text)],
        [c for c in WEAK_INSULTS if _found(c, text)],
        [c for c in THREATS if _found(c, text)],
    )


@dataclass(frozen=True)
class AbuseScore:
    score: float  # 0–1
    severe: bool
    cues: tuple[str, ...]
    similarity: float  # nearest abusive example minus nearest legitimate one

    @property
    def abusive(self) -> bool:
        return self.score >= th.ABUSE_SCORE


class AbuseScorer:
    """Scores messages; embeds its examples once, on first use."""

    def __init__(self, embed: Callable[[Sequence[str]], Vectors]) -> None:
        self._embed = embed
        self._abusive: Vectors | None = None
        self._legit: Vectors | None = None

    def _examples(self) -> tuple[Vectors, Vectors]:
        if self._abusive is None or self._legit is None:
            self._abusive = self._embed(list(ABUSIVE))
            self._legit = self._embed(list(HEATED + CALM))
        return self._abusive, self._legit

    def score(self, texts: Sequence[str], vectors: Vectors) -> list[AbuseScore]:
        abusive, legit = self._examples()
        margins = (vectors @ abusive.T).max(axis=1) - (vectors @ legit.T).max(axis=1)
        return [judge_abuse(text, float(m)) for text, m in zip(texts, margins, strict=True)]


def judge_abuse(text: str, margin: float | None) -> AbuseScore:
    """One message's score from the lexicons and, when the model read it, its margin (the
    nearest abusive example's similarity minus the nearest legitimate one's). Without a margin
    only the lexicons speak: weak insults need the model's context, so they do not count."""
    insults, weak, threats = lexicon_hits(normalise(text))
    if margin is not None and margin > 0:
        insults += weak
    # A margin of +0.05 over the nearest legitimate example reads as abuse.
    embedded = 0.0 if margin is None else float(np.clip(0.5 + (margin - 0.02) * 10, 0.0, 1.0))
    lexical = 0.0
    if insults:
        lexical = min(1.0, 0.6 + 0.15 * (len(insults) - 1))
    if threats:
        lexical = 1.0
    score = max(lexical, embedded) if lexical else embedded * 0.8
    return AbuseScore(
        score=round(score, 4),
        severe=bool(threats) or (score >= th.ABUSE_SEVERE and len(insults) >= 2),
        cues=tuple(insults + threats),
        similarity=round(margin or 0.0, 4),
    )


@dataclass(frozen=True)
class Recent:
    """One of a customer's recent inbound messages."""

    at: datetime
    text: str


@dataclass(frozen=True)
class FloodSignal:
    flood: bool
    repeats: int  # messages in the repeat window near-identical to the newest (itself included)
    rate: int  # messages in the flood window

    @property
    def violation(self) -> bool:
        return self.flood or self.repeats >= th.REPEAT_MESSAGES


def flood_signal(newest: Recent, earlier: Sequence[Recent]) -> FloodSignal:
    """Flooding and repetition, judged at the newest message from those before it."""
    flood_from = newest.at - timedelta(seconds=th.FLOOD_WINDOW_SECONDS)
    repeat_from = newest.at - timedelta(seconds=th.REPEAT_WINDOW_SECONDS)
    rate = 1 + sum(1 for m in earlier if flood_from <= m.at <= newest.at)
    text = normalise(newest.text)
    repeats = 1
    for m in earlier:
        if not repeat_from <= m.at <= newest.at:
            continue
        other = normalise(m.text)
        if other == text or (
            text and SequenceMatcher(None, text, other).ratio() >= th.REPEAT_SIMILARITY
        ):
            repeats += 1
    return FloodSignal(flood=rate > th.FLOOD_MESSAGES, repeats=repeats, rate=rate)
