"""Identity codes: format, forgiving input, keyed digests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.domain import verify_text
from kefu.domain.identity_code import (
    ALPHABET,
    BITS,
    code_digest,
    format_code,
    new_code,
    normalize_code,
)


def test_new_codes_are_random_and_readable() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(ALPHABET) for c in codes)
    assert BITS == 40
    assert not set("ILOU") & set(ALPHABET)


@given(st.text(alphabet=ALPHABET, min_size=8, max_size=8), st.sampled_from(["", "-", " "]))
def test_any_way_of_typing_a_code_reads_back(code: str, sep: str) -> None:
    typed = format_code(code).replace("-", sep).lower()
    typed = typed.replace("0", "o").replace("1", "l")  # misreadings are forgiven
    assert normalize_code(typed) == code


@given(st.text(max_size=20))
def test_anything_else_is_no_code(text: str) -> None:
    code = normalize_code(text)
    assert code is None or (len(code) == 8 and set(code) <= set(ALPHABET))


def test_digests_are_keyed() -> None:
    assert code_digest("ABCD1234", "k1") != code_digest("ABCD1234", "k2")
    assert code_digest("ABCD1234", "k1") == code_digest("ABCD1234", "k1")


def test_languages() -> None:
    assert verify_text.pick_language("zh-Hant", "en") == "zh"
    assert verify_text.pick_language(None, "fr") == "en"
    assert verify_text.accept_language("de, zh-CN;q=0.7, en;q=0.5") == "zh"
    assert verify_text.accept_language("en-GB, zh;q=0.9") == "en"
    assert verify_text.accept_language("") is None
    assert "…" in verify_text.text("en", "reason_homoglyph", {"value": "x"})
