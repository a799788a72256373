import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kefu.triage.encoder.bundle import BLOCK, Bundle, BundleError, default_path, dequantize_q4


def pack_q4(nibbles: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Q4_0 rows from unsigned nibbles [rows, cols] and float16 scales [rows, cols / 32]."""
    rows, cols = nibbles.shape
    blocks = nibbles.reshape(rows, cols // BLOCK, BLOCK).astype(np.uint8)
    packed = blocks[:, :, :16] | (blocks[:, :, 16:] << 4)
    scale_bytes = scales.astype(np.float16).reshape(rows, cols // BLOCK, 1).view(np.uint8)
    return np.concatenate([scale_bytes, packed], axis=2).reshape(-1)


@settings(max_examples=50, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 3)),
    data=st.data(),
)
def test_dequantising_gives_each_nibble_minus_eight_times_its_blocks_scale(
    shape: tuple[int, int], data: st.DataObject
) -> None:
    rows, blocks = shape
    cols = blocks * BLOCK
    nibbles = data.draw(hnp.arrays(np.uint8, (rows, cols), elements=st.integers(0, 15)))
    scales = data.draw(hnp.arrays(np.float16, (rows, blocks), elements=st.floats(-2, 2, width=16)))
    weights = dequantize_q4(pack_q4(nibbles, scales), rows, cols)
    expected = (nibbles.astype(np.float32) - 8) * np.repeat(scales.astype(np.float32), BLOCK, 1)
    assert np.array_equal(weights, expected)


def test_the_bundled_file_describes_multilingual_e5_small() -> None:
    bundle = Bundle()
    arch = bundle.arch
    assert (arch.hidden, arch.layers, arch.heads, arch.ffn) == (384, 12, 12, 1536)
    assert len(bundle.vocabulary.pieces) == 250_002 <= arch.vocab  # the table has spare rows
    assert bundle.vocabulary.pieces[bundle.vocabulary.unk] == "<unk>"
    assert bundle.matrix("l0.fi.w", 384).shape == (1536, 384)
    assert bundle.word_rows(np.array([0, 5, 0])).shape == (3, 384)


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "model.bin"
    wrong.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(BundleError, match="not an E5S1 model"):
        Bundle(wrong)


def test_a_truncated_model_is_refused_clearly(tmp_path: Path) -> None:
    cut = tmp_path / "model.bin"
    cut.write_bytes(default_path().read_bytes()[:4096])
    with pytest.raises(BundleError, match="truncated or malformed"):
        Bundle(cut)


def test_a_missing_model_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read"):
        Bundle(tmp_path / "none.bin")


@cache
def _model_bytes() -> bytes:
    return default_path().read_bytes()


@settings(max_examples=25, deadline=None)
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_any_truncation_is_refused_clearly(cut: float) -> None:
    """However short a copy is cut, reading it fails with a BundleError, nothing else."""
    data = _model_bytes()
    folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".bin") as copy:
        copy.write(data[: int(cut * len(data))])
        copy.flush()
        with pytest.raises(BundleError):
            Bundle(Path(copy.name))
