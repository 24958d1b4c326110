#!/usr/bin/env bash
# Server memory under a mixed load (./winkel bench memory; issue 13, goal 5):
# `winkel serve` on SQLite (the embedded default: its page cache lives in
# the server process) with the demo shop, then 60 s of, at once,
#  - wrk with bench/mixed.lua: anonymous browsing, a visitor with a cart
#    browsing /, /cart, /checkout and products, new visitors adding to a
#    cart (a new session each);
#  - a shopper checking out as a guest again and again (a new cart, the
#    form token, 2 s to fill in, place_order), as the browser posts it.
# Prints the resident memory (VmRSS) before and after the load and its peak
# (VmHWM), against the goal: RSS after the load <= 64 MB.
#
# Options: --strict (exit 1 when the goal is missed), --no-build.
# Environment: WINKEL_BENCH_PORT (3250), WINKEL_BENCH_LOAD_SECONDS (60),
# WINKEL_BENCH_BIN (another binary).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

bench_options bench/memory.sh "$@"

PORT=${WINKEL_BENCH_PORT:-$(free_port 3250)} || exit 1
ADDR=127.0.0.1:$PORT
SECONDS_OF_LOAD=${WINKEL_BENCH_LOAD_SECONDS:-60}
GOAL_MB=64
COOKIE_NAME=winkel_session
JSON='Accept: application/json'

ensure_cmd wrk wrk
ensure_cmd curl curl
bench_private_release memory
# The checkouts all come from 127.0.0.1: the form limit (AVG-19) would
# stop them after ten; what is measured here is memory, not that limit.
export LEPTOS_SITE_ROOT=$SITE WINKEL_SCHEDULER=off WINKEL_FORM_LIMIT=10000
export WINKEL_MAIL_DIR=$tmp/mail WINKEL_UPLOADS_DIR=$tmp/uploads
bench_serve_demo "$ADDR"
PID=$WINKEL_SERVER_PID

# kB of a /proc/PID/status field (VmRSS, VmHWM).
proc_kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$PID/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# api ENDPOINT COOKIE [curl args]: POST /api/ENDPOINT as the hydrated app
# sends it; headers in $2.h, body in $2.b of the caller's folder ($dir).
api() {
  local dir=$1 endpoint=$2 cookie=$3
  shift 3
  curl -sS -D "$dir/h" -o "$dir/b" -w '%{http_code}' --max-time 30 -H "$JSON" \
    ${cookie:+-H "Cookie: $COOKIE_NAME=$cookie"} -X POST "http://$ADDR/api/$endpoint" "$@" || echo 000
}
set_cookie() { tr -d '\r' <"$1/h" | sed -n "s/^set-cookie: $COOKIE_NAME=\\([^;]*\\).*/\\1/Ip" | tail -n 1; }

# The products of the home page and their ids.
curl -fsS "http://$ADDR/" -o "$tmp/home.html" || die "GET / failed"
SLUGS=$(grep -o 'href="/products/[^"]*"' "$tmp/home.html" | sed 's|href="/products/||; s|"$||' | sort -u | head -n 12 | tr '\n' ' ')
[ -n "$SLUGS" ] || die "the home page links no product"
IDS=''
for slug in $SLUGS; do
  [ "$(api "$tmp" get_product '' --data-urlencode "slug=$slug")" = 200 ] || die "get_product $slug: $(head -c 300 "$tmp/b")"
  IDS+="$(grep -o '"id":[0-9]*' "$tmp/b" | head -n 1 | cut -d: -f2) "
done
first_id=${IDS%% *}
read -ra ID_LIST <<<"$IDS"

# The visitor with a cart whose pages wrk renders.
[ "$(api "$tmp" add_to_cart '' -d "product_id=$first_id&quantity=1")" = 200 ] || die "add_to_cart: $(head -c 300 "$tmp/b")"
cart_cookie=$(set_cookie "$tmp")
[ -n "$cart_cookie" ] || die "add_to_cart set no session cookie"

