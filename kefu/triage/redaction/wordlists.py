"""The BIP-39 wordlists the `mnemonic` package ships, as sets to look words up in, and the
checksum of a mnemonic.

Words are compared case-folded and in NFC; for alphabetic languages also without accents
(`ábaco` typed as `abaco`), and, as wallets do, by their first four letters when those are
unique in the list (so `abandn` still counts as `abandon`). Built once per process, on first use.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final

from mnemonic import Mnemonic

VALID_LENGTHS: Final = frozenset({12, 15, 18, 21, 24})
PREFIX = 4
# Languages whose words are often written without anything between them.
_CHARACTER_WORDS: Final = frozenset({"chinese_simplified", "chinese_traditional"})
_KANA_HANGUL: Final = frozenset({"japanese", "korean"})


def nfc_key(word: str) -> str:
    folded = word.casefold()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def plain_key(word: str) -> str:
    """Without accents: `ábaco` → `abaco`, `çok` → `cok`."""
    # Turkish dotless ı: upper-cased it comes back as a plain i.
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Wordlists:
    names: tuple[str, ...]
    masks: dict[str, int]  # word key → languages (bit i: names[i]) that have it
    prefix_masks: dict[str, int]  # first four letters → languages where they name one word
    index: tuple[dict[str, int], ...]  # per language: word key → position in the list
    prefix_index: tuple[dict[str, int], ...]
    character_mask: int  # languages whose words are single characters (Chinese)
    glued_mask: int  # languages with multi-character words often written unseparated
    max_word_chars: tuple[int, ...]

    def lookup(self, token: str) -> tuple[int, bool]:
        """Languages that have `token` as a word, and whether it only matched by its prefix."""
        key = nfc_key(token)
        mask = self.masks.get(key, 0)
        if mask:
            return mask, False
        if not key.isascii():
            mask = self.masks.get(plain_key(key), 0)
            if mask:
                return mask, False
        if len(key) > PREFIX:
            plain = key if key.isascii() else plain_key(key)
            mask = self.prefix_masks.get(plain[:PREFIX], 0)
            if mask:
                return mask, True
        return 0, False

    def position(self, lang: int, token: str) -> int | None:
        """The index of `token` in language `lang`'s list."""
        key = nfc_key(token)
        table = self.index[lang]
        found = table.get(key)
        if found is None and not key.isascii():
            found = table.get(plain_key(key))
        if found is None and len(key) > PREFIX:
            plain = key if key.isascii() else plain_key(key)
            found = self.prefix_index[lang].get(plain[:PREFIX])
        return found


@cache
def wordlists() -> Wordlists:
    names = tuple(sorted(Mnemonic.list_languages()))
    masks: dict[str, int] = {}
    prefix_masks: dict[str, int] = {}
    index: list[dict[str, int]] = []
    prefix_index: list[dict[str, int]] = []
    character_mask = glued_mask = 0
    max_chars: list[int] = []
    for bit, name in enumerate(names):
        words = Mnemonic(name).wordlist
        table: dict[str, int] = {}
        for i, word in enumerate(words):
            table.setdefault(nfc_key(word), i)
            if name not in _KANA_HANGUL:  # dakuten and jamo are not accents
                table.setdefault(plain_key(word), i)
        prefixes: dict[str, int] = {}
        if name not in _CHARACTER_WORDS and name not in _KANA_HANGUL:
            counts: dict[str, int] = {}
            for word in words:
                head = plain_key(word)[:PREFIX]
                counts[head] = counts.get(head, 0) + 1
            for i, word in enumerate(words):
                head = plain_key(word)[:PREFIX]
                if len(head) == PREFIX and counts[head] == 1:
                    prefixes[head] = i
        for key in table:
            masks[key] = masks.get(key, 0) | (1 << bit)
        for head in prefixes:
            prefix_masks[head] = prefix_masks.get(head, 0) | (1 << bit)
        index.append(table)
        prefix_index.append(prefixes)
        if name in _CHARACTER_WORDS:
            character_mask |= 1 << bit
        if name in _KANA_HANGUL:
            glued_mask |= 1 << bit
        max_chars.append(max(len(nfc_key(w)) for w in words))
    return Wordlists(
        names,
        masks,
        prefix_masks,
        tuple(index),
        tuple(prefix_index),
        character_mask,
        glued_mask,
        tuple(max_chars),
    )


def checksum_ok(indices: list[int]) -> bool:
    """Whether word indices form a BIP-39 mnemonic whose checksum bits match."""
    n = len(indices)
    if n not in VALID_LENGTHS:
        return False
    value = 0
    for i in indices:
        value = (value << 11) | i
    check_bits = n // 3
    entropy_bits = n * 11 - check_bits
    entropy = (value >> check_bits).to_bytes(entropy_bits // 8, "big")
    digest = hashlib.sha256(entropy).digest()[0]
    return (value & ((1 << check_bits) - 1)) == digest >> (8 - check_bits)
