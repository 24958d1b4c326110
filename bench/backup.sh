#!/usr/bin/env bash
# Winkel backup benchmark (issue 6, item 7). In one run, on the local
# MariaDB, with a shop of WINKEL_BENCH_CUSTOMERS customers (1,000,000) and
# WINKEL_BENCH_ORDERS orders (3,000,000) seeded by `winkel seed`:
#  1. `winkel backup create` against `mariadb-dump --single-transaction |
#     zstd` (the same zstd level 3) of the same database;
#  2. `winkel backup restore NAME --into` a fresh database against
#     `zstd -dc dump | mariadb` into another fresh database.
# Prints the wall-clock times, the ratios ours/theirs (goal <= 1.0 each),
# the file sizes and the peak memory (maximum resident set size, from
# /usr/bin/time -v) of each.
#
# The seeded source database (winkel_test_bench_backup) is kept between runs
# and reused when it holds the asked number of customers: seeding 1M/3M takes
# minutes.
#
# Options: --strict (exit 1 when a goal is missed), --no-build (use the
# release binary as it is), --reseed (seed the source database afresh).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$WINKEL_ROOT"

strict=0 build=1 reseed=0
for arg in "$@"; do
  case $arg in
    --strict) strict=1 ;;
    --no-build) build=0 ;;
    --reseed) reseed=1 ;;
    *) die "usage: bench/backup.sh [--strict] [--no-build] [--reseed]" ;;
  esac
done

CUSTOMERS=${WINKEL_BENCH_CUSTOMERS:-1000000}
ORDERS=${WINKEL_BENCH_ORDERS:-3000000}
SOURCE=winkel_test_bench_backup
OURS_DB=winkel_test_bench_restore_ours
THEIRS_DB=winkel_test_bench_restore_theirs
GOAL=1.0

ensure_cmd zstd zstd
ensure_cmd mariadb-dump mariadb-client
[ -x /usr/bin/time ] || apt_install time || die "GNU time is missing"
if [ "$build" = 1 ]; then
  log "cargo build --release -p winkel"
  cargo build --release -p winkel >&2 || die "the release build failed"
fi
BIN=$(winkel_bin)
[ -x "$BIN" ] || die "no release build at $BIN; run without --no-build"
OUT=$(winkel_target_dir)/winkel-bench
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/winkel-bench-backup.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

