# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# Shared helpers for ./winkel, bench/run.sh and .ci/run. Source it; it sets
# no shell options itself. Progress goes to stderr, one "==>" line per step.
#
# Every ensure_* function installs what is missing (crates.io, npm, Debian's
# apt) and returns quickly when it is already there. Nothing is downloaded
# from anywhere else: no prebuilt binaries, no browser downloads.

WINKEL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Versions of the build tools. wasm-bindgen's is read from Cargo.toml.
CARGO_LEPTOS_VERSION=0.3.10
CARGO_DENY_VERSION=0.20.2
BINARYEN_VERSION=132 # npm package binaryen@132 (scripts/tools/package.json)
# cargo-leptos builds debug with this flag; tests use it too, so that both
# share one set of compiled dependencies.
ERASE_RUSTFLAGS="--cfg erase_components"

# MariaDB credentials the test and bench commands create for themselves.
MARIADB_USER=winkel
MARIADB_PASSWORD=winkel

# ---------------------------------------------------------------- messages

if [ -t 2 ]; then
  _bold=$'\033[1m' _red=$'\033[31m' _yellow=$'\033[33m' _off=$'\033[0m'
else
  _bold='' _red='' _yellow='' _off=''
fi

log() { printf '%s==> %s%s\n' "$_bold" "$*" "$_off" >&2; }
warn() { printf '%swinkel: warning: %s%s\n' "$_yellow" "$*" "$_off" >&2; }
die() {
  printf '%swinkel: error: %s%s\n' "$_red" "$*" "$_off" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_ci() { [ "${CI:-}" = true ]; }

# "1m05s" from a number of seconds.
fmt_duration() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# Runs a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    die "this step needs root (or sudo): $*"
  fi
}

# ---------------------------------------------------------------- apt

