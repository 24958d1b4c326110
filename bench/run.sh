#!/usr/bin/env bash
# Winkel benchmark (./winkel bench): in one run, on 127.0.0.1 only,
#  1. throughput of the dynamic home page `/` (24 products on MariaDB)
#     against the very same bytes served by the same server as a static file
#     (goal: dynamic/static >= 0.5), and, for information, `/` rendered for
#     every request (a session cookie bypasses the page micro-cache);
#  2. the browser's first download as transferred (brotli or gzip, as the
#     server sends it): the .wasm, .js and .css the page names (goal:
#     <= 250 KB), and their immutable Cache-Control.
#
# Options: --strict (exit 1 when a goal is missed), --no-build (use the
# release build as it is). Environment: WINKEL_BENCH_PORT (3200),
# WINKEL_BENCH_DURATION (10s).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

bench_options bench/run.sh "$@"

PORT=${WINKEL_BENCH_PORT:-$(free_port 3200)} || exit 1
ADDR=127.0.0.1:$PORT
DURATION=${WINKEL_BENCH_DURATION:-10s}
THREADS=2
CONNECTIONS=16
DATABASE=winkel_bench
GOAL_RATIO=0.5
GOAL_GZIP_KB=250 # 1 KB = 1024 bytes

ensure_cmd wrk wrk
ensure_cmd curl curl
ensure_cmd gzip gzip
if [ "$build" = 1 ]; then
  build_release || die "the release build failed"
else
  [ -x "$(winkel_bin)" ] || die "no release build at $(winkel_bin); run without --no-build"
fi
BIN=$(winkel_bin)
OUT=$(winkel_target_dir)/winkel-bench
mkdir -p "$OUT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winkel-bench.XXXXXX")
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# A private copy of the release site (see snapshot_release_site).
SITE=$tmp/site
snapshot_release_site "$SITE" || die "no release site to benchmark"
export LEPTOS_SITE_ROOT=$SITE

log "MariaDB: a fresh database $DATABASE"
ensure_mariadb || die "MariaDB is not running and could not be started"
mariadb_setup_user || die "could not create the MariaDB user $MARIADB_USER"
mariadb_root_sql -e "DROP DATABASE IF EXISTS \`$DATABASE\`; CREATE DATABASE \`$DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" ||
  die "could not create database $DATABASE"

DATABASE_URL=$(mariadb_url "$DATABASE")
export DATABASE_URL WINKEL_UPLOADS_DIR=$tmp/uploads

log "winkel seed --demo on MariaDB"
"$BIN" seed --demo >"$tmp/seed.log" 2>&1 || {
  cat "$tmp/seed.log" >&2
  die "seeding $DATABASE failed"
}
log "winkel serve on $ADDR"
start_server "$OUT/server.log" "$ADDR" || die "the server did not start (log: $OUT/server.log)"

# The same bytes as a static file, served by the same server from its site
# root (in a subfolder: a one-segment path like /bench-home.html is taken by
# the content page route /{slug}). A copy is kept in $OUT.
STATIC_PATH=/bench/home.html
HOME_FILE=$SITE$STATIC_PATH
mkdir -p "$(dirname "$HOME_FILE")"
curl -fsS "http://$ADDR/" -o "$HOME_FILE" || die "GET / failed"
curl -fsS "http://$ADDR$STATIC_PATH" -o "$tmp/static.html" || die "GET $STATIC_PATH failed: are files in $SITE served?"
cmp -s "$HOME_FILE" "$tmp/static.html" || die "GET $STATIC_PATH does not return the bytes of GET /"
cp "$HOME_FILE" "$OUT/home.html"
products=$(grep -o 'href="/products/[^"]*"' "$HOME_FILE" | sort -u | wc -l)
[ "$products" -ge 24 ] || warn "the home page links $products products, expected 24"
home_bytes=$(wc -c <"$HOME_FILE")
home_gzip=$(gzip -9 -c "$HOME_FILE" | wc -c)

# wrk_run NAME PATH [wrk options]: the load, its raw output in $OUT/wrk-NAME.txt.
wrk_run() {
  local name=$1 path=$2
  shift 2
  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION $* http://$ADDR$path ($name)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://$ADDR$path" >"$OUT/wrk-$name.txt" ||
    die "wrk failed: $(cat "$OUT/wrk-$name.txt")"
}
# wrk_numbers NAME: "requests/s p50 p99 errors".
wrk_numbers() {
  awk '
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { v = $i; sub(/,$/, "", v); if (v ~ /^[0-9]+$/) errors += v } }
    END { printf "%s %s %s %d\n", (rps == "" ? 0 : rps), p50, p99, errors }' "$OUT/wrk-$1.txt"
}

log "warming up (2 s)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://$ADDR/" >/dev/null
wrk_run dynamic /
wrk_run static "$STATIC_PATH"
# For information: the page rendered for every request. Anonymous pages come
# from a short-lived micro-cache; a request with a session cookie bypasses it.
wrk_run rendered / -H "Cookie: winkel_session=bench"
read -r dyn_rps dyn_p50 dyn_p99 dyn_err < <(wrk_numbers dynamic)
read -r sta_rps sta_p50 sta_p99 sta_err < <(wrk_numbers static)
read -r ren_rps ren_p50 ren_p99 ren_err < <(wrk_numbers rendered)
ratio=$(awk -v d="$dyn_rps" -v s="$sta_rps" 'BEGIN { if (s > 0) printf "%.3f", d / s; else print "0" }')
ren_ratio=$(awk -v d="$ren_rps" -v s="$sta_rps" 'BEGIN { if (s > 0) printf "%.3f", d / s; else print "0" }')
ratio_ok=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r >= g) ? "met" : "MISSED" }')