ensure_mariadb || die "MariaDB is not running and could not be started"
mariadb_setup_user || die "could not create the MariaDB user $MARIADB_USER"
fresh_db() {
  mariadb_root_sql -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" ||
    die "could not create database $1"
}
client() { mariadb --protocol=tcp -h127.0.0.1 -P3306 -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" "$@"; }

export WINKEL_UPLOADS_DIR=$work/seed-uploads WINKEL_BACKUP_DIR=$work/backups WINKEL_SCHEDULER=off
DATABASE_URL=$(mariadb_url "$SOURCE")
export DATABASE_URL

have_customers=$(client -N -e "SELECT COUNT(*) FROM \`$SOURCE\`.customers" 2>/dev/null || echo 0)
if [ "$reseed" = 1 ] || [ "$have_customers" != "$CUSTOMERS" ]; then
  log "seeding $SOURCE: $CUSTOMERS customers, $ORDERS orders (minutes)"
  fresh_db "$SOURCE"
  "$BIN" seed --demo >"$OUT/backup-seed.log" 2>&1 || die "seeding failed (log: $OUT/backup-seed.log)"
  "$BIN" seed --customers "$CUSTOMERS" --orders "$ORDERS" >>"$OUT/backup-seed.log" 2>&1 ||
    die "seeding failed (log: $OUT/backup-seed.log)"
else
  log "reusing $SOURCE ($CUSTOMERS customers)"
fi
# mariadb-dump carries no files: our backups are timed with an empty
# uploads folder, so both hold the database only.
export WINKEL_UPLOADS_DIR=$work/uploads

# timed NAME COMMAND...: runs under /usr/bin/time -v; sets SECS[NAME] (wall
# clock) and PEAK_KB[NAME].
declare -A SECS PEAK_KB
timed() {
  local name=$1 report=$OUT/backup-time-$1.txt
  shift
  /usr/bin/time -v -o "$report" "$@" >"$OUT/backup-$name.log" 2>&1 ||
    { cat "$OUT/backup-$name.log" >&2; die "$name failed"; }
  local wall peak
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$report")
  peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$report")
  SECS[$name]="$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')"
  PEAK_KB[$name]=$peak
}

log "winkel backup create"
timed ours_create "$BIN" backup create
NAME=$("$BIN" backup list | tail -n 1 | cut -f1)

log "mariadb-dump --single-transaction | zstd"
DUMP=$work/dump.sql.zst
timed theirs_dump sh -c "mariadb-dump --protocol=tcp -h127.0.0.1 -P3306 -u'$MARIADB_USER' -p'$MARIADB_PASSWORD' --single-transaction '$SOURCE' | zstd -3 -q -o '$DUMP'"

log "winkel backup restore --into a fresh database"
fresh_db "$OURS_DB"
timed ours_restore "$BIN" backup restore "$NAME" --into "$(mariadb_url "$OURS_DB")"

log "zstd -dc dump | mariadb into a fresh database"
fresh_db "$THEIRS_DB"
timed theirs_restore sh -c "zstd -dc '$DUMP' | mariadb --protocol=tcp -h127.0.0.1 -P3306 -u'$MARIADB_USER' -p'$MARIADB_PASSWORD' '$THEIRS_DB'"

# Both restores hold the same customers.
ours_count=$(client -N -e "SELECT COUNT(*) FROM \`$OURS_DB\`.customers")
theirs_count=$(client -N -e "SELECT COUNT(*) FROM \`$THEIRS_DB\`.customers")
[ "$ours_count" = "$theirs_count" ] || die "restored customers differ: ours $ours_count, mariadb $theirs_count"
mariadb_root_sql -e "DROP DATABASE IF EXISTS \`$OURS_DB\`; DROP DATABASE IF EXISTS \`$THEIRS_DB\`;" || true

ours_size=$(stat -c %s "$WINKEL_BACKUP_DIR/$NAME")
theirs_size=$(stat -c %s "$DUMP")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
create_ratio=$(ratio "${SECS[ours_create]}" "${SECS[theirs_dump]}")
restore_ratio=$(ratio "${SECS[ours_restore]}" "${SECS[theirs_restore]}")
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

printf '\nbackup benchmark: MariaDB, %s customers, %s orders\n' "$CUSTOMERS" "$ORDERS"
printf '  %-34s %8ss  peak %8s  file %s\n' "winkel backup create" "${SECS[ours_create]}" "$(mb "${PEAK_KB[ours_create]}")" "$(mb $((ours_size / 1024)))"
printf '  %-34s %8ss  peak %8s  file %s\n' "mariadb-dump --single-transaction | zstd" "${SECS[theirs_dump]}" "$(mb "${PEAK_KB[theirs_dump]}")" "$(mb $((theirs_size / 1024)))"
printf '  %-34s %8ss  peak %8s\n' "winkel backup restore --into" "${SECS[ours_restore]}" "$(mb "${PEAK_KB[ours_restore]}")"
printf '  %-34s %8ss  peak %8s\n' "zstd -dc | mariadb" "${SECS[theirs_restore]}" "$(mb "${PEAK_KB[theirs_restore]}")"
printf '  create  ours/theirs = %s (goal <= %s)\n' "$create_ratio" "$GOAL"
printf '  restore ours/theirs = %s (goal <= %s)\n' "$restore_ratio" "$GOAL"

missed=0
for r in "$create_ratio" "$restore_ratio"; do
  awk -v r="$r" -v g="$GOAL" 'BEGIN { exit !(r > g) }' && missed=1
done
if [ "$missed" = 1 ]; then
  warn "a backup goal was missed"
  [ "$strict" = 1 ] && exit 1
fi
exit 0
