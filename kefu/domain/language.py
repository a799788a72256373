"""Choosing a message's language from a detector's confidences and what kefu already knows.

Detectors are unreliable on short messages ("ok", "hola", "meu saque"): a few letters fit many
languages. kefu usually knows the customer's language (their profile, their earlier messages),
so that is the prior: it is kept unless the text clearly says otherwise.

The rules, in order:

1. Only configured languages count; the known language is ignored if it is not one of them.
2. No letters, or no confidence at all (emoji, numbers, an address): the known language.
3. A tiny message ("ok", "hola", "谢谢"; under `TINY_LETTERS`) keeps the known language whenever
   it is written in that language's script: detectors guess at random on so little.
4. The known language is kept when it is plausible — its confidence is at least
   `PLAUSIBLE_SHARE` of the best one — and the message is short or the detector unsure.
5. Otherwise the detector's best language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, Literal

DEFAULT_LANGUAGES: Final[tuple[str, ...]] = (
    "en",
    "zh",
    "es",
    "pt",
    "ru",
    "uk",
    "ja",
    "ko",
    "tr",
    "vi",
    "fr",
    "de",
    "ar",
    "id",
)
# Below this many letters a message is short (a CJK character counts as three letters) …
SHORT_LETTERS: Final = 20
# … and below this many it is tiny.
TINY_LETTERS: Final = 8
# Above this confidence the detector is sure, whatever the length.
SURE: Final = 0.9
# The known language is plausible when its confidence is at least this share of the best.
PLAUSIBLE_SHARE: Final = 0.25

Source = Literal["detected", "prior", "none"]


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None
    confidence: float
    source: Source  # detected: the text said so; prior: the known language was kept


# The scripts each language is written in (languages not listed here accept any script).
_LATIN = frozenset({"LATIN"})
SCRIPTS: Final[dict[str, frozenset[str]]] = {
    **{lang: _LATIN for lang in ("en", "es", "pt", "fr", "de", "tr", "vi", "id", "it", "nl", "pl")},
    "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "ar": frozenset({"ARABIC"}),
}


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in `text` (LATIN, CYRILLIC, CJK, HIRAGANA, HANGUL …)."""
    out = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            out.add(name.split(" ", 1)[0] if name else "UNKNOWN")
    return out


def written_in_script_of(text: str, language: str) -> bool:
    allowed = SCRIPTS.get(language)
    return allowed is None or scripts_of(text) <= allowed


def _is_wide(char: str) -> bool:
    """CJK, kana and hangul: one character carries about as much as a short word."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def letter_weight(text: str) -> int:
    """How much language evidence a text holds: letters, with CJK characters counted triple."""
    return sum((3 if _is_wide(c) else 1) for c in text if c.isalpha())


def choose_language(
    confidences: Mapping[str, float],
    text: str,
    known: str | None,
    allowed: Collection[str],
) -> LanguageGuess:
    """The language of `text` given the detector's `confidences` (language → 0..1) and the
    customer's `known` language."""
    prior = known if known in allowed else None
    scores = {lang: value for lang, value in confidences.items() if lang in allowed}
    best = max(scores, key=lambda lang: scores[lang], default=None)
    if best is None or scores[best] <= 0.0 or letter_weight(text) == 0:
        return LanguageGuess(prior, 0.0, "prior" if prior else "none")
    top = scores[best]
    if prior is not None and prior != best:
        if letter_weight(text) < TINY_LETTERS and written_in_script_of(text, prior):
            return LanguageGuess(prior, scores.get(prior, 0.0), "prior")
        plausible = scores.get(prior, 0.0) >= PLAUSIBLE_SHARE * top
        unsure = top < SURE or letter_weight(text) < SHORT_LETTERS
        if plausible and unsure:
            return LanguageGuess(prior, scores.get(prior, 0.0), "prior")
    return LanguageGuess(best, top, "detected")
