#!/usr/bin/env bash
# Add the int8 graph for EMBEDDING_DTYPE=q8 (onnx/model_quantized.onnx) beside the float32 one
# that fetch-test-model.sh builds from the PyPI-pinned all-MiniLM-L6-v2 weights. quantize_q8.py
# runs onnxruntime's quantize_dynamic in a venv of pinned wheels; the output is deterministic
# and pinned by sha256 below. Idempotent. Progress on stderr; the LAST stdout line is the
# MODEL_ROOT to use as EMBEDDING_MODEL_DIR (with EMBEDDING_DTYPE=q8).
#
# `EMBEDDING_DTYPE=q8 npm run model:fetch -- --from-pypi` runs it. Measured (docs/performance.md):
# min cosine 0.962 vs sentence-transformers (fp32: 0.9999993), LoCoMo dev recall@k within ±0.006
# of fp32, 2-4x the single-text embeds/s: an opt-in, fp32 stays the default.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Full closure, installed with --no-deps so nothing floats (onnxruntime matches onnxruntime-node).
QUANT_REQS=(numpy==2.2.6 onnx==1.19.1 protobuf==7.36.2 ml_dtypes==0.6.0 typing_extensions==4.16.0 onnxruntime==1.30.0 packaging==26.4 flatbuffers==25.12.19)
Q8_SHA256="2190200159f57aef0bddffba07aa03c492f872ba30578593ff4c6adf259464a5"

log() { printf '[build-q8] %s\n' "$*" >&2; }
die() { printf '[build-q8] ERROR: %s\n' "$*" >&2; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

MODEL_ROOT="$(bash "$HERE/fetch-test-model.sh" | tail -n 1)"
ONNX_DIR="$MODEL_ROOT/Xenova/all-MiniLM-L6-v2/onnx"
OUT="$ONNX_DIR/model_quantized.onnx"
if [[ -f "$OUT" && "$(sha256 "$OUT")" == "$Q8_SHA256" ]]; then
  log "cached: $OUT"
  echo "$MODEL_ROOT"
  exit 0
fi

CACHE="${MINDMATE_CACHE:-$HOME/.cache/mindmate}"
PY="${PYTHON:-python3}"
REQS_KEY="$(printf '%s\n' "${QUANT_REQS[@]}" | sha256sum | cut -c1-12)"
VENV="$CACHE/venv-model-q8-$REQS_KEY"
if [[ ! -x "$VENV/bin/python" || ! -f "$VENV/.complete" ]]; then
  log "creating venv $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" >&2 || die "'$PY -m venv' failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: "${QUANT_REQS[@]}" >&2 || die "pip install of ${QUANT_REQS[*]} failed"
  touch "$VENV/.complete"
fi

STAGE="$(mktemp -d "$ONNX_DIR/.q8.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
log "quantising $ONNX_DIR/model.onnx (dynamic int8, per-channel MatMul weights)"
"$VENV/bin/python" "$HERE/quantize_q8.py" "$ONNX_DIR/model.onnx" "$STAGE/model_quantized.onnx" 2> >(grep -v 'consider to run pre-processing' >&2)
got="$(sha256 "$STAGE/model_quantized.onnx")"
[[ "$got" == "$Q8_SHA256" ]] || die "model_quantized.onnx sha256 $got != pinned $Q8_SHA256 (quantize_q8.py or its pinned wheels changed? If intended, re-measure parity and update Q8_SHA256)"
mv "$STAGE/model_quantized.onnx" "$OUT"
log "ready: $OUT"
echo "$MODEL_ROOT"
