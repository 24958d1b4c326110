#!/usr/bin/env bash
# Winkel retention benchmark (issue 5, item 6). In one run, on the local
# MariaDB:
#  1. `winkel seed --customers N --orders M` (default 1,000,000 and
#     3,000,000) into winkel_bench_seed, then two identical copies of it;
#  2. `winkel retention run --as-of DATE` on the first copy, under
#     /usr/bin/time for its peak memory (goal <= 200 MB);
#  3. hand-written SQL doing the same deletes and updates on the second copy
#     (set-based statements in one transaction: the fastest plain SQL we
#     know for it);
#  4. both copies must end in the same state (customers left, orders
#     anonymised, tombstones); the ratio sweep/SQL is printed (goal <= 1.5).
#
# Options: --strict (exit 1 when a goal is missed), --no-build, --keep (keep
# the databases), --reuse (reuse winkel_bench_seed when it has N customers).
# Environment: WINKEL_BENCH_CUSTOMERS, WINKEL_BENCH_ORDERS,
# WINKEL_BENCH_AS_OF (default today), WINKEL_BENCH_SEED_DB (winkel_bench_seed).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

strict=0 build=1 keep=0 reuse=0
for arg in "$@"; do
  case $arg in
    --strict) strict=1 ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --reuse) reuse=1 ;;
    *) die "usage: bench/retention.sh [--strict] [--no-build] [--keep] [--reuse]" ;;
  esac
done

CUSTOMERS=${WINKEL_BENCH_CUSTOMERS:-1000000}
ORDERS=${WINKEL_BENCH_ORDERS:-3000000}
AS_OF=${WINKEL_BENCH_AS_OF:-$(date +%F)}
GOAL_RATIO=1.5
GOAL_RSS_MB=200
SEED_DB=${WINKEL_BENCH_SEED_DB:-winkel_bench_seed}
SWEEP_DB=winkel_bench_sweep
SQL_DB=winkel_bench_sql
TABLES="categories products bookable_items customers orders order_lines bookings settings erasures"

ensure_cmd /usr/bin/time time
ensure_cmd bc bc
ensure_mariadb || die "MariaDB is needed"
mariadb_setup_user || die "MariaDB is needed (its user $MARIADB_USER could not be set up)"
if [ "$build" = 1 ]; then build_release || die "the release build failed"; fi
BIN=$(winkel_bin)
[ -x "$BIN" ] || die "no release binary at $BIN (run without --no-build)"

sql() { mariadb --protocol=tcp -h127.0.0.1 -P3306 -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" --batch --skip-column-names "$@"; }
now_s() { date +%s.%N; }

# --- 1. the data set ------------------------------------------------------
have_rows=$(sql -e "SELECT COUNT(*) FROM $SEED_DB.customers" 2>/dev/null || echo 0)
if [ "$reuse" = 1 ] && [ "$have_rows" = "$CUSTOMERS" ]; then
  log "reusing $SEED_DB ($CUSTOMERS customers)"
else
  log "seeding $CUSTOMERS customers and $ORDERS orders into $SEED_DB"
  sql -e "DROP DATABASE IF EXISTS $SEED_DB; CREATE DATABASE $SEED_DB"
  t0=$(now_s)
  DATABASE_URL=$(mariadb_url "$SEED_DB") "$BIN" seed --customers "$CUSTOMERS" --orders "$ORDERS"
  log "seeded in $(printf '%.0f' "$(echo "$(now_s) - $t0" | bc)") s"
fi

# Copies the seeded tables; with --reuse and a copy from an earlier run, only
# the tables the sweep changes are copied again.
CHANGED_TABLES="customers orders bookings sessions erasures job_runs job_leases"
copy_db() {
  local to=$1 tables=$TABLES
  if [ "$reuse" = 1 ] && sql -e "SELECT 1 FROM $to.order_lines LIMIT 1" >/dev/null 2>&1; then
    log "refreshing the swept tables of $to"
    {
      echo "SET FOREIGN_KEY_CHECKS=0;"
      for t in $CHANGED_TABLES; do echo "TRUNCATE TABLE $to.$t;"; done
    } | sql
    tables="customers orders bookings erasures"
  else
    log "copying $SEED_DB to $to"
    sql -e "DROP DATABASE IF EXISTS $to; CREATE DATABASE $to"
    DATABASE_URL=$(mariadb_url "$to") "$BIN" migrate 2>/dev/null
  fi
  {
    echo "SET FOREIGN_KEY_CHECKS=0; SET UNIQUE_CHECKS=0;"
    for t in $tables; do echo "INSERT INTO $to.$t SELECT * FROM $SEED_DB.$t;"; done
  } | sql
}
copy_db "$SWEEP_DB"
copy_db "$SQL_DB"
# Equal footing: both copies start with a cold-ish buffer pool state alike.
sql -e "ANALYZE TABLE $SWEEP_DB.customers, $SWEEP_DB.orders, $SQL_DB.customers, $SQL_DB.orders" >/dev/null

# The term and its end as the sweep computes it: local midnight in
# Amsterdam, T years before the day.
YEARS=$(sql -e "SELECT COALESCE((SELECT value FROM $SQL_DB.settings WHERE \`key\`='retention_years'), 7)")
START_DAY=$(date -d "$AS_OF -$YEARS years" +%F)
CUTOFF=$(date -u -d "@$(TZ=Europe/Amsterdam date -d "$START_DAY 00:00" +%s)" +'%F %T')
log "term $YEARS years as of $AS_OF: data before $CUTOFF UTC"

# --- 2. the sweep ---------------------------------------------------------
log "winkel retention run on $SWEEP_DB"
t0=$(now_s)
DATABASE_URL=$(mariadb_url "$SWEEP_DB") /usr/bin/time -v -o /tmp/bench-retention.time \
  "$BIN" retention run --as-of "$AS_OF" 2>&1 | tail -n 1
t_sweep=$(echo "$(now_s) - $t0" | bc)
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/bench-retention.time)

