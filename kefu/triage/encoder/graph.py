"""A BERT-style encoder as an ONNX graph, built from its weights: e5 from the bundled model file,
and all-MiniLM-L6-v2 (`minilm.py`) from its checkpoint, through the same `EncoderWeights`
interface (post-layer-norm BERT, exact GELU, one unpadded sequence per run).

Standard ONNX operators only (opset 17), so ONNX Runtime's own optimiser fuses what it can
(layer norms, GELU, the matmul + bias pairs). e5's 4-bit weights are expanded to float32: the
arithmetic then runs in ONNX Runtime's float kernels, several times faster on one core than the
bundled engine's int4 x int8 loops (docs/benchmarks.md), and the activations are no longer
rounded to 8 bits on the way.

Input `x` [tokens, hidden]: word + position + token-type embeddings of one sequence (computed
by the caller; e5's 250k-row table stays 4-bit). Output `mean` [1, hidden]: the average of the
last layer's token states (the pooling of both models; the caller normalises).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from kefu.triage.encoder.bundle import Architecture, Floats

OPSET = 17


class EncoderWeights(Protocol):
    """What `build` reads: the architecture, and float32 tensors under the builder's names —
    `emb.ln`, then per layer i `l{i}.q`, `.k`, `.v`, `.ao` (attention output), `.aln` (its
    layer norm), `.fi` / `.fo` (feed-forward in / out) and `.oln`, each with `.w` and `.b`.
    Matrices are stored [out, in], as in PyTorch checkpoints."""

    @property
    def arch(self) -> Architecture: ...

    def vector(self, name: str) -> Floats: ...

    def matrix(self, name: str, cols: int) -> Floats: ...


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []

    def const(self, name: str, value: np.ndarray[Any, Any]) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        from onnx import helper

        name = output or f"{kind.lower()}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(kind, inputs, [name], **attrs))
        return name


def build(weights: EncoderWeights, *, name: str = "multilingual-e5-small") -> bytes:
    """The serialised ONNX model of the encoder whose weights are `weights`, its graph named
    `name`."""
    from onnx import TensorProto, helper

    arch = weights.arch
    hidden, heads = arch.hidden, arch.heads
    head_dim = hidden // heads
    g = _Builder()
    split_heads = g.const("shape_heads", np.array([-1, heads, head_dim], np.int64))
    merge_heads = g.const("shape_hidden", np.array([-1, hidden], np.int64))
    scale = g.const("attention_scale", np.array(1.0 / np.sqrt(head_dim), np.float32))
    root2 = g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    one = g.const("one", np.array(1.0, np.float32))
    half = g.const("half", np.array(0.5, np.float32))
    qkv_sizes = g.const("qkv_sizes", np.array([hidden] * 3, np.int64))

    def norm(x: str, prefix: str) -> str:
        weight = g.const(f"{prefix}.w", weights.vector(f"{prefix}.w"))
        bias = g.const(f"{prefix}.b", weights.vector(f"{prefix}.b"))
        return g.op("LayerNormalization", [x, weight, bias], axis=-1, epsilon=arch.eps)

    def dense(x: str, layer: int, part: str, cols: int) -> str:
        weight = weights.matrix(f"l{layer}.{part}.w", cols).T  # stored [out, in]
        prefix = f"l{layer}.{part}"
        product = g.op("MatMul", [x, g.const(f"{prefix}.w", weight)])
        return g.op("Add", [product, g.const(f"{prefix}.b", weights.vector(f"{prefix}.b"))])

    x = norm("x", "emb.ln")
    for layer in range(arch.layers):
        # Q, K and V in one matmul.
        qkv_w = np.concatenate([weights.matrix(f"l{layer}.{p}.w", hidden) for p in "qkv"], axis=0).T
        qkv_b = np.concatenate([weights.vector(f"l{layer}.{p}.b") for p in "qkv"])
        product = g.op("MatMul", [x, g.const(f"l{layer}.qkv.w", qkv_w)])
        qkv = g.op("Add", [product, g.const(f"l{layer}.qkv.b", qkv_b)])
        q, k, v = (f"l{layer}.{p}" for p in "qkv")
        g.nodes.append(helper.make_node("Split", [qkv, qkv_sizes], [q, k, v], axis=-1))
        q = g.op("Transpose", [g.op("Reshape", [q, split_heads])], perm=[1, 0, 2])
        k = g.op("Transpose", [g.op("Reshape", [k, split_heads])], perm=[1, 2, 0])
        v = g.op("Transpose", [g.op("Reshape", [v, split_heads])], perm=[1, 0, 2])
        attention = g.op("Softmax", [g.op("Mul", [g.op("MatMul", [q, k]), scale])], axis=-1)
        context = g.op("Transpose", [g.op("MatMul", [attention, v])], perm=[1, 0, 2])
        attended = dense(g.op("Reshape", [context, merge_heads]), layer, "ao", hidden)
        x = norm(g.op("Add", [x, attended]), f"l{layer}.aln")
        inner = dense(x, layer, "fi", hidden)
        # Exact GELU: 0.5 * h * (1 + erf(h / sqrt 2)).
        erf = g.op("Erf", [g.op("Div", [inner, root2])])
        gelu = g.op("Mul", [g.op("Mul", [inner, g.op("Add", [erf, one])]), half])
        x = norm(g.op("Add", [x, dense(gelu, layer, "fo", arch.ffn)]), f"l{layer}.oln")
    g.op("ReduceMean", [x], "mean", axes=[0], keepdims=1)

    graph = helper.make_graph(
        g.nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", hidden])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, hidden])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return bytes(model.SerializeToString())
