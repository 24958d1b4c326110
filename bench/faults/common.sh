# shellcheck shell=bash disable=SC2034 # sourced by bench/faults.sh; its variables are read there
# Helpers of bench/faults.sh: the servers, databases and mounts it starts
# (all remembered, so that the exit trap ends every one of them), the
# curl calls of a visitor, and the rows of the final table.

CLIENT=(python3 "$WINKEL_ROOT/bench/faults/client.py")
PIDS=()   # every process started in the background
MOUNTS=() # every tmpfs mounted
ROWS=()   # the final table
MISSED=() # goals missed, for --strict
COOKIE_NAME=winkel_session
JSON='Accept: application/json'

now() { date +%s.%N; }
# elapsed FROM [TO]: seconds between two now()s, one decimal.
elapsed() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.1f", b - a }'; }
mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
# kB of a /proc/PID/status field (VmRSS, VmHWM), 0 when PID is gone.
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
max() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }
# json FILE KEY.KEY: a value of a JSON file (0 when absent).
json() { python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1" "$2"; }

# cleanup: everything started, in reverse; every mount undone.
cleanup() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  [ -n "${tmp:-}" ] && rm -rf "$tmp"
}

# goal NAME OK: records a missed goal unless OK is 1.
goal() { [ "$2" = 1 ] || MISSED+=("$1"); }

# row SCENARIO REQUESTS ERRORS DELIBERATE LOST/DOUBLED RECOVERY PEAK-KB
row() {
  ROWS+=("$(printf '%-34s %9s %7s %9s %13s %12s %10s' "$1" "$2" "$3" "$4" "$5" "$6" "$(mb "$7")")")
}

# serve NAME: `winkel serve` of the private binary on $ADDR with the
# current environment; its log $OUT/NAME.log (appended over restarts).
# Sets SRV_PID.
serve() {
  local log=$OUT/$1.log
  if port_in_use "$PORT"; then
    warn "something already listens on $ADDR"
    return 1
  fi
  (WINKEL_ADDR=$ADDR exec "$BIN" serve) >>"$log" 2>&1 &
  SRV_PID=$!
  PIDS+=("$SRV_PID")
  wait_healthy "$ADDR" "$SRV_PID" 60 || {
    tail -n 30 "$log" >&2
    return 1
  }
}

# stop_srv: TERM, then KILL after 10 s (lib.sh's stop_server).
stop_srv() {
  WINKEL_SERVER_PID=${SRV_PID:-}
  SRV_PID=
  stop_server
}

# panics LOG: how many panics the server logged.
panics() { grep -c 'panicked' "$1" 2>/dev/null || true; }

# fresh_db KIND NAME: DATABASE_URL of an empty database: a SQLite file in
# $tmp, or a database winkel_bench_NAME on the shared MariaDB (3306).
fresh_db() {
  case $1 in
    sqlite)
      rm -f "$tmp/$2".sqlite*
      DATABASE_URL="sqlite://$tmp/$2.sqlite?mode=rwc"
      ;;
    mariadb)
      mariadb_root_sql -e "DROP DATABASE IF EXISTS \`winkel_bench_$2\`; CREATE DATABASE \`winkel_bench_$2\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" ||
        die "could not create the MariaDB database winkel_bench_$2"
      DATABASE_URL=$(mariadb_url "winkel_bench_$2")
      ;;
    *) die "unknown database $1 (sqlite, mariadb)" ;;
  esac
  export DATABASE_URL
}

# seed_shop DIR: the demo shop into $DATABASE_URL, and the stock set
# (plenty, one product low: the last units are fought over) in DIR/stock.json.
seed_shop() {
  "$BIN" seed --demo >"$1/seed.log" 2>&1 || {
    tail -n 20 "$1/seed.log" >&2
    die "seeding the shop failed ($(redact_url "$DATABASE_URL"))"
  }
  "${CLIENT[@]}" stock --db "$DATABASE_URL" --out "$1/stock.json"
}

# shop_and_customers DIR COUNT: the products of the running shop
# (DIR/shop.json) and COUNT registered customers (DIR/customers.json).
shop_and_customers() {
  "${CLIENT[@]}" shop --base "http://$ADDR" --out "$1/shop.json" >/dev/null
  "${CLIENT[@]}" register --base "http://$ADDR" --count "$2" --out "$1/customers.json"
}

# api DIR ENDPOINT COOKIE [curl args]: POST /api/ENDPOINT as the hydrated
# app sends it; headers in DIR/h, body in DIR/b; prints the status (000:
# no answer).
api() {
  local dir=$1 endpoint=$2 cookie=$3
  shift 3
  curl -sS -D "$dir/h" -o "$dir/b" -w '%{http_code}' --max-time 30 -H "$JSON" \
    ${cookie:+-H "Cookie: $COOKIE_NAME=$cookie"} -X POST "http://$ADDR/api/$endpoint" "$@" 2>/dev/null || true
}
set_cookie() { tr -d '\r' <"$1/h" | sed -n "s/^set-cookie: $COOKIE_NAME=\\([^;]*\\).*/\\1/Ip" | tail -n 1; }
retry_after() { tr -d '\r' <"$1/h" | sed -n 's/^retry-after: *//Ip' | head -n 1; }
# page DIR PATH [cookie]: GET PATH, body in DIR/b; prints the status.
page() {
  curl -sS -o "$1/b" -w '%{http_code}' --max-time 30 ${3:+-H "Cookie: $COOKIE_NAME=$3"} "http://$ADDR$2" 2>/dev/null || true
}

# new_cart DIR PRODUCT-ID: a new visitor's cart with one unit; prints its
# cookie (empty when refused).
new_cart() {
  [ "$(api "$1" add_to_cart '' -d "product_id=$2&quantity=1")" = 200 ] || return 0
  set_cookie "$1"
}

# place_order DIR COOKIE TOKEN N: a guest checkout of the cart; prints
# the status.
place_order() {
  api "$1" place_order "$2" --data-urlencode "email=schijf$4@example.nl" \
    --data-urlencode first_name=Koper --data-urlencode last_name=Schijf --data-urlencode gender=x \
    --data-urlencode street=Dorpsstraat --data-urlencode "house_number=$4" --data-urlencode postcode=3511AB \
    --data-urlencode city=Utrecht --data-urlencode country=NL --data-urlencode phone=0612345678 \
    --data-urlencode delivery_method=shipping --data-urlencode payment_method=bank_transfer \
    --data-urlencode "form_started=$3"
}

# form_token DIR: a form token, aged as a person fills in a form.
form_token() {
  [ "$(api "$1" form_token '')" = 200 ] || return 1
  tr -d '"' <"$1/b"
}

# first_product DIR: the id of a product with plenty of stock.
first_product() {
  python3 -c 'import json,sys
s = json.load(open(sys.argv[1])); low = {p["id"] for p in s["low"]}
print([p["id"] for p in s["products"] if p["id"] not in low][0])' "$1/shop.json"
}

# sql URL STATEMENT: one value from the database (sqlite3 or mariadb CLI).
sql() {
  local url=$1
  case $url in
    sqlite:*)
      url=${url#sqlite://}
      sqlite3 -batch -noheader "${url%%\?*}" "$2"
      ;;
    mysql:*)
      local rest=${url#mysql://} user pass hostport db
      user=${rest%%:*} rest=${rest#*:} pass=${rest%%@*} rest=${rest#*@}
      hostport=${rest%%/*} db=${rest#*/}
      MYSQL_PWD=$pass mariadb --protocol=tcp -h "${hostport%:*}" -P "${hostport##*:}" -u "$user" -N -B "$db" -e "$2"
      ;;
  esac
}