# The browser's first visit to `/`: every /pkg file the page names (the
# hydrate wasm, its js, the css), fetched as a browser does, with
# `Accept-Encoding: br, gzip`, counted as transferred; each must come with
# the year-long immutable Cache-Control of a hashed name.
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
IMMUTABLE='public, max-age=31536000, immutable'
total_gz=0
sizes=''
cache_ok=met
pkg_files=$(grep -o '/pkg/[A-Za-z0-9._-]*' "$HOME_FILE" | sort -u)
[ -n "$pkg_files" ] || die "the home page names no /pkg file"
for f in $pkg_files; do
  read -r sent encoding < <(curl -fsS -o /dev/null -D "$tmp/headers" -H 'Accept-Encoding: br, gzip' \
    -w '%{size_download} %header{content-encoding}\n' "http://$ADDR$f") || die "GET $f failed"
  raw=$(wc -c <"$SITE$f")
  cache=$(sed -n 's/^cache-control: *//Ip' "$tmp/headers" | tr -d '\r')
  [ "$cache" = "$IMMUTABLE" ] || cache_ok=MISSED
  total_gz=$((total_gz + sent))
  sizes+=$(printf '  %-44s %8s KB raw %8s KB sent (%s)' "$f" "$(kb "$raw")" "$(kb "$sent")" "${encoding:-identity}")$'\n'
done
read -r page_sent < <(curl -fsS -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{size_download}\n' "http://$ADDR/")
size_ok=$(awk -v t="$total_gz" -v g="$GOAL_GZIP_KB" 'BEGIN { print (t <= g * 1024) ? "met" : "MISSED" }')
lazy=0
for w in "$SITE"/pkg/*.wasm; do
  grep -qxF "/pkg/${w##*/}" <<<"$pkg_files" || lazy=$((lazy + 1))
done

stop_server

{
  printf '\nWinkel benchmark, %s, %s cores, 127.0.0.1\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)"
  printf 'Throughput (wrk -t%s -c%s -d%s, one server, one run; MariaDB, %s products)\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$products"
  printf '  GET %-18s %10s req/s   p50 %8s   p99 %8s   (dynamic, %s KB, %s KB gzip)\n' \
    / "$dyn_rps" "$dyn_p50" "$dyn_p99" "$(kb "$home_bytes")" "$(kb "$home_gzip")"
  printf '  GET %-18s %10s req/s   p50 %8s   p99 %8s   (the same bytes, static file)\n' \
    "$STATIC_PATH" "$sta_rps" "$sta_p50" "$sta_p99"
  printf '  ratio dynamic/static   %10s         goal >= %s: %s\n' "$ratio" "$GOAL_RATIO" "$ratio_ok"
  printf '  GET %-18s %10s req/s   p50 %8s   p99 %8s   (for information: rendered every time,\n' \
    "/ + session cookie" "$ren_rps" "$ren_p50" "$ren_p99"
  printf '  %60s ratio to static %s)\n' "micro-cache bypassed;" "$ren_ratio"
  if [ "$dyn_err" -gt 0 ] || [ "$sta_err" -gt 0 ] || [ "$ren_err" -gt 0 ]; then
    printf '  WARNING: errors during the run (dynamic %s, static %s, rendered %s): these numbers are not valid\n' \
      "$dyn_err" "$sta_err" "$ren_err"
  fi
  printf 'First visit to / (release build; Accept-Encoding: br, gzip; as transferred)\n'
  printf '%s' "$sizes"
  printf '  %-44s %8s    %11s KB sent   goal <= %s KB: %s\n' "initial download (wasm+js+css)" "" "$(kb "$total_gz")" "$GOAL_GZIP_KB" "$size_ok"
  printf '  %-44s %8s    %11s KB sent   (for information)\n' "the page / itself" "" "$(kb "$page_sent")"
  printf '  Cache-Control of every /pkg file: %s (goal: %s)\n' "$cache_ok" "$IMMUTABLE"
  [ "$lazy" -eq 0 ] || printf '  (%s more .wasm files in pkg/ load lazily; not counted)\n' "$lazy"
  printf 'bench: dynamic/static %s (goal >= %s: %s), initial download %s KB as sent (goal <= %s KB: %s), /pkg cached immutable: %s\n' \
    "$ratio" "$GOAL_RATIO" "$ratio_ok" "$(kb "$total_gz")" "$GOAL_GZIP_KB" "$size_ok" "$cache_ok"
} >"$OUT/summary.txt"
cat "$OUT/summary.txt"
log "raw wrk output and this summary: $OUT"

if [ "$strict" = 1 ] && { [ "$ratio_ok" != met ] || [ "$size_ok" != met ] || [ "$cache_ok" != met ]; }; then
  exit 1
fi
