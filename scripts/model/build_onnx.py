#!/usr/bin/env python3
"""Build a float32 ONNX export of sentence-transformers/all-MiniLM-L6-v2 (a BertModel)
from its original safetensors weights, WITHOUT torch.

Dependencies: numpy, safetensors, onnx only (versions pinned by
scripts/model/fetch-test-model.sh).

The graph mirrors what transformers.js expects from an Optimum/Xenova BertModel export
(feature-extraction task):
  inputs : input_ids, attention_mask, token_type_ids   int64 [batch_size, sequence_length]
  output : last_hidden_state                           float32 [batch_size, sequence_length, 384]
Pooling (mean) and L2 normalisation are done by the caller (transformers.js
`{ pooling: 'mean', normalize: true }`), exactly like sentence-transformers'
Pooling + Normalize modules.

Numerics follow HF transformers' BertModel (eager attention):
  emb = LN(word[ids] + pos[arange(512)[:S]] + type[tt])
  per layer: scores = (Q K^T) / sqrt(d) + (1 - mask) * finfo(float32).min
             ctx = softmax(scores) V ; x = LN(x + ctx Wo + bo)
             x = LN(x + GELU_erf(x W1 + b1) W2 + b2)
Opset 17 (LayerNormalization). The output file is byte-for-byte deterministic for
given weights + pinned onnx/protobuf versions (no timestamps, fixed node order/names).

Usage: build_onnx.py <hf_model_dir containing config.json + model.safetensors> <out.onnx>
"""
from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

OPSET = 17


