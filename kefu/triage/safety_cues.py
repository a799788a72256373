"""Cheap cues that a chat line may be abusive, angry or distressed: when one fires, the line is
worth the embedding model (kefu/domain/enrichment_plan.py `needs_safety_model`).

A cue is a test of the text alone, a few microseconds: the abuse lexicons (insults, weak
insults, threats; matched as substrings here, so inflected forms such as "salaksın" count too),
the sentiment scorer's cue words, exclamation or shouting, words of anger, distress and loss in
the languages kefu supports, and a long line (a paragraph in a chat says more than "ok thanks").
Cues are for recall: a cue that fires on a harmless line costs one model run, a missing cue
costs a missed tone boost or abuse mark on a later line of a conversation.
"""

from __future__ import annotations

from typing import Final

from kefu.triage.abuse import INSULTS, THREATS, WEAK_INSULTS, normalise
from kefu.triage.sentiment import CUES

# Words (or stems) of anger, distress, loss and contempt, lower case, matched as substrings.
AFFECT: Final[tuple[str, ...]] = (
    # en
    "angry",
    "anger",
    "mad at",
    "upset",
    "fed up",
    "frustrat",
    "disappoint",
    "annoy",
    "terrible",
    "horrible",
    "awful",
    "useless",
    "garbage",
    "trash",
    "clown",
    "thief",
    "thieves",
    "steal",
    "stole",
    "robbed",
    "drained",
    "hack",
    "bitte helfen",
    "lost everything",
    "nothing left",
    "scared",
    "panic",
    "shaking",
    "begging",
    "to hell",
    "damn",
    "liar",
    "lying",
    "joke",
    "shame",
    "fraud",
    "lawyer",
    "police",
    "sue you",
    # es / pt / it
    "enojad",
    "molest",
    "harto",
    "indignante",
    "robaron",
    "ladr",
    "desesperad",
    "chatead",
    "revoltad",
    "irritad",
    "roub",
    "arrabbiat",
    "vergogna",
    "rubat",
    "inaccettabile",
    "furios",
    # fr
    "furieux",
    "énervé",
    "mécontent",
    "volé",
    "voleur",
    "désespéré",
    "honte",
    "arnaque",
    # de
    "wütend",
    "sauer",
    "ärger",
    "gestohlen",
    "dieb",
    "verzweifelt",
    "betrug",
    "inakzeptabel",
    # ru
    "зол",
    "бешенств",
    "бесит",
    "вор",
    "украл",
    "верните",
    "отчаян",
    "позор",
    "обман",
    "пропал",
    # zh
    "气",
    "愤怒",
    "偷",
    "骗",
    "绝望",
    "垃圾",
    "投诉",
    # ja
    "怒",
    "腹が立",
    "盗",
    "我慢",
    "最悪",
    "放置",
    # ko
    "화나",
    "화가",
    "화납",
    "화난",
    "짜증",
    "털려",
    "도둑",
    "최악",
    "잃었",
    # tr
    "sinir",
    "öfke",
    "çalin",
    "hirsiz",
    "berbat",
    # vi
    "bực",
    "tức",
    "lừa",
    "trộm",
    "mất hết",
    "cứu",
    # ar
    "غاضب",
    "لصوص",
    "سرق",
    # id
    "marah",
    "kesal",
    "dicuri",
    "penipu",
)

# A line this long (characters) is read by the model whatever it says.
LONG_LINE: Final = 160

_WORDS: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(INSULTS + WEAK_INSULTS + THREATS + CUES["distressed"] + CUES["angry"] + AFFECT)
)


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def safety_cue(text: str) -> str | None:
    """The first cue that makes the line worth the model, or None (a plain line)."""
    if len(text) >= LONG_LINE:
        return "long"
    if "!" in text or "！" in text:
        return "!"
    if _shouting(text):
        return "capitals"
    lowered = normalise(text)
    for word in _WORDS:
        if word in lowered:
            return word
    return None