_apt_updated=
apt_install() {
  have apt-get || die "apt-get not found: install $* with your system's package manager"
  if [ -z "$_apt_updated" ]; then
    log "apt-get update"
    as_root apt-get update -qq >&2 || return 1
    _apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# ensure_cmd COMMAND DEBIAN-PACKAGE
ensure_cmd() {
  have "$1" || apt_install "$2" || return 1
  have "$1" || die "$1 is still missing after installing $2"
}

# ---------------------------------------------------------------- paths

# Cargo's target directory (honours CARGO_TARGET_DIR and cargo config).
winkel_target_dir() {
  if [ -z "${_winkel_target_dir:-}" ]; then
    _winkel_target_dir=$(cd "$WINKEL_ROOT" && cargo metadata --no-deps --format-version 1 2>/dev/null |
      grep -o '"target_directory":"[^"]*"' | head -n 1 | sed 's/^"target_directory":"//; s/"$//')
    [ -n "$_winkel_target_dir" ] || _winkel_target_dir=${CARGO_TARGET_DIR:-$WINKEL_ROOT/target}
    case $_winkel_target_dir in /*) ;; *) _winkel_target_dir=$WINKEL_ROOT/$_winkel_target_dir ;; esac
  fi
  printf '%s\n' "$_winkel_target_dir"
}

# The release binary: cargo-leptos builds it into <target-dir>/release.
winkel_bin() { printf '%s/release/winkel\n' "$(winkel_target_dir)"; }

# The site (pkg/, assets): `site-root` of Leptos.toml, relative to the repo
# root. It stays in the repository even when CARGO_TARGET_DIR points
# elsewhere (cargo-leptos only moves the wasm build, <target-dir>/front).
winkel_site_dir() {
  local root
  root=$(sed -n 's/^site-root *= *"\(.*\)".*/\1/p' "$WINKEL_ROOT/Leptos.toml" | tail -n 1)
  root=${root:-target/site}
  case $root in /*) printf '%s\n' "$root" ;; *) printf '%s/%s\n' "$WINKEL_ROOT" "$root" ;; esac
}

# The version of wasm-bindgen pinned in Cargo.toml (`wasm-bindgen = "=X"`).
wasm_bindgen_version() {
  sed -nE 's/^wasm-bindgen *= *"=?([0-9][0-9A-Za-z.+-]*)".*/\1/p' "$WINKEL_ROOT/Cargo.toml" | head -n 1
}

# ---------------------------------------------------------------- toolchain

ensure_rust() {
  have cargo || die "cargo not found: install Rust with rustup, then run this again"
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >&2 || return 1
  fi
}

ensure_rust_lints() {
  cargo fmt --version >/dev/null 2>&1 || { log "rustup component add rustfmt" && rustup component add rustfmt >&2; } || return 1
  cargo clippy --version >/dev/null 2>&1 || { log "rustup component add clippy" && rustup component add clippy >&2; } || return 1
}

ensure_cargo_leptos() {
  if have cargo-leptos && [ "$(cargo-leptos --version 2>/dev/null)" = "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    return 0
  fi
  log "cargo install cargo-leptos@$CARGO_LEPTOS_VERSION (12-24 minutes on 2 cores, once per machine)"
  # --locked: newer dependency versions need a newer rustc. no_downloads:
  # cargo-leptos never fetches binaries; it uses the tools on PATH.
  cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads >&2
}

# cargo-deny for `./winkel test` (licenses, bans, sources; see deny.toml).
ensure_cargo_deny() {
  if have cargo-deny && [ "$(cargo-deny --version 2>/dev/null)" = "cargo-deny $CARGO_DENY_VERSION" ]; then
    return 0
  fi
  log "cargo install cargo-deny@$CARGO_DENY_VERSION (about 10 minutes on 2 cores, once per machine)"
  # --locked: newer dependency versions need a newer rustc.
  cargo install "cargo-deny@$CARGO_DENY_VERSION" --locked >&2
}

# The shellcheck command for `./winkel test` (Debian's package).
ensure_shellcheck() { ensure_cmd shellcheck shellcheck; }

# promtool, which checks the Prometheus alerting rules of docs/monitoring/
# (Debian's prometheus package brings it).
ensure_promtool() { ensure_cmd promtool prometheus; }

ensure_wasm_bindgen() {
  local want
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "no pinned wasm-bindgen (wasm-bindgen = \"=X.Y.Z\") in Cargo.toml"
  if have wasm-bindgen && [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ]; then
    return 0
  fi
  log "cargo install wasm-bindgen-cli $want (about 3 minutes; must match the crate in Cargo.toml)"
  # Not --locked: its lock file names a dependency the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want" --force >&2
}

ensure_node() {
  if ! have node || ! have npm; then
    apt_install nodejs npm || return 1
  fi
}

# `npm ci` (or `npm install` without a lock file) in DIR when its
# node_modules is missing or older than the lock file.
npm_install_if_needed() {
  local dir=$1
  if [ -d "$dir/node_modules" ] &&
    { [ ! -f "$dir/package-lock.json" ] || [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    return 0
  fi
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in ${dir#"$WINKEL_ROOT"/}"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
  else
    log "npm install in ${dir#"$WINKEL_ROOT"/}"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund >&2)
  fi
}

# wasm-opt from the npm package binaryen@132, first on PATH. Debian's
# binaryen (108) optimises without complaint but breaks hydration, so a
# /usr/bin/wasm-opt must never be the one cargo-leptos finds.
ensure_binaryen() {
  local tools=$WINKEL_ROOT/scripts/tools
  ensure_node || return 1
  npm_install_if_needed "$tools" || return 1
  case ":$PATH:" in
    *":$tools/node_modules/.bin:"*) ;;
    *) export PATH="$tools/node_modules/.bin:$PATH" ;;
  esac
  local found version
  found=$(command -v wasm-opt) || die "wasm-opt missing after npm ci in scripts/tools"
  version=$(wasm-opt --version 2>/dev/null)
  case $version in
    *"version $BINARYEN_VERSION "* | *"version $BINARYEN_VERSION") ;;
    *) die "wasm-opt at $found is '$version', expected binaryen $BINARYEN_VERSION" ;;
  esac
}

# Everything `cargo leptos build --release` needs.
ensure_build_tools() {
  ensure_rust && ensure_cargo_leptos && ensure_wasm_bindgen && ensure_binaryen
}

ensure_chromium() {
  local chromium=${WINKEL_E2E_CHROMIUM:-/usr/bin/chromium}
  [ -x "$chromium" ] && return 0
  [ "$chromium" = /usr/bin/chromium ] || die "WINKEL_E2E_CHROMIUM=$chromium is not an executable"
  apt_install chromium || return 1
  [ -x /usr/bin/chromium ] || die "chromium is still missing after apt-get install chromium"
}

