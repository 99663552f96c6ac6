#!/usr/bin/env bash
# The one test command (npm test). Installs and starts what the tests need, runs lint,
# typecheck, the node:test suites (unit + integration against four real Redis-family servers)
# and the Playwright suite against a production build, then prints one summary line:
#   N passed, N failed, N skipped
# Options: --unit (no servers, no browser), --no-e2e, --only PATTERN (node:test files).
# PATTERN is a path (tests/integration/probe.test.ts, also relative to the caller's directory)
# or an extended regex on the paths under tests/unit and tests/integration; further arguments
# that are not options are more patterns (npm run test:one -- a.test.ts 'bot-(webhook|commands)').
set -uo pipefail
CALLER_DIR="${INIT_CWD:-$PWD}" # npm run cds to the package; INIT_CWD is where it was typed
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export MINDMATE_CACHE="${MINDMATE_CACHE:-$HOME/.cache/mindmate}"
RESULTS="$ROOT/test-results"
mkdir -p "$RESULTS"

UNIT_ONLY=0; E2E=1; ONLY=""; patterns=()
while [ $# -gt 0 ]; do
  case "$1" in
    --unit) UNIT_ONLY=1; E2E=0 ;;
    --no-e2e) E2E=0 ;;
    --only) [ $# -ge 2 ] && [ -n "$2" ] || { echo "--only needs a test file or a regex" >&2; exit 2; }; patterns+=("$2"); shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) patterns+=("$1") ;;
  esac
  shift
done
[ ${#patterns[@]} -gt 0 ] && { ONLY=1; E2E=0; }

# The node:test files to run, chosen before anything is started. A pattern that names an
# existing file selects exactly that file; any other pattern is a regex on the paths.
all_files=$(ls tests/unit/*.test.ts tests/integration/*.test.ts 2>/dev/null)
if [ -n "$ONLY" ]; then
  files=""
  for p in "${patterns[@]}"; do
    f=""
    for cand in "$p" "$CALLER_DIR/$p" "$ROOT/$p"; do
      case "$cand" in /*) ;; *) continue ;; esac # relative names only through CALLER_DIR or ROOT
      [ -f "$cand" ] && { f="$(cd "$(dirname "$cand")" && pwd -P)/$(basename "$cand")"; f="${f#"$(pwd -P)/"}"; break; }
    done
    if [ -n "$f" ]; then
      if ! grep -qxF "$f" <<<"$all_files"; then
        echo "$p is not a node:test file (tests/unit/*.test.ts, tests/integration/*.test.ts)" >&2
        case "$f" in *.spec.ts) echo "a Playwright spec runs with npx playwright test $f (see tests/README.md)" >&2 ;; esac
        exit 2
      fi
      files+="$f"$'\n'
    else
      m=$(grep -E -- "$p" <<<"$all_files")
      [ -n "$m" ] || { echo "no test file matches '$p' (a path, or a regex on tests/unit/*.test.ts and tests/integration/*.test.ts)" >&2; exit 2; }
      files+="$m"$'\n'
    fi
  done
  files=$(sort -u <<<"$files" | sed '/^$/d')
  echo "test files: $(tr '\n' ' ' <<<"$files")"
elif [ "$UNIT_ONLY" = 1 ]; then
  files=$(ls tests/unit/*.test.ts)
else
  files=$all_files
fi

passed=0; failed=0; skipped=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + ${3:-0})); }
step() { echo; echo "=== $* ==="; }

[ -d node_modules ] || { step "npm ci"; npm ci --no-audit --no-fund; }

if [ -z "$ONLY" ]; then
  step "lint"
  if npx eslint . --max-warnings 0; then count 1 0; else count 0 1; fi
  step "format (prettier --check; fix with npm run format)"
  if npx prettier --check . --log-level warn; then count 1 0; else count 0 1; fi
  step "typecheck"
  if npx tsc --noEmit; then count 1 0; else count 0 1; fi
fi

cleanup() { [ "$UNIT_ONLY" = 1 ] || bash scripts/test-servers.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

if [ "$UNIT_ONLY" = 0 ]; then
  step "test servers"
  env_lines=$(bash scripts/test-servers.sh start) || { echo "could not start the test servers" >&2; count 0 1; }
  eval "$env_lines"
  step "embedding model"
  model_root=$(bash scripts/model/fetch-test-model.sh | tail -n 1) || { echo "could not fetch the test model" >&2; count 0 1; }
  export EMBEDDING_MODEL_DIR="$model_root"
fi

step "node:test"
tap="$RESULTS/node-test.tap"
# shellcheck disable=SC2086
NODE_ENV=test node --conditions=react-server --import tsx --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" $files
node_rc=$?
n_pass=$(grep -E '^# pass ' "$tap" | awk '{print $3}'); n_fail=$(grep -E '^# fail ' "$tap" | awk '{print $3}')
n_skip=$(grep -E '^# skipped ' "$tap" | awk '{print $3}'); n_todo=$(grep -E '^# todo ' "$tap" | awk '{print $3}')
n_cancel=$(grep -E '^# cancelled ' "$tap" | awk '{print $3}')
count "${n_pass:-0}" "$(( ${n_fail:-0} + ${n_cancel:-0} ))" "$(( ${n_skip:-0} + ${n_todo:-0} ))"
if [ "$node_rc" != 0 ] && [ "${n_fail:-0}" = 0 ] && [ "${n_cancel:-0}" = 0 ]; then count 0 1; fi

if [ "$E2E" = 1 ] && ls tests/e2e/*.spec.ts >/dev/null 2>&1; then
  step "playwright (production build)"
  bash scripts/ensure-chromium.sh || count 0 1
  report="$RESULTS/playwright.json"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test --reporter=list,json
  pw_rc=$?
  if [ -f "$report" ]; then
    read -r p f s < <(node -e 'const r=require(process.argv[1]).stats;console.log(r.expected, r.unexpected + (r.flaky||0)*0, r.skipped)' "$report")
    count "$p" "$f" "$s"
  fi
  if [ "$pw_rc" != 0 ] && [ "${f:-0}" = 0 ]; then count 0 1; fi
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
