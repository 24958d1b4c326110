#!/usr/bin/env bash
# Lighthouse in the browser (./winkel bench lighthouse; issue 13, goal 4):
# the release server on SQLite with the demo shop, and Lighthouse (npm,
# bench/lighthouse/package.json) driving Debian's Chromium with its
# default mobile emulation (a mid-range phone, slow 4G, 4x CPU slowdown)
# on `/`, a product page and `/checkout` with one product in the cart.
# Prints, per page, performance, LCP, CLS, total blocking time and
# accessibility against the goals: performance >= 95, LCP <= 1.5 s, CLS 0,
# TBT <= 100 ms, accessibility 100. Reports in target/winkel-bench/lighthouse.
#
# Options: --strict (exit 1 when a goal is missed), --no-build.
# Environment: WINKEL_BENCH_PORT (3260), WINKEL_BENCH_BIN (another binary).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

bench_options bench/lighthouse.sh "$@"

PORT=${WINKEL_BENCH_PORT:-$(free_port 3260)} || exit 1
ADDR=127.0.0.1:$PORT
COOKIE_NAME=winkel_session
PRODUCT=espressobonen-amsterdam

ensure_cmd curl curl
ensure_chromium || die "Chromium is missing"
ensure_node || die "Node.js is missing"
npm_install_if_needed "$WINKEL_ROOT/bench/lighthouse" || die "npm install of lighthouse failed"
LIGHTHOUSE=$WINKEL_ROOT/bench/lighthouse/node_modules/.bin/lighthouse
bench_private_release lighthouse
export LEPTOS_SITE_ROOT=$SITE WINKEL_SCHEDULER=off
export WINKEL_MAIL_DIR=$tmp/mail WINKEL_UPLOADS_DIR=$tmp/uploads
bench_serve_demo "$ADDR"

# A cart with one product, as the hydrated product page makes it.
curl -sS -o "$tmp/b" -X POST -H 'Accept: application/json' --data-urlencode "slug=$PRODUCT" \
  "http://$ADDR/api/get_product" || die "get_product failed"
id=$(grep -o '"id":[0-9]*' "$tmp/b" | head -n 1 | cut -d: -f2)
[ -n "$id" ] || die "no product id for $PRODUCT: $(head -c 300 "$tmp/b")"
curl -sS -D "$tmp/h" -o "$tmp/b" -X POST -H 'Accept: application/json' -d "product_id=$id&quantity=1" \
  "http://$ADDR/api/add_to_cart" || die "add_to_cart failed"
cart=$(tr -d '\r' <"$tmp/h" | sed -n "s/^set-cookie: $COOKIE_NAME=\\([^;]*\\).*/\\1/Ip" | tail -n 1)
[ -n "$cart" ] || die "add_to_cart set no session cookie"

# lighthouse NAME PATH [extra headers as JSON]: the JSON report in $OUT.
lighthouse() {
  local name=$1 path=$2 headers=${3:-}
  log "lighthouse $path (mobile emulation)"
  CHROME_PATH=${WINKEL_E2E_CHROMIUM:-/usr/bin/chromium} "$LIGHTHOUSE" "http://$ADDR$path" \
    --quiet --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    ${headers:+--extra-headers="$headers"} >"$OUT/$name.log" 2>&1 ||
    die "lighthouse $path failed: $(tail -n 5 "$OUT/$name.log")"
}
lighthouse home /
lighthouse product "/products/$PRODUCT"
lighthouse checkout /checkout "{\"Cookie\": \"$COOKIE_NAME=$cart\"}"
stop_server

python3 - "$OUT" home product checkout >"$OUT/summary.txt" <<'PY'
import json, sys, datetime, os
out, pages = sys.argv[1], sys.argv[2:]
goals = {"performance": 95, "lcp_ms": 1500, "cls": 0.0, "tbt_ms": 100, "accessibility": 100}
print()
print(f"Winkel Lighthouse benchmark, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, 127.0.0.1")
print("Lighthouse with its mobile emulation in Debian's Chromium; goals: performance >= 95, LCP <= 1.5 s, CLS 0, TBT <= 100 ms, accessibility 100")
print(f"  {'page':<10} {'performance':>11} {'LCP':>9} {'CLS':>7} {'TBT':>9} {'accessibility':>13}  verdict")
missed = []
for page in pages:
    report = json.load(open(f"{out}/{page}.json"))
    cat, audits = report["categories"], report["audits"]
    perf = round(cat["performance"]["score"] * 100)
    a11y = round(cat["accessibility"]["score"] * 100)
    lcp = audits["largest-contentful-paint"]["numericValue"]
    cls = audits["cumulative-layout-shift"]["numericValue"]
    tbt = audits["total-blocking-time"]["numericValue"]
    ok = perf >= goals["performance"] and lcp <= goals["lcp_ms"] and cls <= goals["cls"] and tbt <= goals["tbt_ms"] and a11y >= goals["accessibility"]
    if not ok:
        missed.append(page)
    print(f"  {page:<10} {perf:>11} {lcp / 1000:>8.2f}s {cls:>7.3f} {tbt:>7.0f}ms {a11y:>13}  {'met' if ok else 'MISSED'}")
print(f"bench: lighthouse, {len(pages) - len(missed)} of {len(pages)} pages at every goal ({'met' if not missed else 'MISSED: ' + ', '.join(missed)})")
PY
cat "$OUT/summary.txt"
log "the Lighthouse reports (JSON) and this summary: $OUT"

if [ "$strict" = 1 ] && grep -q 'MISSED' "$OUT/summary.txt"; then
  exit 1
fi
