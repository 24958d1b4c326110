#!/usr/bin/env bash
# Winkel sessions benchmark (issue 13, goal 3), part of ./winkel bench. In one
# run, on 127.0.0.1 only, for SQLite and for MariaDB in turn:
#  - the demo shop, a fresh database, one release server;
#  - two REAL stored sessions, made as a browser makes them: a visitor who
#    put a product in the cart (POST /api/add_to_cart, its Set-Cookie), and
#    a customer who registered, logged in (through the form guard, with a
#    form token 2 s old) and put the same product in the cart;
#  - for each of them `/`, the product page and `/cart` with the session
#    cookie (the anonymous page micro-cache never answers those: every
#    request is rendered), against the very same bytes served from memory
#    by the same server through the same layers (`WINKEL_BENCH_MEMORY=on`,
#    GET /bench/memory/NAME, checked byte for byte), each with wrk;
#  - req/s, p50 and p99 of both and the ratio rendered/memory
#    (goal >= 0.25, moonshot 0.5), and the CPU time each rendered request
#    cost the server, and the database and Redis servers beside it (from
#    /proc: steadier from one run to the next than req/s on a machine
#    whose two cores wrk shares).
# Before the load each page is checked to be rendered for its session (the
# cart holds the product, the customer is named) and to write nothing: no
# Set-Cookie, so no session save.
#
# Options: --strict (exit 1 when a ratio misses the goal), --no-build (use
# the release build as it is). Environment: WINKEL_BENCH_SESSIONS_PORT
# (3220), WINKEL_BENCH_DURATION (10s), WINKEL_BENCH_DATABASES ("sqlite
# mariadb"), WINKEL_BENCH_BIN (measure this `winkel` binary instead of the
# release build, e.g. an older one for a before/after; it must know
# WINKEL_BENCH_MEMORY), WINKEL_BENCH_MARIADB_REDIS (on: MariaDB with the
# Redis on this machine, as several instances on MariaDB run and as the
# kept sessions need there; off: every page reads its session row).
# Raw output in <target-dir>/winkel-bench/sessions/.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

bench_options bench/sessions.sh "$@"

PORT=${WINKEL_BENCH_SESSIONS_PORT:-$(free_port 3220)} || exit 1
ADDR=127.0.0.1:$PORT
DURATION=${WINKEL_BENCH_DURATION:-10s}
DATABASES=${WINKEL_BENCH_DATABASES:-sqlite mariadb}
THREADS=2
CONNECTIONS=16
GOAL=0.25
MOONSHOT=0.5
MARIADB_DATABASE=winkel_bench_sessions
PRODUCT=espressobonen-amsterdam
PAGES=("/" "/products/$PRODUCT" "/cart")
EMAIL=bench-sessie@example.nl
PASSWORD='vier koeien in de wei'
FIRST_NAME=Bench
COOKIE_NAME=winkel_session
JSON='Accept: application/json'

ensure_cmd wrk wrk
ensure_cmd curl curl
bench_private_release sessions
mkdir -p "$SITE/bench"
export LEPTOS_SITE_ROOT=$SITE WINKEL_BENCH_MEMORY=on WINKEL_SCHEDULER=off
export WINKEL_MAIL_DIR=$tmp/mail

# serve LOG: the private binary on $ADDR (stop_server stops it).
serve() {
  if port_in_use "$PORT"; then
    warn "something already listens on $ADDR; stop it first"
    return 1
  fi
  (WINKEL_ADDR=$ADDR exec "$BIN" serve) >"$1" 2>&1 &
  WINKEL_SERVER_PID="${WINKEL_SERVER_PID:+$WINKEL_SERVER_PID }$!"
  wait_healthy "$ADDR" "$!" 60 || {
    tail -n 40 "$1" >&2
    return 1
  }
}

