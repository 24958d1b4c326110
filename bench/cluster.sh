#!/usr/bin/env bash
# Winkel scale-out benchmark (issue 19): the rendered page for a visitor
# with a cart, in one run, on 127.0.0.1 only:
#  - one release `winkel serve` on the machine's MariaDB (a fresh database);
#  - two instances behind HAProxy on a three-node Galera cluster
#    (end2end/cluster.sh), each on another node;
# each with wrk (2 threads, 16 connections) on `/` with a real session
# cookie (a product in the cart: rendered for every request, never from the
# anonymous page cache). Prints req/s and p99 of both and the ratio
# cluster/single. On 2 cores shared by wrk, HAProxy, three mariadbd and two
# servers this shows what the cluster costs or gives on one machine, not
# what more machines would give.
#
#   ./winkel bench cluster [--no-build]
# Environment: WINKEL_BENCH_DURATION (10s). Raw output in
# <target-dir>/winkel-bench/cluster/.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

[ "${1:-}" = --no-build ] || build_release
ensure_cmd wrk wrk
ensure_cmd curl curl
ensure_mariadb && mariadb_setup_user
BIN=$(winkel_bin)
DURATION=${WINKEL_BENCH_DURATION:-10s}
OUT=$(winkel_target_dir)/winkel-bench/cluster
mkdir -p "$OUT"
DIR=$(mktemp -d /tmp/winkel-bench-cluster.XXXXXX)
chmod 0755 "$DIR"
PORT=$(free_port 3230)
trap 'stop_server; "$WINKEL_ROOT/end2end/cluster.sh" down "$DIR/cluster" >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
export WINKEL_FORM_LIMIT=10000

# cart_cookie URL: the session cookie of a visitor who put a product in
# the cart there.
cart_cookie() {
  local id
  id=$(curl -fsS -H 'Accept: application/json' --data-urlencode slug=espressobonen-amsterdam \
    "$1/api/get_product" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
  curl -fsS -D - -o /dev/null -H 'Accept: application/json' -d "product_id=$id&quantity=1" \
    "$1/api/add_to_cart" | tr -d '\r' | sed -n 's/^set-cookie: \(winkel_session=[^;]*\).*/\1/Ip' | tail -n 1
}

# measure NAME URL: wrk on URL/ with a cart; prints "req/s p99".
measure() {
  local cookie
  cookie=$(cart_cookie "$2")
  [ -n "$cookie" ] || die "no session cookie from $2"
  wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $cookie" "$2/" >"$OUT/$1.txt"
  printf '%s %s\n' "$(awk '/^Requests\/sec/ {print $2}' "$OUT/$1.txt")" \
    "$(awk '$1 == "99%" {print $2}' "$OUT/$1.txt")"
}

log "one instance on one MariaDB"
mariadb_root_sql -e "DROP DATABASE IF EXISTS winkel_bench_cluster; CREATE DATABASE winkel_bench_cluster CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"
export DATABASE_URL WINKEL_UPLOADS_DIR=$DIR/uploads WINKEL_MAIL_DIR=$DIR/mail WINKEL_SCHEDULER=off
DATABASE_URL=$(mariadb_url winkel_bench_cluster)
"$BIN" seed --demo >"$OUT/seed.log" 2>&1 || die "seeding failed: $(tail -n 5 "$OUT/seed.log")"
start_server "$OUT/single.log" "127.0.0.1:$PORT" || die "the server did not start"
read -r single_rps single_p99 < <(measure single "http://127.0.0.1:$PORT")
stop_server
unset DATABASE_URL WINKEL_UPLOADS_DIR WINKEL_MAIL_DIR WINKEL_SCHEDULER

log "two instances behind HAProxy on three Galera nodes"
"$WINKEL_ROOT/end2end/cluster.sh" up "$DIR/cluster" >"$OUT/cluster-up.log" 2>&1 ||
  die "the cluster did not start: $(tail -n 5 "$OUT/cluster-up.log")"
# shellcheck source=/dev/null
. "$DIR/cluster/cluster.env"
mkdir -p "$DIR/cluster/shop/uploads"
(DATABASE_URL=$NODE1_URL WINKEL_UPLOADS_DIR=$DIR/cluster/shop/uploads "$BIN" migrate &&
  DATABASE_URL=$NODE1_URL WINKEL_UPLOADS_DIR=$DIR/cluster/shop/uploads "$BIN" seed --demo) >>"$OUT/seed.log" 2>&1 ||
  die "seeding the cluster failed: $(tail -n 5 "$OUT/seed.log")"
"$WINKEL_ROOT/end2end/cluster.sh" shop "$DIR/cluster" "$BIN" >"$OUT/cluster-shop.log" 2>&1 ||
  die "the cluster's shop did not start: $(tail -n 5 "$OUT/cluster-shop.log")"
# shellcheck source=/dev/null
. "$DIR/cluster/shop.env"
read -r cluster_rps cluster_p99 < <(measure cluster "$SHOP_URL")

ratio=$(awk -v c="$cluster_rps" -v s="$single_rps" 'BEGIN { printf "%.2f", c / s }')
printf '\n%-44s %10s %10s\n' "rendered / for a visitor with a cart" "req/s" "p99"
printf '%-44s %10s %10s\n' "one instance, one MariaDB" "$single_rps" "$single_p99"
printf '%-44s %10s %10s\n' "two instances (HAProxy), Galera 3 nodes" "$cluster_rps" "$cluster_p99"
printf 'cluster/single: %s (2 cores shared by wrk, HAProxy, the databases and the servers)\n' "$ratio"