def main(model_dir: str, out_path: str) -> None:
    model_dir_p = Path(model_dir)
    cfg = json.loads((model_dir_p / "config.json").read_text())
    assert cfg.get("model_type") == "bert", cfg.get("model_type")
    assert cfg.get("hidden_act") == "gelu", "only exact (erf) GELU is implemented"
    assert cfg.get("position_embedding_type", "absolute") == "absolute"
    H = int(cfg["hidden_size"])
    NH = int(cfg["num_attention_heads"])
    L = int(cfg["num_hidden_layers"])
    EPS = float(cfg["layer_norm_eps"])
    HD = H // NH
    assert HD * NH == H

    raw = load_file(str(model_dir_p / "model.safetensors"))
    # Accept both bare BertModel keys and "bert."-prefixed ones.
    W = {(k[5:] if k.startswith("bert.") else k): v for k, v in raw.items()}

    def w(name: str) -> np.ndarray:
        a = W[name]
        assert a.dtype == np.float32, (name, a.dtype)
        return a

    inits: list[TensorProto] = []
    nodes: list[onnx.NodeProto] = []
    counter = [0]

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        counter[0] += 1
        out = out or f"{op}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], name=f"n{counter[0]}_{op}", **attrs))
        return out

    # ---- constants -------------------------------------------------------
    c_one = init("const_one_f", np.array(1.0, dtype=np.float32))
    c_min = init("const_mask_min_f", np.array(np.finfo(np.float32).min, dtype=np.float32))
    c_sqrt_hd = init("const_sqrt_head_dim", np.array(math.sqrt(HD), dtype=np.float32))
    c_half = init("const_half_f", np.array(0.5, dtype=np.float32))
    c_sqrt2 = init("const_sqrt2_f", np.array(math.sqrt(2.0), dtype=np.float32))
    c_zero_1d = init("const_zero_1d_i64", np.array([0], dtype=np.int64))
    c_one_1d = init("const_one_1d_i64", np.array([1], dtype=np.int64))
    max_pos = int(cfg["max_position_embeddings"])
    c_position_ids = init("embeddings.position_ids", np.arange(max_pos, dtype=np.int64)[None, :])
    c_heads_shape = init("const_shape_heads", np.array([0, 0, NH, HD], dtype=np.int64))
    c_hidden_shape = init("const_shape_hidden", np.array([0, 0, H], dtype=np.int64))
    c_axes_12 = init("const_axes_1_2", np.array([1, 2], dtype=np.int64))

    # ---- embeddings ------------------------------------------------------
    word = init("embeddings.word_embeddings.weight", w("embeddings.word_embeddings.weight"))
    pos = init("embeddings.position_embeddings.weight", w("embeddings.position_embeddings.weight"))
    tte = init("embeddings.token_type_embeddings.weight", w("embeddings.token_type_embeddings.weight"))
    eln_g = init("embeddings.LayerNorm.weight", w("embeddings.LayerNorm.weight"))
    eln_b = init("embeddings.LayerNorm.bias", w("embeddings.LayerNorm.bias"))

    e_word = node("Gather", [word, "input_ids"], axis=0)
    # position_ids = arange(512)[None, :S], sliced like HF's registered buffer (this is the
    # pattern onnxruntime's EmbedLayerNormalization fusion expects; a Range-based
    # variant gets mis-fused by ORT >= EXTENDED optimisation and fails at run time).
    seq_len_1d = node("Shape", ["input_ids"], start=1, end=2)  # [S] as 1-D
    pos_ids = node("Slice", [c_position_ids, c_zero_1d, seq_len_1d, c_one_1d])  # [1, S]
    e_pos = node("Gather", [pos, pos_ids], axis=0)  # [1, S, H] (broadcasts over batch)
    e_tt = node("Gather", [tte, "token_type_ids"], axis=0)
    e_sum = node("Add", [node("Add", [e_word, e_tt]), e_pos])
    x = node("LayerNormalization", [e_sum, eln_g, eln_b], axis=-1, epsilon=EPS)

    # ---- extended attention mask: (1 - mask) * finfo.min, [B,1,1,S] -------
    m_f = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    m_inv = node("Sub", [c_one, m_f])
    m_bias = node("Mul", [m_inv, c_min])
    mask_bias = node("Unsqueeze", [m_bias, c_axes_12])

    # ---- encoder layers --------------------------------------------------
    for i in range(L):
        p = f"encoder.layer.{i}."

        def lin(inp: str, name: str) -> str:
            wt = init(p + name + ".weight", w(p + name + ".weight").T)  # [in, out]
            b = init(p + name + ".bias", w(p + name + ".bias"))
            return node("Add", [node("MatMul", [inp, wt]), b])

        q = lin(x, "attention.self.query")
        k = lin(x, "attention.self.key")
        v = lin(x, "attention.self.value")
        qh = node("Transpose", [node("Reshape", [q, c_heads_shape])], perm=[0, 2, 1, 3])  # B,NH,S,HD
        kh = node("Transpose", [node("Reshape", [k, c_heads_shape])], perm=[0, 2, 3, 1])  # B,NH,HD,S
        vh = node("Transpose", [node("Reshape", [v, c_heads_shape])], perm=[0, 2, 1, 3])  # B,NH,S,HD
        scores = node("Div", [node("MatMul", [qh, kh]), c_sqrt_hd])
        scores = node("Add", [scores, mask_bias])
        probs = node("Softmax", [scores], axis=-1)
        ctx = node("MatMul", [probs, vh])  # B,NH,S,HD
        ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), c_hidden_shape])
        attn_out = lin(ctx, "attention.output.dense")
        x = node(
            "LayerNormalization",
            [node("Add", [attn_out, x]),
             init(p + "attention.output.LayerNorm.weight", w(p + "attention.output.LayerNorm.weight")),
             init(p + "attention.output.LayerNorm.bias", w(p + "attention.output.LayerNorm.bias"))],
            axis=-1, epsilon=EPS,
        )
        h = lin(x, "intermediate.dense")
        # exact GELU: 0.5 * h * (1 + erf(h / sqrt(2)))
        g = node("Mul", [node("Mul", [h, c_half]), node("Add", [node("Erf", [node("Div", [h, c_sqrt2])]), c_one])])
        ffn = lin(g, "output.dense")
        out_name = "last_hidden_state" if i == L - 1 else None
        x = node(
            "LayerNormalization",
            [node("Add", [ffn, x]),
             init(p + "output.LayerNorm.weight", w(p + "output.LayerNorm.weight")),
             init(p + "output.LayerNorm.bias", w(p + "output.LayerNorm.bias"))],
            out_name, axis=-1, epsilon=EPS,
        )

    dims = ["batch_size", "sequence_length"]
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, dims),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, dims),
            helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, dims),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [H])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="mindmate-build_onnx",
        producer_version="1",
    )
    model.ir_version = 8  # supported by every onnxruntime >= 1.14
    onnx.checker.check_model(model, full_check=True)
    data = model.SerializeToString(deterministic=True)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"wrote {out} ({len(data)} bytes) sha256={hashlib.sha256(data).hexdigest()}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <hf_model_dir> <out.onnx>")
    main(sys.argv[1], sys.argv[2])