# --- 3. hand-written SQL --------------------------------------------------
log "hand-written SQL on $SQL_DB"
t0=$(now_s)
sql "$SQL_DB" <<SQL
SET @cutoff = '$CUTOFF';
SET @now = UTC_TIMESTAMP();
START TRANSACTION;
-- Rule 4: orders past the term of customers without an account.
UPDATE orders o LEFT JOIN customers c ON c.id = o.customer_id
   SET o.recipient_name = 'Geanonimiseerd', o.company_name = NULL, o.vat_number = NULL,
       o.street = '-', o.house_number = '-', o.postcode = '-', o.city = '-',
       o.customer_id = NULL, o.anonymised_at = @now
 WHERE o.placed_at < @cutoff AND o.anonymised_at IS NULL AND c.password_hash IS NULL;
-- Rule 4 for bookings: made and started more than T ago, no account.
UPDATE bookings b LEFT JOIN customers c ON c.id = b.customer_id
   SET b.customer_id = NULL, b.anonymised_at = @now
 WHERE b.created_at < @cutoff AND b.starts_at < @cutoff AND b.anonymised_at IS NULL
   AND c.password_hash IS NULL;
-- Rules 1 and 2 (with the decision on recent orders and bookings).
CREATE TEMPORARY TABLE stale (id INT PRIMARY KEY) ENGINE=MEMORY
  SELECT c.id FROM customers c
   WHERE ((c.password_hash IS NULL AND c.created_at < @cutoff)
       OR (c.password_hash IS NOT NULL AND COALESCE(c.last_login_at, c.created_at) < @cutoff))
     AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.placed_at >= @cutoff)
     AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.customer_id = c.id
                       AND (b.created_at >= @cutoff OR b.starts_at >= @cutoff));
-- Rule 3: the erasure.
DELETE se FROM sessions se JOIN stale s ON s.id = se.customer_id;
UPDATE bookings b JOIN stale s ON s.id = b.customer_id SET b.customer_id = NULL, b.anonymised_at = @now;
UPDATE orders o JOIN stale s ON s.id = o.customer_id
   SET o.recipient_name = 'Geanonimiseerd', o.company_name = NULL, o.vat_number = NULL,
       o.street = '-', o.house_number = '-', o.postcode = '-', o.city = '-',
       o.customer_id = NULL, o.anonymised_at = @now;
DELETE c FROM customers c JOIN stale s ON s.id = c.id;
INSERT INTO erasures (customer_id, reason, erased_at) SELECT id, 'retention', @now FROM stale;
COMMIT;
SQL
t_sql=$(echo "$(now_s) - $t0" | bc)

# --- 4. same result, and the ratio -----------------------------------------
state() {
  sql -e "SELECT (SELECT COUNT(*) FROM $1.customers), (SELECT COUNT(*) FROM $1.orders WHERE anonymised_at IS NOT NULL),
                 (SELECT COUNT(*) FROM $1.erasures), (SELECT COALESCE(SUM(id), 0) FROM $1.customers)" | tr '\t' ' '
}
s_sweep=$(state "$SWEEP_DB")
s_sql=$(state "$SQL_DB")
echo "state after the sweep (customers, anonymised orders, tombstones, id sum): $s_sweep"
echo "state after the SQL                                                    : $s_sql"
same=1
[ "$s_sweep" = "$s_sql" ] || { same=0; warn "the sweep and the SQL disagree"; }

ratio=$(echo "scale=2; $t_sweep / $t_sql" | bc)
rss_mb=$(( ${rss_kb:-0} / 1024 ))
printf '\nretention sweep on %s customers / %s orders (MariaDB)\n' "$CUSTOMERS" "$ORDERS"
printf '  winkel retention run : %8.1f s, peak memory %d MB (goal <= %d MB)\n' "$t_sweep" "$rss_mb" "$GOAL_RSS_MB"
printf '  hand-written SQL     : %8.1f s\n' "$t_sql"
printf '  ratio sweep / SQL    : %8s   (goal <= %s)\n' "$ratio" "$GOAL_RATIO"

if [ "$keep" = 0 ]; then sql -e "DROP DATABASE $SWEEP_DB; DROP DATABASE $SQL_DB"; fi
met=1
[ "$(echo "$ratio <= $GOAL_RATIO" | bc)" = 1 ] || met=0
[ "$rss_mb" -le "$GOAL_RSS_MB" ] || met=0
if [ "$same" = 0 ] || { [ "$strict" = 1 ] && [ "$met" = 0 ]; }; then exit 1; fi
