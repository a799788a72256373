from hypothesis import given
from hypothesis import strategies as st

from kefu.domain.language import (
    DEFAULT_LANGUAGES,
    LanguageGuess,
    choose_language,
    letter_weight,
    scripts_of,
    written_in_script_of,
)

ALLOWED = DEFAULT_LANGUAGES


def test_a_clear_message_is_detected_whatever_the_prior() -> None:
    text = "Hola, hice un depósito de USDT hace tres horas y todavía no aparece en mi cuenta"
    guess = choose_language({"es": 0.97, "pt": 0.03}, text, "en", ALLOWED)
    assert guess == LanguageGuess("es", 0.97, "detected")


def test_a_short_ambiguous_message_keeps_the_customers_language() -> None:
    # lingua's real answer for this text: Spanish 0.56, Portuguese 0.42.
    text = "Mi depósito no ha llegado"
    assert choose_language({"es": 0.56, "pt": 0.42}, text, "pt", ALLOWED).language == "pt"
    assert choose_language({"es": 0.56, "pt": 0.42}, text, None, ALLOWED).language == "es"


def test_an_implausible_prior_is_dropped() -> None:
    text = "我的提现一直没有到账"
    guess = choose_language({"zh": 0.99, "ja": 0.01}, text, "en", ALLOWED)
    assert guess == LanguageGuess("zh", 0.99, "detected")


def test_tiny_messages_keep_the_prior_in_its_script_only() -> None:
    # lingua on "ok": Turkish 0.38, Indonesian 0.35, English 0.10, Portuguese near 0.
    assert choose_language({"tr": 0.38, "id": 0.35, "pt": 0.01}, "ok", "pt", ALLOWED) == (
        LanguageGuess("pt", 0.01, "prior")
    )
    # "谢谢" is not written in Latin letters: an English customer wrote Chinese.
    assert choose_language({"zh": 1.0}, "谢谢", "en", ALLOWED).language == "zh"


def test_no_letters_means_the_prior_or_nothing() -> None:
    assert choose_language({}, "👍 123", "ja", ALLOWED) == LanguageGuess("ja", 0.0, "prior")
    assert choose_language({}, "0x3f9a…", None, ALLOWED) == LanguageGuess(None, 0.0, "none")


def test_only_configured_languages_count() -> None:
    guess = choose_language({"it": 0.9, "es": 0.1}, "il mio deposito", "it", ("en", "es"))
    assert guess.language == "es"


def test_scripts() -> None:
    assert scripts_of("Hola 你好 привет") == {"LATIN", "CJK", "CYRILLIC"}
    assert written_in_script_of("入金が反映されません", "ja")
    assert not written_in_script_of("入金が反映されません", "zh")
    assert written_in_script_of("anything", "xx")  # unknown languages accept any script
    assert letter_weight("ok") == 2
    assert letter_weight("谢谢") == 6


confidences = st.dictionaries(
    st.sampled_from(["en", "es", "pt", "zh", "ja", "it", "xx"]),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    max_size=5,
)


@given(
    confidences,
    st.text(max_size=60),
    st.one_of(st.none(), st.sampled_from(["en", "es", "pt", "zh", "ja", "it"])),
)
def test_the_choice_is_always_a_configured_language(
    scores: dict[str, float], text: str, known: str | None
) -> None:
    allowed = ("en", "es", "pt", "zh", "ja")
    guess = choose_language(scores, text, known, allowed)
    assert guess.language is None or guess.language in allowed
    assert 0.0 <= guess.confidence <= 1.0
    if guess.source == "prior":
        assert guess.language == known
    if guess.source == "detected":
        best = max(v for k, v in scores.items() if k in allowed)
        assert guess.confidence == best


@given(confidences, st.text(alphabet="abcdefghij ", min_size=30, max_size=80))
def test_without_a_prior_the_best_score_wins(scores: dict[str, float], text: str) -> None:
    allowed = ("en", "es", "pt", "zh", "ja")
    guess = choose_language(scores, text, None, allowed)
    candidates = {k: v for k, v in scores.items() if k in allowed and v > 0}
    if candidates and letter_weight(text):
        assert guess.language in candidates
        assert guess.confidence == max(candidates.values())
    else:
        assert guess.language is None