# checkouts UNTIL: guest checkouts until the epoch second UNTIL; one line
# per attempt in $OUT/checkouts.txt (the status of place_order).
checkouts() {
  local until=$1 dir=$tmp/checkout i=0 cookie token status
  mkdir -p "$dir"
  while [ "$(date +%s)" -lt "$until" ]; do
    i=$((i + 1))
    local id
    id=${ID_LIST[i % ${#ID_LIST[@]}]}
    [ "$(api "$dir" add_to_cart '' -d "product_id=$id&quantity=1")" = 200 ] || {
      echo "add_to_cart $(head -c 100 "$dir/b")" >>"$OUT/checkouts.txt"
      sleep 1
      continue
    }
    cookie=$(set_cookie "$dir")
    [ "$(api "$dir" form_token "$cookie")" = 200 ] || {
      echo "form_token $(head -c 100 "$dir/b")" >>"$OUT/checkouts.txt"
      sleep 1
      continue
    }
    token=$(tr -d '"' <"$dir/b")
    curl -sS -o /dev/null --max-time 30 -H "Cookie: $COOKIE_NAME=$cookie" "http://$ADDR/checkout" || true
    sleep 2.2
    status=$(api "$dir" place_order "$cookie" --data-urlencode "email=koper$i@example.nl" \
      --data-urlencode first_name=Koper --data-urlencode last_name=Geheugen --data-urlencode gender=x \
      --data-urlencode street=Dorpsstraat --data-urlencode house_number=$i --data-urlencode postcode=3511AB \
      --data-urlencode city=Utrecht --data-urlencode country=NL --data-urlencode phone=0612345678 \
      --data-urlencode delivery_method=shipping --data-urlencode payment_method=bank_transfer \
      --data-urlencode "form_started=$token")
    echo "place_order $status" >>"$OUT/checkouts.txt"
  done
}

log "warming up (5 s)"
WINKEL_BENCH_COOKIE="$COOKIE_NAME=$cart_cookie" WINKEL_BENCH_PRODUCTS=$SLUGS WINKEL_BENCH_PRODUCT_IDS=$IDS \
  wrk -t2 -c16 -d5s -s bench/mixed.lua "http://$ADDR" >/dev/null
rss_before=$(proc_kb VmRSS)

log "mixed load for ${SECONDS_OF_LOAD} s (wrk -t2 -c16 with bench/mixed.lua, and guest checkouts)"
: >"$OUT/checkouts.txt"
checkouts $(($(date +%s) + SECONDS_OF_LOAD)) &
checkout_pid=$!
WINKEL_BENCH_COOKIE="$COOKIE_NAME=$cart_cookie" WINKEL_BENCH_PRODUCTS=$SLUGS WINKEL_BENCH_PRODUCT_IDS=$IDS \
  wrk -t2 -c16 -d"${SECONDS_OF_LOAD}s" --latency -s bench/mixed.lua "http://$ADDR" >"$OUT/wrk.txt" ||
  die "wrk failed: $(cat "$OUT/wrk.txt")"
wait "$checkout_pid" || true
rss_after=$(proc_kb VmRSS)
rss_peak=$(proc_kb VmHWM)
kill -0 "$PID" 2>/dev/null || die "the server died under the load (log: $OUT/server.log)"

requests=$(awk '/requests in/ { print $1 }' "$OUT/wrk.txt")
rps=$(awk '/^Requests\/sec:/ { print $2 }' "$OUT/wrk.txt")
p99=$(awk '/^ +99%/ { print $2 }' "$OUT/wrk.txt")
non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$OUT/wrk.txt")
orders=$(grep -c '^place_order 200$' "$OUT/checkouts.txt" || true)
failed=$(grep -vc '^place_order 200$' "$OUT/checkouts.txt" || true)
ok=$(awk -v r="$rss_after" -v g="$GOAL_MB" 'BEGIN { print (r <= g * 1024) ? "met" : "MISSED" }')

{
  printf '\nWinkel memory benchmark, %s, %s cores, 127.0.0.1, SQLite\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)"
  printf '  load: %s s, %s requests (%s req/s, p99 %s, %s non-2xx), %s guest checkouts placed, %s refused\n' \
    "$SECONDS_OF_LOAD" "$requests" "$rps" "$p99" "${non2xx:-0}" "$orders" "$failed"
  printf '  RSS before the load %8s MB\n' "$(mb "$rss_before")"
  printf '  RSS after the load  %8s MB   goal <= %s MB: %s\n' "$(mb "$rss_after")" "$GOAL_MB" "$ok"
  printf '  peak RSS (VmHWM)    %8s MB\n' "$(mb "$rss_peak")"
  printf 'bench: memory, RSS after %s s of mixed load %s MB (goal <= %s MB: %s)\n' \
    "$SECONDS_OF_LOAD" "$(mb "$rss_after")" "$GOAL_MB" "$ok"
} >"$OUT/summary.txt"
cat "$OUT/summary.txt"
log "raw wrk output, the checkouts and this summary: $OUT"

if [ "$strict" = 1 ] && [ "$ok" != met ]; then
  exit 1
fi
