"""When a customer's message should escalate their ticket by itself (pure; no I/O).

- **Asking for a supervisor**: a phrase asking to speak to a manager, supervisor or someone in
  charge, in each language kefu supports (`ASKS`, matched as written, after normalising case,
  compatibility forms and apostrophes). The bare words (`WORDS`: "manager", "主管", …) count
  only when the classifier read the ticket as a `complaint`, since "my account manager" or
  "the manager app" are not requests. A phrase or word that is negated does not count ("I
  don't need to speak to a manager", "不用找你们经理", "上司と話す必要はない"): a negation word
  among the few words before it in the same clause (`NEGATIONS_BEFORE`; in Chinese, a
  negation such as 不用 or 别 within a few characters before it) or, in languages that negate
  after the verb (Japanese, Korean, Turkish), a negation right after it (`NEGATIONS_AFTER`).
  A clause that ends in a question mark is a request whatever its negation ("Why can't I
  speak to a manager?", "¿No puedo hablar con un supervisor?").
- **Contacting again about the same unresolved issue**: the ticket the message lands on took in
  another ticket of the customer's (a duplicate merged into it), or it was reopened after being
  solved and the customer writes to it again.

kefu/actions/escalation.py acts on these, once per trigger and escalation level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kefu.triage.abuse import normalise

# Phrases that ask for someone above the agent; one entry per way of saying it.
ASKS: dict[str, tuple[str, ...]] = {
    "en": (
        "speak to a manager",
        "speak to your manager",
        "speak with a manager",
        "speak with your manager",
        "talk to a manager",
        "talk to your manager",
        "speak to a supervisor",
        "speak to your supervisor",
        "speak with a supervisor",
        "talk to a supervisor",
        "talk to your supervisor",
        "i want a manager",
        "i want a supervisor",
        "i want your manager",
        "get me a manager",
        "get me a supervisor",
        "get me your manager",
        "escalate this",
        "escalate my",
        "your superior",
        "someone in charge",
        "someone higher up",
    ),
    "es": (
        "hablar con un supervisor",
        "hablar con el supervisor",
        "hablar con un gerente",
        "hablar con el gerente",
        "hablar con un responsable",
        "hablar con el responsable",
        "hablar con tu superior",
        "hablar con su superior",
        "quiero un supervisor",
        "pásame con un supervisor",
    ),
    "pt": (
        "falar com um supervisor",
        "falar com o supervisor",
        "falar com um gerente",
        "falar com o gerente",
        "falar com o responsável",
        "falar com um responsável",
        "quero um supervisor",
        "quero falar com o seu superior",
    ),
    "fr": (
        "parler à un responsable",
        "parler au responsable",
        "parler à un superviseur",
        "parler à un manager",
        "parler à votre supérieur",
        "parler au directeur",
        "je veux un responsable",
    ),
    "de": (
        "mit einem vorgesetzten sprechen",
        "mit ihrem vorgesetzten sprechen",
        "mit dem vorgesetzten sprechen",
        "mit einem manager sprechen",
        "mit einem supervisor sprechen",
        "ich will einen vorgesetzten",
        "ich möchte einen vorgesetzten",
    ),
    "ru": (
        "позовите начальника",
        "позовите руководителя",
        "позовите менеджера",
        "позовите старшего",
        "поговорить с руководителем",
        "поговорить с начальником",
        "поговорить с менеджером",
        "соедините с руководителем",
        "соедините с начальником",
    ),
    "uk": (
        "покличте керівника",
        "покличте менеджера",
        "поговорити з керівником",
        "поговорити з менеджером",
        "з'єднайте з керівником",
    ),
    "zh": (
        "找你们经理",
        "找你们主管",
        "叫你们经理",
        "叫你们主管",
        "我要找经理",
        "我要找主管",
        "找负责人",
        "转主管",
        "转经理",
        "找你們經理",
        "找你們主管",
    ),
    "ja": (
        "責任者を出して",
        "責任者と話",
        "責任者に代わって",
        "上司を出して",
        "上司と話",
        "上司に代わって",
        "マネージャーと話",
        "責任者につないで",
    ),
    "ko": (
        "관리자 바꿔",
        "관리자와 통화",
        "관리자랑 이야기",
        "책임자 바꿔",
        "책임자와 통화",
        "책임자와 이야기",
        "매니저 바꿔",
        "상급자와 이야기",
    ),
    "tr": (
        "yöneticiyle görüşmek",
        "yöneticinizle görüşmek",
        "yetkiliyle görüşmek",
        "bir yetkiliyle",
        "amirinizle görüşmek",
        "müdürle görüşmek",
    ),
    "vi": (
        "gặp quản lý",
        "nói chuyện với quản lý",
        "gặp người quản lý",
        "gặp cấp trên",
        "nói chuyện với cấp trên",
        "gặp giám sát",
    ),
    "ar": (
        "التحدث إلى المدير",
        "التحدث مع المدير",
        "التحدث مع مشرف",
        "التحدث إلى مشرف",
        "أريد مشرف",
        "أريد المدير",
        "التحدث مع المسؤول",
    ),
    "id": (
        "bicara dengan manajer",
        "bicara dengan atasan",
        "bicara dengan supervisor",
        "minta atasan",
        "hubungkan dengan atasan",
        "panggil atasan",
        "panggil manajer",
    ),
}

# Words for someone above the agent: a request only in a complaint. In spaced scripts they
# match as whole words, or, ending in "*", as the start of a word (so inflected forms count:
# руководителя, yöneticiniz).
WORDS: tuple[str, ...] = (
    "manager",
    "managers",
    "supervisor",
    "supervisors",
    "escalate",
    "escalation",
    "gerente",
    "responsable",
    "superviseur",
    "vorgesetzte*",
    "руководител*",
    "начальник*",
    "керівник*",
    "经理",
    "主管",
    "經理",
    "責任者",
    "上司",
    "관리자",
    "책임자",
    "yönetici*",
    "quản lý",
    "المدير",
    "مشرف",
    "atasan",
    "manajer",
)

# Words that negate a request that follows them in the same clause (spaced scripts: whole
# words among the three before the request; Chinese: characters among the four before it).
NEGATIONS_BEFORE: frozenset[str] = frozenset(
    {
        # en
        "not", "don't", "dont", "doesn't", "never",
        # es, pt, fr, de
        "no", "nunca", "não", "nao", "ne", "pas", "jamais", "nicht", "kein", "keinen",
        # ru, uk
        "не", "нет", "ні",
        # vi, ar, id
        "không", "chẳng", "đừng", "لا", "لن", "لست", "tidak", "tak", "gak", "nggak", "jangan",
    }
)  # fmt: skip
NEGATIONS_BEFORE_CJK: tuple[str, ...] = (
    "不用", "不要", "不必", "不需要", "没必要", "沒必要", "无需", "無需", "别", "別",
)  # fmt: skip
# Negations that follow the request (verb-final languages), a few characters after it. Only
# unambiguous ones: a polite Japanese or Korean request is often a negative question
# ("代わってもらえませんか", "바꿔 주시면 안 될까요").
NEGATIONS_AFTER: tuple[str, ...] = (
    # ja
    "必要はない", "必要ない", "なくていい", "なくても", "不要", "結構です", "いらない",
    # ko
    "안 해도", "않아도", "필요 없", "필요없", "지 마",
    # tr
    "istemiyorum", "istemem", "gerek yok", "gerekmiyor",
)  # fmt: skip
_CLAUSE = re.compile(r"[.!?;,:。！？；，、؟،]")

COMPLAINT = "complaint"
_ALL_ASKS = tuple(dict.fromkeys(normalise(p) for phrases in ASKS.values() for p in phrases))
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _word_pattern(word: str) -> re.Pattern[str] | None:
    if _CJK.search(word):
        return None  # no spaces between words: a substring
    stem = word.removesuffix("*")
    end = "" if word.endswith("*") else r"(?!\w)"
    return re.compile(rf"(?<!\w){re.escape(stem)}{end}")


_WORDS = tuple((w.removesuffix("*"), _word_pattern(w)) for w in WORDS)


def _prepare(text: str) -> str:
    return normalise(text.translate(_APOSTROPHES))


@dataclass(frozen=True)
class _Reach:
    """How far from a cue a negation counts: words before it, characters before it in Chinese,
    characters after it."""

    words: int
    cjk: int
    after: int


# A phrase is the request itself; a bare word sits further from its verb ("I don't want to
# talk to the manager").
_PHRASE_REACH = _Reach(words=3, cjk=4, after=12)
_WORD_REACH = _Reach(words=6, cjk=8, after=24)


def _negated(text: str, start: int, end: int, reach: _Reach) -> bool:
    before = text[:start]
    before = before[max((m.end() for m in _CLAUSE.finditer(before)), default=0) :]
    after = text[end:]
    stop = _CLAUSE.search(after)
    if stop and stop.group() in "?？؟":
        return False  # "Why can't I speak to a manager?", "¿No puedo hablar con un gerente?"
    after = after[: stop.start()] if stop else after
    words = [w.strip("\"'«»“”()¿¡") for w in before.split()[-reach.words :]]
    if any(w in NEGATIONS_BEFORE or w.startswith("n'") for w in words):
        return True
    if any(n in before[-reach.cjk :] for n in NEGATIONS_BEFORE_CJK):
        return True
    return any(n in after[: reach.after] for n in NEGATIONS_AFTER)


def _spans(needle: str, text: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def _asked(text: str, spans: list[tuple[int, int]], reach: _Reach) -> bool:
    return any(not _negated(text, start, end, reach) for start, end in spans)


def supervisor_request(text: str, intent: str | None = None) -> str | None:
    """The cue by which this message asks for a supervisor, or None."""
    clean = _prepare(text)
    for phrase in _ALL_ASKS:
        if phrase in clean and _asked(clean, _spans(phrase, clean), _PHRASE_REACH):
            return phrase
    if intent == COMPLAINT:
        for word, pattern in _WORDS:
            spans = [m.span() for m in pattern.finditer(clean)] if pattern else _spans(word, clean)
            if _asked(clean, spans, _WORD_REACH):
                return word
    return None


@dataclass(frozen=True)
class Reopening:
    """A solved ticket opened again: when, and by which customer message (None: by staff)."""

    at: datetime
    message_id: int | None


def contacts_again(
    message_id: int, message_at: datetime, merged_in: int, reopenings: Sequence[Reopening]
) -> bool:
    """Whether this customer message, on a ticket not solved or closed, is a repeat contact
    about the same issue: the ticket took in another of the customer's tickets, or it was
    reopened before this message (the message that reopened it is the customer's first word
    after the solve, e.g. a thank-you, and does not count by itself)."""
    if merged_in > 0:
        return True
    return any(r.message_id != message_id and r.at <= message_at for r in reopenings)
