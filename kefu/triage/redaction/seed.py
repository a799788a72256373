"""Seed phrases: twelve or more BIP-39 words in a row, in any wordlist, however separated.

Words may be separated by spaces, commas, new lines or list numbers (`1. abandon 2. ability`),
in any case. A run of separated words is redacted from twelve words on, whether its checksum
holds or not (a valid checksum only raises confidence): a mistyped phrase still gives most of a
wallet away. Chinese, Japanese and Korean phrases may also come with nothing between the words;
there ordinary text looks much the same, so such a run is redacted when it has a valid length and
its checksum holds (the run alone, or, after a seed-phrase cue, the words ending it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Final

from kefu.triage.redaction.cues import SEED_CUE
from kefu.triage.redaction.findings import Finding
from kefu.triage.redaction.wordlists import (
    PREFIX,
    VALID_LENGTHS,
    Wordlists,
    checksum_ok,
    wordlists,
)

MIN_WORDS: Final = 12
# Letters and digits apart, so `1.abandon` and `abandon1` give the word.
# Combining marks belong to their word (`á` and `が` may come decomposed); so does U+FFFD, which
# one word of the Russian list the package ships has in place of a letter.
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u3099-\u309c\ufffd])+|\d+")
_LETTERS = re.compile(r"(?:[^\W\d_]|\ufffd)+")
_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_MAX_GAP = 12  # characters between two words of one phrase (", ", "\n 2) " …)
_MAX_SEGMENTATIONS = 64


class _Word:
    __slots__ = ("end", "fuzzy", "mask", "start", "text")

    def __init__(self, text: str, start: int, end: int, mask: int, fuzzy: bool) -> None:
        self.text, self.start, self.end, self.mask, self.fuzzy = text, start, end, mask, fuzzy


def find_seed_phrases(text: str) -> list[Finding]:
    if len(text) < MIN_WORDS:
        return []
    lists = wordlists()
    if not _worth_a_look(text, lists):
        return []
    words: list[_Word | None] = []  # None: something that ends a run
    glued: list[tuple[str, int]] = []
    count = 0
    last_end = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        start = m.start()
        if start - last_end > _MAX_GAP or text.count("\n", last_end, start) > 2:
            words.append(None)
        last_end = m.end()
        if token.isdigit():
            if len(token) > 2:  # list numbers (1., 2) …) are no break; other numbers are
                words.append(None)
            continue
        mask, fuzzy = lists.lookup(token)
        if mask:
            words.append(_Word(token, start, m.end(), mask, fuzzy))
            count += 1
        else:
            words.append(None)
            if len(token) >= MIN_WORDS and _CJK.search(token):
                glued.append((token, start))
    found: list[Finding] = []
    if count >= MIN_WORDS:
        found.extend(_separated_runs(words, lists))
    for token, start in glued:
        found.extend(_glued(text, token, start, lists))
    return found


def _worth_a_look(text: str, lists: Wordlists) -> bool:
    """A cheap first pass: twelve list words in a row (of any lists), or a long run of CJK
    letters. Most messages, long ones too, have a word of no list every few words."""
    masks, prefixes = lists.masks, lists.prefix_masks
    run = 0
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    for token in _LETTERS.findall(text.casefold()):
        if token in masks:
            run += 1
        elif token.isascii():
            if len(token) > PREFIX and token[:PREFIX] in prefixes:
                run += 1
            else:
                run = 0
        elif lists.lookup(token)[0]:
            run += 1
        elif len(token) >= MIN_WORDS and _CJK.search(token):
            return True
        else:
            run = 0
        if run >= MIN_WORDS:
            return True
    return False


def _separated_runs(words: list[_Word | None], lists: Wordlists) -> Iterator[Finding]:
    union = 0
    for w in words:
        if w is not None:
            union |= w.mask
    for lang in range(len(lists.names)):
        bit = 1 << lang
        if not union & bit:
            continue
        run: list[_Word] = []
        for w in [*words, None]:
            if w is not None and w.mask & bit:
                run.append(w)
                continue
            if len(run) >= MIN_WORDS:
                yield from _judge_run(run, lang, lists)
            run = []


def _judge_run(run: list[_Word], lang: int, lists: Wordlists) -> Iterator[Finding]:
    """A phrase is mostly real words with a few typos (words matched by their first letters):
    those at the edges are left out (`hunter` before a phrase is no typo of `hunt`), and a run
    with more typos than that splits at them."""
    while run and run[0].fuzzy:
        run = run[1:]
    while run and run[-1].fuzzy:
        run = run[:-1]
    if len(run) < MIN_WORDS:
        return
    fuzzy = sum(1 for w in run if w.fuzzy)
    if fuzzy > max(2, len(run) // 6):
        piece: list[_Word] = []
        for w in [*run, None]:
            if w is not None and not w.fuzzy:
                piece.append(w)
            else:
                if len(piece) >= MIN_WORDS:
                    yield _finding(piece, lang, lists)
                piece = []
        return
    yield _finding(run, lang, lists)


def _finding(run: list[_Word], lang: int, lists: Wordlists) -> Finding:
    confidence = 0.8
    if len(run) in VALID_LENGTHS:
        positions = [lists.position(lang, w.text) for w in run]
        if None not in positions and checksum_ok(positions):  # type: ignore[arg-type]
            confidence = 1.0
    return Finding("seed_phrase", run[0].start, run[-1].end, confidence)


def _glued(text: str, token: str, start: int, lists: Wordlists) -> Iterator[Finding]:
    cue = SEED_CUE.search(text, 0, start + len(token)) is not None
    for lang in range(len(lists.names)):
        bit = 1 << lang
        if lists.character_mask & bit:
            yield from _character_runs(token, start, lang, lists, cue)
        elif lists.glued_mask & bit:
            table = lists.index[lang]
            composed = unicodedata.normalize("NFC", token)
            positions = _segment(composed, table, lists.max_word_chars[lang])
            if positions is not None:
                yield Finding("seed_phrase", start, start + len(token), 1.0)


def _character_runs(
    token: str, start: int, lang: int, lists: Wordlists, cue: bool
) -> Iterator[Finding]:
    """Chinese: maximal runs of list characters; the whole run, or after a cue its tail."""
    table = lists.index[lang]
    i = 0
    while i < len(token):
        if token[i] not in table:
            i += 1
            continue
        j = i
        while j < len(token) and token[j] in table:
            j += 1
        if j - i >= MIN_WORDS:
            run = [table[c] for c in token[i:j]]
            if checksum_ok(run):
                yield Finding("seed_phrase", start + i, start + j, 1.0)
            elif cue:
                for n in sorted(VALID_LENGTHS, reverse=True):
                    if n <= len(run) and checksum_ok(run[-n:]):
                        yield Finding("seed_phrase", start + j - n, start + j, 1.0)
                        break
        i = j


def _segment(token: str, table: dict[str, int], longest: int) -> list[int] | None:
    """Japanese or Korean without spaces: a split of the whole token into list words that is a
    mnemonic with a valid checksum, if there is one (the first few splits are tried)."""
    if not all(c in _KANA_HANGUL_CHARS for c in token):
        return None
    tried = 0
    stack: list[tuple[int, list[int]]] = [(0, [])]
    while stack:
        at, taken = stack.pop()
        if at == len(token):
            tried += 1
            if checksum_ok(taken):
                return taken
            if tried >= _MAX_SEGMENTATIONS:
                return None
            continue
        if len(taken) >= max(VALID_LENGTHS):
            continue
        for size in range(min(longest, len(token) - at), 0, -1):
            index = table.get(token[at : at + size])
            if index is not None:
                stack.append((at + size, [*taken, index]))
    return None


_KANA_HANGUL_CHARS: Final = frozenset(
    chr(c) for r in ((0x3040, 0x30FF), (0xAC00, 0xD7A3)) for c in range(r[0], r[1] + 1)
)