# api ENDPOINT COOKIE [curl args]: POST /api/ENDPOINT as the hydrated app
# sends it; headers in $tmp/h, body in $tmp/b; prints the status.
api() {
  local endpoint=$1 cookie=$2
  shift 2
  curl -sS -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' --max-time 30 -H "$JSON" \
    ${cookie:+-H "Cookie: $COOKIE_NAME=$cookie"} -X POST "http://$ADDR/api/$endpoint" "$@"
}
# The session cookie the last api call set, if any.
set_cookie() { tr -d '\r' <"$tmp/h" | sed -n "s/^set-cookie: $COOKIE_NAME=\\([^;]*\\).*/\\1/Ip" | tail -n 1; }
must() {
  local what=$1 status=$2
  [ "$status" = 200 ] || die "$what answered $status: $(head -c 300 "$tmp/b")"
}

# The two sessions: "cart" (a product in the cart) and "customer" (logged
# in, the product in the cart). Sets COOKIE_cart and COOKIE_customer.
make_sessions() {
  local status id token
  must "get_product" "$(api get_product '' --data-urlencode "slug=$PRODUCT")"
  id=$(grep -o '"id":[0-9]*' "$tmp/b" | head -n 1 | cut -d: -f2)
  [ -n "$id" ] || die "no product id for $PRODUCT: $(head -c 300 "$tmp/b")"

  must "add_to_cart" "$(api add_to_cart '' -d "product_id=$id&quantity=1")"
  COOKIE_cart=$(set_cookie)
  [ -n "$COOKIE_cart" ] || die "add_to_cart set no $COOKIE_NAME cookie"

  # A form token as the pages hand it out; a person takes 2 s to fill in.
  token=''
  status=$(api form_token '') || true
  [ "$status" = 200 ] && token=$(tr -d '"' <"$tmp/b")
  if [ -z "$token" ]; then
    token=$(curl -sS --max-time 30 "http://$ADDR/login" |
      sed -n 's/.*name="form_started"[^>]*value="\([^"]*\)".*/\1/p; s/.*value="\([0-9]*\.[A-Za-z0-9_-]*\)"[^>]*name="form_started".*/\1/p' | head -n 1)
  fi
  [ -n "$token" ] || die "no form token (POST /api/form_token, /login)"
  sleep 2.5
  must "register" "$(api register '' --data-urlencode "email=$EMAIL" \
    --data-urlencode "first_name=$FIRST_NAME" --data-urlencode last_name=Sessie --data-urlencode gender=x \
    --data-urlencode street=Dorpsstraat --data-urlencode house_number=1 --data-urlencode postcode=1234AB \
    --data-urlencode city=Utrecht --data-urlencode country=NL --data-urlencode phone=0612345678 \
    --data-urlencode "password=$PASSWORD" --data-urlencode "form_started=$token")"
  must "login" "$(api login '' --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "form_started=$token")"
  COOKIE_customer=$(set_cookie)
  [ -n "$COOKIE_customer" ] || die "login set no $COOKIE_NAME cookie"
  must "add_to_cart (customer)" "$(api add_to_cart "$COOKIE_customer" -d "product_id=$id&quantity=1")"
  local again
  again=$(set_cookie)
  [ -z "$again" ] || COOKIE_customer=$again

  # Both are real: the store holds them.
  local who
  for who in cart customer; do
    local cookie_var=COOKIE_$who
    must "get_cart ($who)" "$(api get_cart "${!cookie_var}")"
    grep -q '"item_count":1' "$tmp/b" || die "the $who session's cart is not there: $(head -c 300 "$tmp/b")"
  done
  must "whoami" "$(api whoami "$COOKIE_customer")"
  grep -q "\"$FIRST_NAME\"" "$tmp/b" || die "the customer session is not logged in: $(cat "$tmp/b")"
}

TICKS_PER_SECOND=$(getconf CLK_TCK)
# cpu_ticks PID...: user and system CPU ticks the processes used so far.
cpu_ticks() {
  local pid total=0 fields
  for pid in "$@"; do
    # Fields after the command name (which may hold spaces): utime is the
    # 12th, stime the 13th.
    fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + $(awk '{ print $12 + $13 }' <<<"$fields")))
  done
  printf '%s\n' "$total"
}
# The database and Redis servers the shop talks to (none for SQLite).
helper_pids() { [ "$1" = sqlite ] || pgrep -x 'mariadbd|mysqld|redis-server' | tr '\n' ' '; }

