"""Seed phrases in every wordlist, however they are written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from kefu.triage.redaction import find_secrets, redact
from kefu.triage.redaction.wordlists import checksum_ok, wordlists

LANGUAGES = sorted(Mnemonic.list_languages())
CJK = {"chinese_simplified", "chinese_traditional", "japanese", "korean"}


def phrase(language: str, entropy: bytes) -> list[str]:
    m = Mnemonic(language)
    return m.to_mnemonic(entropy).replace("\u3000", " ").split(" ")


def covered(text: str, start: int, end: int) -> bool:
    return any(
        f.kind == "seed_phrase" and f.start <= start and f.end >= end for f in find_secrets(text)
    )


@st.composite
def written_phrases(draw: st.DrawFn) -> tuple[str, int, int]:
    """A valid mnemonic in any wordlist, written as customers write them, in a sentence;
    with where its first and last words are."""
    language = draw(st.sampled_from(LANGUAGES))
    entropy = draw(
        st.sampled_from([16, 20, 24, 28, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
    )
    words = phrase(language, entropy)
    if draw(st.booleans()):
        words = [w.upper() for w in words]
    separators = [" ", ", ", ",", "\n", " \n", "  ", " - ", "\u3000", "; "]
    if language in CJK:
        separators.append("")
    if draw(st.booleans()):
        body = " ".join(
            f"{i}{draw(st.sampled_from(['.', ')', ':']))} {w}" for i, w in enumerate(words, start=1)
        )
        first = body.index(words[0])
    else:
        body = draw(st.sampled_from(separators)).join(words)
        first = 0
    prefix = draw(st.sampled_from(["", "my seed phrase: ", "Help!\n", "助记词：", "123 ", "é "]))
    suffix = draw(st.sampled_from(["", " thanks", "。", "\nplease help", "!"]))
    text = prefix + body + suffix
    return text, len(prefix) + first, len(prefix) + len(body)


@settings(max_examples=300, deadline=None)
@given(written_phrases())
def test_any_valid_mnemonic_in_any_wordlist_and_layout_is_redacted(
    case: tuple[str, int, int],
) -> None:
    text, start, end = case
    assert covered(text, start, end), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_checksum_still_redacts_when_separated(language: str) -> None:
    words = phrase(language, bytes(range(16)))
    wrong = next(w for w in Mnemonic(language).wordlist if w != words[-1])
    words[-1] = wrong
    table = wordlists()
    lang = table.names.index(language)
    positions = [table.position(lang, w) for w in words]
    assert None not in positions
    text = "restore: " + " ".join(words)
    assert covered(text, 9, len(text))


def test_checksum_confidence() -> None:
    words = phrase("english", bytes(16))
    good = find_secrets(" ".join(words))[0]
    bad = find_secrets(" ".join([*words[:-1], "zoo" if words[-1] != "zoo" else "zone"]))[0]
    assert good.confidence > bad.confidence


def test_a_typo_keeps_the_phrase_together() -> None:
    words = phrase("english", bytes(range(16)))
    typo = words[5] + "x" if len(words[5]) > 4 else words[5]
    text = " ".join([*words[:5], typo, *words[6:]])
    assert redact(text).text == "[redacted:seed_phrase]"


def test_checksum_of_a_known_vector() -> None:
    # BIP-39 test vector: entropy of zeros.
    words = ["abandon"] * 11 + ["about"]
    table = wordlists()
    en = table.names.index("english")
    assert checksum_ok([table.position(en, w) or 0 for w in words])
    assert not checksum_ok([table.position(en, w) or 0 for w in ["abandon"] * 12])


@pytest.mark.parametrize(
    "text",
    [
        # Ordinary sentences full of BIP-39 words, but not twelve in a row of one list.
        "Can you help me find the right address to deposit bitcoin from my wallet today?",
        "abandon ability able about above absent absorb abstract: what do these words mean?",
        "I want to buy more bitcoin but the order button is gray, what should I do about it",
        "我的提现一直没有到账请帮我查看一下谢谢你们的帮助",
        "我不小心把助记词发给了别人怎么办",
        "お問い合わせありがとうございます。入金の反映までしばらくお待ちください",
        "출금 신청을 했는데 아직 처리가 안 되었어요 확인 부탁드립니다",
        "Mi retiro sigue pendiente desde ayer, por favor revisen mi cuenta cuanto antes",
        "just nine of them: abandon ability able about above absent absorb abstract absurd",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert [f for f in find_secrets(text) if f.kind == "seed_phrase"] == []


def test_chinese_unseparated_needs_a_valid_checksum() -> None:
    words = phrase("chinese_simplified", bytes(range(16)))
    assert covered("".join(words), 0, 12)
    broken = [*words[:-1], "的" if words[-1] != "的" else "一"]
    text = "".join(broken)
    if not checksum_ok([wordlists().index[0][c] for c in broken]):
        assert find_secrets(text) == []