# ---------------------------------------------------------------- build

# The release server and site: <target-dir>/release/winkel and
# <site-root>/pkg/winkel.<hash>.{js,wasm,css} and the lazy islands' chunks
# (`--split`: the CMS and the account pages, which a visitor of the shop
# never downloads), each with a .br and a .gz
# beside it (served as they are: server/src/assets.rs), and the hash file
# copied from beside the binary into the site root, so that the site
# folder is complete on its own. Incremental: seconds when nothing changed.
build_release() {
  ensure_build_tools || return 1
  log "cargo leptos build --release --precompress --split (first time about 10 minutes on 2 cores)"
  # A fresh pkg/ each time: cargo-leptos 0.3.10 takes the hashed chunks and
  # their .br/.gz files of an earlier build for its own and fails on them.
  # It writes every file of pkg/ anew in any case.
  rm -rf "$(winkel_site_dir)/pkg"
  (cd "$WINKEL_ROOT" && cargo leptos build --release --precompress --split) || return 1
  [ -x "$(winkel_bin)" ] || die "the release build wrote no $(winkel_bin)"
  local hashes
  hashes="$(dirname "$(winkel_bin)")/hash.txt"
  [ -f "$hashes" ] || die "the release build wrote no $hashes (hash-files in Cargo.toml)"
  cp "$hashes" "$(winkel_site_dir)/hash.txt" || return 1
  site_pkg_file "$(winkel_site_dir)" wasm >/dev/null || die "the release build wrote no pkg/winkel.*.wasm in $(winkel_site_dir)"
}

# site_pkg_file SITE EXT: the site's pkg/winkel.<hash>.EXT (js, wasm, css),
# by the hash file; fails when it is missing.
site_pkg_file() {
  local site=$1 ext=$2 hash file
  hash=$(sed -n "s/^$ext: *//p" "$site/hash.txt" 2>/dev/null)
  file="$site/pkg/winkel.$hash.$ext"
  [ -n "$hash" ] && [ -f "$file" ] || return 1
  printf '%s\n' "$file"
}

# snapshot_release_site DEST: a private copy of the release site, for a
# server started with LEPTOS_SITE_ROOT=DEST, so that a debug build writing
# target/site meanwhile (cargo leptos watch) cannot change what it serves.
# Refuses a debug site: a release build's winkel.js is minified to one line.
snapshot_release_site() {
  local dest=$1 js
  rm -rf "$dest"
  cp -a "$(winkel_site_dir)" "$dest" || return 1
  if ! js=$(site_pkg_file "$dest" js) || ! site_pkg_file "$dest" wasm >/dev/null; then
    warn "no hash.txt with pkg/winkel.<hash>.js and .wasm in $(winkel_site_dir): build the release first"
    return 1
  fi
  if [ "$(wc -l <"$js")" -gt 20 ]; then
    warn "$(winkel_site_dir) holds a debug build (its winkel.js is not minified): was cargo leptos watch running?"
    return 1
  fi
}

# bench_options SCRIPT ARGS...: the two options of a bench script, --strict
# (exit 1 when a goal is missed) and --no-build (use the release build as
# it is); sets `strict` and `build`. Any other argument is a usage error.
bench_options() {
  local script=$1 arg
  shift
  strict=0 build=1
  for arg in "$@"; do
    case $arg in
      --strict) strict=1 ;;
      --no-build) build=0 ;;
      *) die "usage: $script [--strict] [--no-build]" ;;
    esac
  done
}

# bench_private_release NAME: for a bench that starts its own server.
# Private copies of the binary (WINKEL_BENCH_BIN, else the release build,
# built first unless --no-build) and of the site, so that a build writing
# the target directory meanwhile cannot change what is measured. Sets OUT
# (<target>/winkel-bench/NAME, emptied), tmp (removed at exit, when the
# server is stopped too), BIN and SITE.
bench_private_release() {
  local name=$1 from=${WINKEL_BENCH_BIN:-}
  if [ -n "$from" ]; then
    [ -x "$from" ] || die "WINKEL_BENCH_BIN=$from is not an executable"
  elif [ "$build" = 1 ]; then
    build_release || die "the release build failed"
  fi
  from=${from:-$(winkel_bin)}
  [ -x "$from" ] || die "no release build at $from; run without --no-build"
  OUT=$(winkel_target_dir)/winkel-bench/$name
  rm -rf "$OUT"
  mkdir -p "$OUT"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/winkel-bench-$name.XXXXXX")
  trap 'stop_server; rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM
  BIN=$tmp/winkel
  cp "$from" "$BIN"
  SITE=$tmp/site
  snapshot_release_site "$SITE" || die "no release site to benchmark"
}