# wrk_run NAME PATH COOKIE: the load, its raw output in $OUT/wrk-NAME.txt,
# the CPU ticks of the server and of its helpers in $OUT/cpu-NAME.txt.
wrk_run() {
  local name=$1 path=$2 cookie=$3 server_before helpers_before
  log "wrk -t$THREADS -c$CONNECTIONS -d$DURATION $path ($name)"
  # shellcheck disable=SC2086 # lists of pids
  server_before=$(cpu_ticks $WINKEL_SERVER_PID) helpers_before=$(cpu_ticks $HELPERS)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE_NAME=$cookie" \
    "http://$ADDR$path" >"$OUT/wrk-$name.txt" || die "wrk failed: $(cat "$OUT/wrk-$name.txt")"
  # shellcheck disable=SC2086
  printf '%s %s\n' "$(($(cpu_ticks $WINKEL_SERVER_PID) - server_before))" \
    "$(($(cpu_ticks $HELPERS) - helpers_before))" >"$OUT/cpu-$name.txt"
}
# cpu_per_request NAME: "server helpers" CPU milliseconds per request.
cpu_per_request() {
  local requests
  requests=$(awk '/ requests in / { print $1 }' "$OUT/wrk-$1.txt")
  awk -v r="${requests:-0}" -v hz="$TICKS_PER_SECOND" '{
    if (r > 0) printf "%.3f %.3f\n", $1 * 1000 / hz / r, $2 * 1000 / hz / r; else print "0 0" }' "$OUT/cpu-$1.txt"
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

