#!/usr/bin/env bash
# Builds the production app and serves it the way it is deployed (output: "standalone"), for
# the Playwright suite. Configuration comes from the environment (tests/e2e/global-setup.ts
# sets REDIS_URL, REDIS_PREFIX, ADMIN_PASSWORD, OPENAI_BASE_URL, EMBEDDING_MODEL_DIR…).
#
# The build runs in a private mirror of the repo (E2E_APP_DIR, default
# ~/.cache/mindmate/e2e-app; node_modules hard-linked, so it costs no copy), never in ./.next:
# another `next build` (the deploy tests, a developer) must not swap chunks under the running
# server.
#   E2E_PORT        port to listen on (default 3100)
#   E2E_SKIP_BUILD  1 = reuse the mirror's existing build (quick reruns after test-only edits)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PORT="${E2E_PORT:-3100}"
APP="${E2E_APP_DIR:-${MINDMATE_CACHE:-$HOME/.cache/mindmate}/e2e-app}"
mkdir -p "$APP"

if [ "${E2E_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$APP/.next/standalone/server.js" ]; then
  echo "[e2e-server] mirroring sources into $APP"
  excludes=(--exclude=/node_modules --exclude=/.next --exclude=/.git --exclude=/test-results --exclude=/playwright-report --exclude=/bench/results --exclude=/data)
  if command -v rsync >/dev/null; then
    rsync -a --delete "${excludes[@]}" "$ROOT/" "$APP/"
  else
    find "$APP" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .next ! -name .node_modules.lock -exec rm -rf {} +
    tar -C "$ROOT" "${excludes[@]/=\//=./}" -cf - . | tar -C "$APP" -xf -
  fi
  if ! cmp -s "$ROOT/package-lock.json" "$APP/.node_modules.lock"; then
    echo "[e2e-server] linking node_modules"
    rm -rf "$APP/node_modules"
    cp -al "$ROOT/node_modules" "$APP/node_modules" 2>/dev/null || cp -a "$ROOT/node_modules" "$APP/node_modules"
    cp "$ROOT/package-lock.json" "$APP/.node_modules.lock"
  fi
  echo "[e2e-server] next build"
  (cd "$APP" && NODE_ENV=production npx next build)
fi

# The standalone server does not include static assets or public/: copy them beside it.
rm -rf "$APP/.next/standalone/.next/static"
cp -r "$APP/.next/static" "$APP/.next/standalone/.next/static"
if [ -d "$APP/public" ]; then rm -rf "$APP/.next/standalone/public" && cp -r "$APP/public" "$APP/.next/standalone/public"; fi

echo "[e2e-server] starting on http://127.0.0.1:${PORT}"
cd "$APP/.next/standalone"
export PORT HOSTNAME=127.0.0.1 NODE_ENV=production
# The server must not outlive whoever started it (Playwright killed with its runner): with its
# stdout pipe gone it would spin at 100 % CPU on EPIPE (Next's error handler logs, the write
# fails, it logs again). So it runs as a child, watched once a second, and stops with the parent.
parent=$PPID
node server.js &
srv=$!
trap 'kill "$srv" 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT
while kill -0 "$srv" 2>/dev/null && kill -0 "$parent" 2>/dev/null; do sleep 1; done
kill -0 "$parent" 2>/dev/null || exit 0 # the parent is gone: the EXIT trap stops the server
wait "$srv"