# bench_serve_demo ADDR: the demo shop in a fresh SQLite file in $tmp, served
# by the private $BIN on ADDR (log in $OUT/server.log; stop_server stops it).
bench_serve_demo() {
  local addr=$1
  export DATABASE_URL="sqlite://$tmp/shop.sqlite?mode=rwc"
  log "winkel seed --demo (SQLite)"
  "$BIN" seed --demo >"$OUT/seed.log" 2>&1 || {
    cat "$OUT/seed.log" >&2
    die "seeding the shop failed"
  }
  port_in_use "${addr##*:}" && die "something already listens on $addr; stop it first"
  (WINKEL_ADDR=$addr exec "$BIN" serve) >"$OUT/server.log" 2>&1 &
  WINKEL_SERVER_PID=$!
  wait_healthy "$addr" "$WINKEL_SERVER_PID" 60 || {
    tail -n 40 "$OUT/server.log" >&2
    die "the server did not start"
  }
}

# ---------------------------------------------------------------- MariaDB

mariadb_ping() { as_root mariadb-admin --connect-timeout=2 ping >/dev/null 2>&1; }

# Starts the local MariaDB server unless it already answers; installs
# mariadb-server when missing. Waits at most 60 s.
ensure_mariadb() {
  if have mariadb-admin && mariadb_ping; then
    return 0
  fi
  if [ ! -x /usr/sbin/mariadbd ] || ! have mariadb; then
    apt_install mariadb-server mariadb-client || return 1
    mariadb_ping && return 0 # the package may have started it
  fi
  log "starting MariaDB"
  if [ ! -d /var/lib/mysql/mysql ]; then
    as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2 || return 1
  fi
  as_root install -d -m 0755 -o mysql -g mysql /run/mysqld || return 1
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql || return 1
  for _ in $(seq 1 60); do
    mariadb_ping && return 0
    sleep 1
  done
  warn "MariaDB did not answer within 60 s (see /var/log/mysql/error.log)"
  return 1
}

# Runs SQL (stdin, or -e '...') as MariaDB's root over the unix socket.
# shellcheck disable=SC2120
mariadb_root_sql() { as_root mariadb --protocol=socket -uroot "$@"; }

# User winkel/winkel (from 127.0.0.1 and localhost) with every right on the
# test databases (winkel_test_*, created and dropped by the Rust tests) and
# on the benchmarks' databases (winkel_bench*).
mariadb_setup_user() {
  local host
  {
    for host in 127.0.0.1 localhost; do
      printf "CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s';\n" "$MARIADB_USER" "$host" "$MARIADB_PASSWORD"
      printf "ALTER USER '%s'@'%s' IDENTIFIED BY '%s';\n" "$MARIADB_USER" "$host" "$MARIADB_PASSWORD"
      printf "GRANT ALL ON \`winkel\\\\_test%%\`.* TO '%s'@'%s';\n" "$MARIADB_USER" "$host"
      printf "GRANT ALL ON \`winkel\\\\_bench%%\`.* TO '%s'@'%s';\n" "$MARIADB_USER" "$host"
    done
  } | mariadb_root_sql --batch || return 1
  mariadb --protocol=tcp -h127.0.0.1 -P3306 -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" -e 'SELECT 1' >/dev/null ||
    { warn "cannot log in to MariaDB on 127.0.0.1:3306 as $MARIADB_USER"; return 1; }
}

# ---------------------------------------------------------------- Redis

# redis_setting PORT NAME: one setting of the Redis on 127.0.0.1:PORT.
redis_setting() { redis-cli -h 127.0.0.1 -p "$1" config get "$2" 2>/dev/null | sed -n 2p; }

# Whether the Redis on 127.0.0.1:PORT answers and keeps nothing on disk
# (what `winkel serve` demands of WINKEL_REDIS_URL).
redis_in_memory() {
  [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ] &&
    [ -z "$(redis_setting "$1" save)" ] && [ "$(redis_setting "$1" appendonly)" = no ]
}

