# shellcheck shell=bash disable=SC2154 # tmp, BIN, OUT, ADDR...: set by bench/faults.sh
# Scenarios 4 and 6 of bench/faults.sh: 200 visitors at once, and a long
# run of moderate load watching what must not grow.

# scenario_crowd DB: 200 visitors for LOAD_SECONDS on sqlite or mariadb.
scenario_crowd() {
  local db=$1
  local dir=$tmp/crowd-$db name=crowd-$db
  mkdir -p "$dir"
  log "4. $CROWD visitors at once for ${LOAD_SECONDS} s ($db)"
  fresh_db "$db" faults_crowd
  seed_shop "$dir"
  serve "$name" || die "the server did not start (log: $OUT/$name.log)"
  shop_and_customers "$dir" 40
  # Browsing, shopping with a guest checkout, logging in (weights 5:3:1),
  # no pause between visits; the visitors arrive within 2 s.
  "${CLIENT[@]}" load --base "http://$ADDR" --shop "$dir/shop.json" --customers "$dir/customers.json" \
    --clients "$CROWD" --seconds "$LOAD_SECONDS" --mix 5,3,1 --ramp 2 --out "$dir/load" >"$OUT/$name-load.txt" 2>&1 ||
    warn "the load client failed: $(tail -n 5 "$OUT/$name-load.txt")"
  local peak locked s=$dir/load/summary.json errors fivexx deliberate
  peak=$(proc_kb "$SRV_PID" VmHWM)
  stop_srv
  cat "$OUT/$name-load.txt"
  cp -r "$dir/load" "$OUT/$name-load"
  locked=$(grep -ci 'database is locked\|database table is locked' "$OUT/$name.log" || true)
  errors=$(($(json "$s" total.error) + $(json "$s" total.down)))
  fivexx=$(json "$s" total.fivexx)
  deliberate=$(json "$s" total.deliberate)
  printf '  %s requests/s; unexpected 5xx %s; "database is locked" in the log %s; panics %s; peak RSS %s\n' \
    "$(awk -v n="$(json "$s" total.n)" -v t="$(json "$s" seconds)" 'BEGIN { printf "%.0f", n / t }')" \
    "$fivexx" "$locked" "$(panics "$OUT/$name.log")" "$(mb "$peak")"
  goal "4 ($db): no unexpected errors or 5xx" "$([ "$errors" -eq 0 ] && echo 1)"
  goal "4 ($db): no \"database is locked\"" "$([ "$locked" -eq 0 ] && echo 1)"
  goal "4 ($db): no panic" "$([ "$(panics "$OUT/$name.log")" -eq 0 ] && echo 1)"
  row "4 $CROWD visitors, ${LOAD_SECONDS} s ($db)" "$(json "$s" total.n)" "$errors" "$deliberate" "-" "-" "$peak"
}

# long_sample: "RSS-kB fds sessions" of the running server and database.
long_sample() {
  printf '%s %s %s\n' "$(proc_kb "$SRV_PID" VmRSS)" "$(find "/proc/$SRV_PID/fd" -mindepth 1 2>/dev/null | wc -l)" \
    "$(sql "$DATABASE_URL" 'SELECT COUNT(*) FROM sessions')"
}

# scenario_long: 20 visitors with pauses for LONG_SECONDS on SQLite, the
# nightly scheduler on (a fresh shop has never run its jobs: the scheduler
# catches them up at once).
scenario_long() {
  local dir=$tmp/long name=long
  mkdir -p "$dir"
  log "6. moderate load for ${LONG_SECONDS} s (SQLite, scheduler on)"
  fresh_db sqlite faults_long
  seed_shop "$dir"
  WINKEL_SCHEDULER=on WINKEL_BACKUP_DIR=$dir/backups serve "$name" || die "the server did not start (log: $OUT/$name.log)"
  shop_and_customers "$dir" 10
  "${CLIENT[@]}" load --base "http://$ADDR" --shop "$dir/shop.json" --customers "$dir/customers.json" \
    --clients 20 --seconds "$LONG_SECONDS" --mix 5,3,1 --think 2 --out "$dir/load" >"$OUT/$name-load.txt" 2>&1 &
  local load_pid=$!
  PIDS+=("$load_pid")
  sleep 15
  local start_rss start_fds start_sessions end_rss end_fds end_sessions
  read -r start_rss start_fds start_sessions < <(long_sample)
  wait "$load_pid" || warn "the load client failed: $(tail -n 5 "$OUT/$name-load.txt")"
  read -r end_rss end_fds end_sessions < <(long_sample)
  local peak s=$dir/load/summary.json jobs errors
  peak=$(proc_kb "$SRV_PID" VmHWM)
  jobs=$(sql "$DATABASE_URL" "SELECT job || ':' || COUNT(*) || (CASE WHEN SUM(error IS NOT NULL) > 0 THEN ' (failed)' ELSE '' END) FROM job_runs WHERE finished_at IS NOT NULL GROUP BY job ORDER BY job" | tr '\n' ' ')
  stop_srv
  cat "$OUT/$name-load.txt"
  cp -r "$dir/load" "$OUT/$name-load"
  errors=$(($(json "$s" total.error) + $(json "$s" total.down)))
  local carts visits
  visits=$(json "$s" kinds.catalogue.n)
  carts=$(json "$s" kinds.add_to_cart.ok)
  printf '  RSS %s -> %s; open files %s -> %s; sessions %s -> %s (after %s add-to-carts and %s logins; %s anonymous page views wrote none)\n' \
    "$(mb "$start_rss")" "$(mb "$end_rss")" "$start_fds" "$end_fds" "$start_sessions" "$end_sessions" \
    "$carts" "$(json "$s" kinds.login.ok)" "$visits"
  printf '  nightly jobs finished (job_runs): %s\n' "${jobs:-none}"
  goal "6: no unexpected errors" "$([ "$errors" -eq 0 ] && echo 1)"
  goal "6: open files do not grow" "$([ "$end_fds" -le $((start_fds + 20)) ] && echo 1)"
  goal "6: the nightly jobs ran" "$(printf '%s' "$jobs" | grep -q 'retention' && echo 1)"
  row "6 long run, 20 visitors, ${LONG_SECONDS} s" "$(json "$s" total.n)" "$errors" "$(json "$s" total.deliberate)" \
    "-" "-" "$peak"
}
