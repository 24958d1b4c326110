# shellcheck shell=bash disable=SC2154 # tmp, BIN, OUT, ADDR...: set by bench/faults.sh
# Scenario 2 of bench/faults.sh: a private MariaDB (its own data folder and
# port; the shared server on 3306 is never touched) killed with -9 under
# load, kept down DB_DOWN_SECONDS, started again; `winkel serve` keeps
# running throughout.

MDB_USER=winkel
MDB_PASSWORD=winkel

# mdb_start DIR PORT: mariadbd on DIR, 127.0.0.1:PORT; sets MDB_PID; waits
# until it accepts connections (60 s at most).
mdb_start() {
  local dir=$1 port=$2
  mariadbd --no-defaults --datadir="$dir/data" --port="$port" --socket="$dir/sock" \
    --bind-address=127.0.0.1 --user=root --pid-file="$dir/pid" --log-error="$dir/error.log" \
    --innodb-buffer-pool-size=64M --skip-name-resolve >/dev/null 2>&1 &
  MDB_PID=$!
  PIDS+=("$MDB_PID")
  for _ in $(seq 1 600); do
    mdb_ping "$port" && return 0
    kill -0 "$MDB_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$dir/error.log" >&2
  return 1
}
# mdb_ping PORT: the winkel user can log in over TCP.
mdb_ping() {
  MYSQL_PWD=$MDB_PASSWORD mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$1" -u"$MDB_USER" \
    --connect-timeout=1 ping >/dev/null 2>&1
}

scenario_dbrestart() {
  local dir=$tmp/dbrestart name=dbrestart port
  mkdir -p "$dir/data"
  log "2. MariaDB killed under load and started again (private mariadbd)"
  port=$(free_port 3390) || die "no free port for the private MariaDB"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
    --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 ||
    die "mariadb-install-db failed: $(tail -n 5 "$dir/install.log")"
  mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --skip-networking --user=root \
    --pid-file="$dir/pid" --log-error="$dir/error.log" >/dev/null 2>&1 &
  MDB_PID=$!
  PIDS+=("$MDB_PID")
  for _ in $(seq 1 300); do
    mariadb --no-defaults -S "$dir/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --no-defaults -S "$dir/sock" -uroot -e "
    CREATE DATABASE winkel_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
    CREATE USER '$MDB_USER'@'127.0.0.1' IDENTIFIED BY '$MDB_PASSWORD';
    GRANT ALL ON winkel_faults.* TO '$MDB_USER'@'127.0.0.1';" || die "could not set up the private MariaDB"
  kill -TERM "$MDB_PID"
  wait "$MDB_PID" || true
  mdb_start "$dir" "$port" || die "the private MariaDB did not start"

  export DATABASE_URL="mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$port/winkel_faults"
  seed_shop "$dir"
  serve "$name" || die "the server did not start (log: $OUT/$name.log)"
  local srv=$SRV_PID
  shop_and_customers "$dir" 5

  local warm=10 after=20 total
  total=$((warm + DB_DOWN_SECONDS + after))
  "${CLIENT[@]}" load --base "http://$ADDR" --shop "$dir/shop.json" --customers "$dir/customers.json" \
    --clients 20 --seconds "$total" --mix 3,4,1 --healthz --out "$dir/load" >"$OUT/$name-load.txt" 2>&1 &
  local load_pid=$!
  PIDS+=("$load_pid")
  sleep "$warm"
  kill -KILL "$MDB_PID"
  wait "$MDB_PID" 2>/dev/null || true
  local t_down t_start t_up
  t_down=$(now)
  sleep "$DB_DOWN_SECONDS"
  t_start=$(now)
  mdb_start "$dir" "$port" || die "the private MariaDB did not start again"
  t_up=$(now)
  wait "$load_pid" || warn "the load client failed: $(tail -n 5 "$OUT/$name-load.txt")"
  local peak alive=1
  peak=$(proc_kb "$srv" VmHWM)
  kill -0 "$srv" 2>/dev/null || alive=0
  cat "$OUT/$name-load.txt"
  cp -r "$dir/load" "$OUT/$name-load"

  local events=$dir/load/events.csv s=$dir/load/summary.json window health healthz_ok healthz_503
  window=$("${CLIENT[@]}" window --events "$events" --start "$t_down" --end "$t_up")
  # /healthz probes asked and answered while the database was down.
  health=$("${CLIENT[@]}" window --events "$events" --healthz --inside --start "$t_down" --end "$t_start")
  healthz_ok=$(printf '%s' "$health" | grep -o '"healthz:200": [0-9]*' | grep -o '[0-9]*$' || echo 0)
  healthz_503=$(printf '%s' "$health" | grep -o '"healthz:503": [0-9]*' | grep -o '[0-9]*$' || echo 0)
  local longest rec_health rec_checkout errors deliberate restart
  longest=$(printf '%s' "$window" | sed -n 's/.*"longest_s": \([0-9.]*\).*/\1/p')
  rec_health=$("${CLIENT[@]}" recovery --events "$events" --after "$t_up" --kind healthz)
  rec_checkout=$("${CLIENT[@]}" recovery --events "$events" --after "$t_up" --kind place_order)
  restart=$(elapsed "$t_start" "$t_up")
  errors=$(json "$s" total.error)
  deliberate=$(json "$s" total.deliberate)
  printf '  database down %s s (restart took %s s); winkel serve still the same process: %s\n' \
    "$(elapsed "$t_down" "$t_up")" "$restart" "$([ "$alive" = 1 ] && echo yes || echo NO)"
  printf '  while down: the longest request took %s s (goal <= %s s); answers: %s\n' \
    "$longest" "$WAIT_GOAL" "$(printf '%s' "$window" | sed 's/.*"statuses": //; s/}$//')"
  printf '  /healthz while down: %s x 503, %s x 200 (goal: 503 only)\n' "$healthz_503" "$healthz_ok"
  printf '  recovery after the database accepts connections: /healthz 200 after %s s, a checkout 200 after %s s (goal <= 5 s)\n' \
    "$rec_health" "$rec_checkout"
  printf '  panics in the log: %s\n' "$(panics "$OUT/$name.log")"
  stop_srv
  kill -TERM "$MDB_PID" 2>/dev/null || true
  wait "$MDB_PID" 2>/dev/null || true

  local recovered
  recovered=$(awk -v a="$rec_health" -v b="$rec_checkout" 'BEGIN { print (a != "never" && b != "never" && a <= 5 && b <= 5) ? 1 : 0 }')
  goal "2: no unexpected errors (500s) while the database is down" "$([ "$errors" -eq 0 ] && echo 1)"
  goal "2: requests wait at most $WAIT_GOAL s" "$(awk -v l="${longest:-999}" -v g="$WAIT_GOAL" 'BEGIN { print (l <= g) ? 1 : 0 }')"
  goal "2: /healthz 503 while down" "$([ "$healthz_ok" -eq 0 ] && [ "$healthz_503" -gt 0 ] && echo 1)"
  goal "2: recovery <= 5 s without a restart" "$([ "$recovered" = 1 ] && [ "$alive" = 1 ] && echo 1)"
  goal "2: no panic" "$([ "$(panics "$OUT/$name.log")" -eq 0 ] && echo 1)"
  row "2 MariaDB kill -9, ${DB_DOWN_SECONDS} s down" "$(json "$s" total.n)" "$errors" "$deliberate" "-" \
    "${rec_health}/${rec_checkout} s" "$peak"
}