# The URL of a Redis on 127.0.0.1 that keeps nothing on disk (6379, else
# ours on 6390), or nothing.
redis_test_url() {
  local port
  for port in 6379 6390; do
    if redis_in_memory "$port"; then
      printf 'redis://127.0.0.1:%s/\n' "$port"
      return 0
    fi
  done
  return 1
}

# A Redis in memory only for the shared-limit tests (issue 19): the
# machine's on 6379 when it persists nothing, else our own on 6390
# (started here, no snapshot, no append-only file). Installs redis-server
# when missing. Sets REDIS_TEST_URL (in this shell: `./winkel test` runs its
# steps in subshells and asks `redis_test_url` afterwards).
ensure_redis() {
  ensure_cmd redis-server redis-server || return 1
  local port
  if REDIS_TEST_URL=$(redis_test_url); then
    return 0
  fi
  port=6390
  log "starting Redis on 127.0.0.1:$port (in memory only)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir /tmp --daemonize yes --logfile /tmp/winkel-redis.log >&2 || return 1
  for _ in $(seq 1 50); do
    if redis_in_memory "$port"; then
      REDIS_TEST_URL=redis://127.0.0.1:$port/
      return 0
    fi
    sleep 0.1
  done
  warn "Redis did not answer on 127.0.0.1:$port (see /tmp/winkel-redis.log)"
  return 1
}

# A database URL without its password, for messages.
redact_url() { printf '%s\n' "$1" | sed 's|://\([^:@/]*\):[^@/]*@|://\1:***@|'; }

# URL of a database on the local MariaDB, as the winkel user.
mariadb_url() { printf 'mysql://%s:%s@127.0.0.1:3306/%s\n' "$MARIADB_USER" "$MARIADB_PASSWORD" "$1"; }

# ---------------------------------------------------------------- server

# port_in_use PORT: something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST: FIRST, or the next of the 20 ports after it that is free.
free_port() {
  local port
  for port in $(seq "$1" $(($1 + 20))); do
    port_in_use "$port" || {
      printf '%s\n' "$port"
      return 0
    }
  done
  warn "ports $1-$(($1 + 20)) on 127.0.0.1 are all in use"
  return 1
}

# wait_healthy ADDR PID SECONDS: until GET /healthz answers 200, while PID lives.
wait_healthy() {
  local addr=$1 pid=$2 seconds=${3:-60} url
  # With WINKEL_TLS_CERT the server speaks HTTPS only; its certificate may
  # be one made for testing, hence -k (this only asks whether it is up).
  if [ -n "${WINKEL_TLS_CERT:-}" ]; then url="https://$addr/healthz"; else url="http://$addr/healthz"; fi
  for _ in $(seq 1 $((seconds * 4))); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -fsSk -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

# start_server LOG ADDR: `winkel serve` from the release build in the
# background, on ADDR, with the caller's environment (DATABASE_URL,
# WINKEL_UPLOADS_DIR, WINKEL_TLS_CERT, ...). Adds its pid to
# WINKEL_SERVER_PID (a list: the e2e step runs a plain and an HTTPS server).
# Fails (showing the log) when the address is taken or the server does not
# become healthy in 60 s.
start_server() {
  local log=$1 addr=$2 pid
  if port_in_use "${addr##*:}"; then
    warn "something already listens on $addr; stop it first"
    return 1
  fi
  (cd "$WINKEL_ROOT" && WINKEL_ADDR=$addr exec "$(winkel_bin)" serve) >"$log" 2>&1 &
  pid=$!
  WINKEL_SERVER_PID="${WINKEL_SERVER_PID:+$WINKEL_SERVER_PID }$pid"
  if ! wait_healthy "$addr" "$pid" 60; then
    warn "winkel serve on $addr did not become healthy; last lines of $log:"
    tail -n 40 "$log" >&2
    stop_server
    return 1
  fi
}

# Stops the servers started by start_server (TERM, then KILL after 10 s).
stop_server() {
  local pids=${WINKEL_SERVER_PID:-} pid
  [ -n "$pids" ] || return 0
  WINKEL_SERVER_PID=
  for pid in $pids; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $pids; do
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
