"""Language identification with lingua, restricted to the languages kefu is configured for.

lingua's models ship inside its wheel. The detector is built on first use, not at import; its
n-gram models load lazily per language (about 4 s and up to ~350 MB for fourteen languages,
once per process). kefu uses lingua's high-accuracy mode: the low-accuracy mode is lighter but
misreads short messages (it takes "Mi depósito no ha llegado" for Portuguese), which are most
chat messages. Once loaded, a message takes well under a millisecond.

The decision between the detector and the customer's known language is pure domain logic
(kefu/domain/language.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from kefu.domain.language import LanguageGuess, choose_language

if TYPE_CHECKING:
    from lingua import LanguageDetector as _Lingua


class UnsupportedLanguage(ValueError):
    """A configured language lingua does not know."""


class LanguageDetector:
    def __init__(self, languages: Sequence[str]) -> None:
        if not languages:
            raise UnsupportedLanguage("configure at least one language")
        self.languages = tuple(dict.fromkeys(code.lower() for code in languages))
        self._lock = threading.Lock()
        self._detector: _Lingua | None = None

    def _built(self) -> _Lingua:
        if self._detector is None:
            if len(self.languages) < 2:
                raise UnsupportedLanguage("lingua compares two languages or more")
            with self._lock:
                if self._detector is None:
                    self._detector = self._build()
        return self._detector

    def _build(self) -> _Lingua:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = []
        for code in self.languages:
            iso = getattr(IsoCode639_1, code.upper(), None)
            if iso is None:
                raise UnsupportedLanguage(
                    f"language {code!r} is not an ISO 639-1 code lingua knows"
                )
            langs.append(Language.from_iso_code_639_1(iso))
        return LanguageDetectorBuilder.from_languages(*langs).build()

    def confidences(self, text: str) -> dict[str, float]:
        """Each configured language's confidence (0..1, summing to 1 when any is found)."""
        if len(self.languages) == 1:
            # Nothing to choose from (lingua needs two languages to compare).
            return {self.languages[0]: 1.0}
        values = self._built().compute_language_confidence_values(text)
        out = {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}
        return {lang: value for lang, value in out.items() if lang in self.languages}

    def detect(self, text: str, known: str | None = None) -> LanguageGuess:
        """The language of `text`, keeping the customer's `known` language when the text does
        not clearly say otherwise."""
        return choose_language(self.confidences(text), text, known, self.languages)


@cache
def get_detector(languages: tuple[str, ...]) -> LanguageDetector:
    """One detector per process and language set (its models are large)."""
    return LanguageDetector(languages)
