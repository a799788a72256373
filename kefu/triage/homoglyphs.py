"""Confusable characters: the skeleton of a string (Unicode TR39), for lookalike detection.

Two strings with the same skeleton look alike: `kеfux` (Cyrillic е) and `kefux`, `rn` and `m`,
`0` and `O`, `I` and `l`. The mapping comes from the Unicode confusables data shipped in the
`confusable_homoglyphs` package; it is derived once, on first use.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs import confusables as _confusables

_MARK = "\u200e"  # the package wraps right-to-left characters in LEFT-TO-RIGHT MARKs
# Look-alike runs of ASCII that TR39 leaves alone but phishers use (m is already rn).
_ASCII_RUNS = (("vv", "w"), ("cl", "d"))


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character and the prototype it maps to.

    The package stores the TR39 pairs both ways (source → prototype and prototype → sources): a
    source has exactly one entry, its prototype, while a prototype lists its sources. Where two
    characters list only each other, either may be the prototype: both map to the smaller, which
    gives equal skeletons just the same.
    """
    data = _confusables.confusables_data
    out: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or len(entries) != 1:
            continue
        target = entries[0]["c"].replace(_MARK, "")
        back = data.get(target, [])
        if len(back) == 1 and back[0]["c"].replace(_MARK, "") == char:
            out[char] = min(char, target)
        else:
            out[char] = target
    return out


def skeleton(text: str) -> str:
    """The TR39 skeleton: decompose, map each character to its prototype, decompose again."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in decomposed))


def confusable_key(text: str) -> str:
    """What a reader sees, ignoring case, accents and look-alike characters.

    Compatibility forms first (full-width `ｋ` is `k`), then the skeleton of the original
    spelling (so `I` reads as `l` before case folding turns
    it into `i`), then case-folded, skeletonised again, without combining marks, and with the
    ASCII look-alike runs collapsed.
    """
    key = skeleton(skeleton(unicodedata.normalize("NFKC", text)).casefold())
    key = "".join(c for c in key if not unicodedata.combining(c))
    for run, letter in _ASCII_RUNS:
        key = key.replace(run, letter)
    return key.replace("rn", "m")


def unusual_characters(text: str) -> list[str]:
    """The characters outside plain ASCII, named, for explaining a verdict to a person."""
    seen: list[str] = []
    for char in text:
        if ord(char) < 128 or char in seen:
            continue
        seen.append(char)
    return [f"{c} ({unicodedata.name(c, f'U+{ord(c):04X}')})" for c in seen]