ROWS=()
worst=''
errors=0
for db in $DATABASES; do
  unset WINKEL_REDIS_URL
  label=$db
  case $db in
    sqlite)
      export DATABASE_URL="sqlite://$tmp/$db.sqlite?mode=rwc"
      ;;
    mariadb)
      log "MariaDB: a fresh database $MARIADB_DATABASE"
      ensure_mariadb || die "MariaDB is not running and could not be started"
      mariadb_setup_user || die "could not create the MariaDB user $MARIADB_USER"
      mariadb_root_sql -e "DROP DATABASE IF EXISTS \`$MARIADB_DATABASE\`; CREATE DATABASE \`$MARIADB_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" ||
        die "could not create database $MARIADB_DATABASE"
      DATABASE_URL=$(mariadb_url "$MARIADB_DATABASE")
      export DATABASE_URL
      if [ "${WINKEL_BENCH_MARIADB_REDIS:-on}" = on ]; then
        ensure_redis || die "Redis is not running and could not be started"
        export WINKEL_REDIS_URL=$REDIS_TEST_URL
        label=mariadb+redis
      fi
      ;;
    *) die "WINKEL_BENCH_DATABASES: unknown database $db (sqlite, mariadb)" ;;
  esac
  export WINKEL_UPLOADS_DIR=$tmp/uploads-$db
  log "winkel seed --demo ($db)"
  "$BIN" seed --demo >"$OUT/seed-$db.log" 2>&1 || {
    cat "$OUT/seed-$db.log" >&2
    die "seeding the $db shop failed"
  }
  log "winkel serve on $ADDR ($db, WINKEL_BENCH_MEMORY=on)"
  serve "$OUT/server-$db.log" || die "the server did not start (log: $OUT/server-$db.log)"
  HELPERS=$(helper_pids "$db")
  make_sessions

  for who in cart customer; do
    cookie_var=COOKIE_$who
    cookie=${!cookie_var}
    for i in "${!PAGES[@]}"; do
      page=${PAGES[$i]}
      name=$db-$who-$i
      file=$SITE/bench/$name.html
      curl -sS -D "$tmp/h" -o "$file" --max-time 30 -H "Cookie: $COOKIE_NAME=$cookie" "http://$ADDR$page" ||
        die "GET $page failed"
      tr -d '\r' <"$tmp/h" >"$tmp/headers"
      head -n 1 "$tmp/headers" | grep -q ' 200' || die "GET $page ($who): $(head -n 1 "$tmp/headers")"
      ! grep -qi '^x-winkel-cache:' "$tmp/headers" || die "GET $page ($who) came from the anonymous page cache"
      ! grep -qi "^set-cookie: $COOKIE_NAME=" "$tmp/headers" || die "GET $page ($who) saved the session (Set-Cookie)"
      grep -q "$PRODUCT\|Espressobonen" "$file" || die "GET $page ($who) does not show the product"
      if [ "$who" = customer ]; then
        grep -q "$FIRST_NAME" "$file" || die "GET $page does not name the logged-in customer"
      fi
      cp "$file" "$OUT/$name.html"
      memory=/bench/memory/$name.html
      curl -sS -o "$tmp/memory.html" --max-time 30 -H "Cookie: $COOKIE_NAME=$cookie" "http://$ADDR$memory" ||
        die "GET $memory failed"
      cmp -s "$file" "$tmp/memory.html" || die "GET $memory does not return the bytes of GET $page"

      wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Cookie: $COOKIE_NAME=$cookie" "http://$ADDR$page" >/dev/null
      wrk_run "$name-rendered" "$page" "$cookie"
      wrk_run "$name-memory" "$memory" "$cookie"
      read -r r_rps r_p50 r_p99 r_err < <(wrk_numbers "$name-rendered")
      read -r m_rps m_p50 m_p99 m_err < <(wrk_numbers "$name-memory")
      read -r r_cpu r_helpers < <(cpu_per_request "$name-rendered")
      errors=$((errors + r_err + m_err))
      ratio=$(awk -v r="$r_rps" -v m="$m_rps" 'BEGIN { if (m > 0) printf "%.3f", r / m; else print "0" }')
      verdict=$(awk -v r="$ratio" -v g="$GOAL" -v m="$MOONSHOT" 'BEGIN { print (r >= m) ? "moonshot" : (r >= g) ? "met" : "MISSED" }')
      worst=$(awk -v r="$ratio" -v w="$worst" 'BEGIN { print (w == "" || r < w) ? r : w }')
      ROWS+=("$(printf '  %-13s %-9s %-32s %9s %8s %8s %6s %6s   %9s %8s %8s   %6s  %s' \
        "$label" "$who" "$page" "$r_rps" "$r_p50" "$r_p99" "$r_cpu" "$r_helpers" "$m_rps" "$m_p50" "$m_p99" "$ratio" "$verdict")")
    done
  done
  stop_server
done

worst_ok=$(awk -v r="${worst:-0}" -v g="$GOAL" 'BEGIN { print (r >= g) ? "met" : "MISSED" }')
{
  printf '\nWinkel sessions benchmark, %s, %s cores, 127.0.0.1\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)"
  printf 'Pages rendered for a real stored session against the same bytes from memory\n'
  printf '(wrk -t%s -c%s -d%s, one server per database, one run; goal >= %s, moonshot %s)\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$GOAL" "$MOONSHOT"
  printf '  %-13s %-9s %-32s %9s %8s %8s %6s %6s   %9s %8s %8s   %6s\n' database session page \
    'rendered/s' p50 p99 cpu/rq +db/rq 'memory/s' p50 p99 ratio
  printf '%s\n' "${ROWS[@]}"
  printf '  (cpu/rq: CPU ms the server spent per rendered request; +db/rq: the same\n'
  printf '   for the database and Redis servers on this machine, 0 for SQLite)\n'
  if [ "$errors" -gt 0 ]; then
    printf '  WARNING: %s errors during the runs: these numbers are not valid\n' "$errors"
  fi
  printf 'bench: sessions, lowest rendered/memory %s (goal >= %s: %s)\n' "${worst:-0}" "$GOAL" "$worst_ok"
} >"$OUT/summary.txt"
cat "$OUT/summary.txt"
log "raw wrk output, the pages and this summary: $OUT"

if [ "$strict" = 1 ] && { [ "$worst_ok" != met ] || [ "$errors" -gt 0 ]; }; then
  exit 1
fi
