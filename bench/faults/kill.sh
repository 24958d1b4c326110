# shellcheck shell=bash disable=SC2154 # tmp, BIN, OUT, ADDR...: set by bench/faults.sh
# Scenario 1 of bench/faults.sh: `kill -9` of the server every 10 s under
# load (20 visitors browsing, filling carts, checking out as guests), then
# the database against every order the visitors were told was placed.

# scenario_kill DB: sqlite or mariadb.
scenario_kill() {
  local db=$1
  local dir=$tmp/kill-$db name=kill-$db
  mkdir -p "$dir"
  log "1. kill -9 every 10 s for ${KILL_SECONDS} s under load ($db)"
  fresh_db "$db" faults_kill
  seed_shop "$dir"
  serve "$name" || die "the server did not start (log: $OUT/$name.log)"
  shop_and_customers "$dir" 5
  local product
  product=$(first_product "$dir")

  "${CLIENT[@]}" load --base "http://$ADDR" --shop "$dir/shop.json" --customers "$dir/customers.json" \
    --clients 20 --seconds "$KILL_SECONDS" --mix 2,5,1 --out "$dir/load" >"$OUT/$name-load.txt" 2>&1 &
  local load_pid=$!
  PIDS+=("$load_pid")
  local until kills=0 worst=0 peak=0 kept=0 lost_carts=0 cookie t0 took
  until=$(($(date +%s) + KILL_SECONDS))
  while [ $(($(date +%s) + 10)) -le "$until" ]; do
    sleep 10
    # A cart made before the kill must be there after it (same cookie).
    cookie=$(new_cart "$dir" "$product")
    peak=$(max "$peak" "$(proc_kb "$SRV_PID" VmHWM)")
    kill -KILL "$SRV_PID"
    wait "$SRV_PID" 2>/dev/null || true
    t0=$(now)
    kills=$((kills + 1))
    serve "$name" || die "the server did not start again after kill $kills (log: $OUT/$name.log)"
    took=$(elapsed "$t0")
    worst=$(max "$worst" "$took")
    if [ -n "$cookie" ] && [ "$(api "$dir" get_cart "$cookie")" = 200 ] && grep -q '"item_count":1' "$dir/b"; then
      kept=$((kept + 1))
    else
      lost_carts=$((lost_carts + 1))
      warn "kill $kills: the cart made before it is gone (cookie ${cookie:-none}): $(head -c 200 "$dir/b")"
    fi
  done
  wait "$load_pid" || warn "the load client failed: $(tail -n 5 "$OUT/$name-load.txt")"
  peak=$(max "$peak" "$(proc_kb "$SRV_PID" VmHWM)")
  stop_srv
  cat "$OUT/$name-load.txt"
  cp -r "$dir/load" "$OUT/$name-load"

  local verdict=$dir/verdict.json
  "${CLIENT[@]}" verify --db "$DATABASE_URL" --placed "$dir/load/placed.jsonl" --stock "$dir/stock.json" >"$verdict"
  cp "$verdict" "$OUT/$name-verdict.json"
  local s=$dir/load/summary.json requests errors deliberate lost doubled bad
  requests=$(json "$s" total.n)
  errors=$(json "$s" total.error)
  deliberate=$(json "$s" total.deliberate)
  lost=$(json "$verdict" lost)
  doubled=$(json "$verdict" doubled)
  bad=$(($(json "$verdict" wrong_lines) + $(json "$verdict" without_lines) + $(json "$verdict" negative_stock) + $(json "$verdict" stock_mismatch)))
  printf '  %s kills, restart to healthy at most %s s; carts made before a kill: %s kept, %s lost\n' \
    "$kills" "$worst" "$kept" "$lost_carts"
  printf '  orders: %s answered as placed, %s in the database (%s answers lost in a kill: the visitor saw the cart emptied), %s units sold\n' \
    "$(json "$verdict" answered_placed)" "$(json "$verdict" orders_in_db)" "$(json "$s" answer_lost)" "$(json "$verdict" units_sold)"
  printf '  lost %s, doubled %s, wrong lines %s, orders without lines %s, stock below zero %s, stock not down by the units sold %s\n' \
    "$lost" "$doubled" "$(json "$verdict" wrong_lines)" "$(json "$verdict" without_lines)" \
    "$(json "$verdict" negative_stock)" "$(json "$verdict" stock_mismatch)"
  printf '  connection refused/reset while down (expected, not errors): %s; panics in the log: %s\n' \
    "$(json "$s" total.down)" "$(panics "$OUT/$name.log")"
  [ "$bad" -eq 0 ] || printf '  examples: %s\n' "$(json "$verdict" examples)"

  goal "1 ($db): no unexpected errors" "$([ "$errors" -eq 0 ] && echo 1)"
  goal "1 ($db): no lost or doubled order" "$([ "$lost" -eq 0 ] && [ "$doubled" -eq 0 ] && echo 1)"
  goal "1 ($db): orders and stock consistent" "$([ "$bad" -eq 0 ] && echo 1)"
  goal "1 ($db): carts survive a kill" "$([ "$lost_carts" -eq 0 ] && echo 1)"
  goal "1 ($db): no panic" "$([ "$(panics "$OUT/$name.log")" -eq 0 ] && echo 1)"
  row "1 kill -9 every 10 s ($db)" "$requests" "$errors" "$deliberate" "$lost/$doubled" "${worst} s" "$peak"
}
