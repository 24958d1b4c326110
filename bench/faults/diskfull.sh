# shellcheck shell=bash disable=SC2154 # tmp, BIN, OUT, ADDR...: set by bench/faults.sh
# Scenario 3 of bench/faults.sh: a full disk, on a tmpfs mounted for it
# (root only; "skipped: cannot mount" otherwise).
#  (a) the backup folder too small for a backup, one earlier backup in it;
#  (b) the SQLite database on a disk filled up while the server runs.

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (mount's units) on DIR.
mount_tmpfs() {
  mkdir -p "$1"
  mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null || return 1
  MOUNTS+=("$1")
}

scenario_diskfull() {
  local dir=$tmp/disk
  mkdir -p "$dir"
  log "3. disk full (tmpfs)"
  if ! mount_tmpfs "$dir/probe" 1m; then
    printf '  skipped: cannot mount\n'
    row "3 disk full" - - - - "skipped" 0
    return 0
  fi
  umount "$dir/probe"
  diskfull_backup "$dir"
  diskfull_database "$dir"
}

diskfull_backup() {
  local dir=$1/backup
  mkdir -p "$dir/first"
  fresh_db sqlite faults_backup
  export WINKEL_UPLOADS_DIR=$dir/uploads
  seed_shop "$dir"
  WINKEL_BACKUP_DIR=$dir/first "$BIN" backup create >"$dir/first.log" 2>&1 ||
    die "the earlier backup failed: $(tail -n 5 "$dir/first.log")"
  local earlier size kb
  earlier=$(cd "$dir/first" && ls)
  size=$(stat -c %s "$dir/first/$earlier")
  # Since then the shop got a picture of 1 MB (random: it does not
  # compress), which the next backup takes along; the folder has room for
  # the earlier backup and 256 KB more.
  mkdir -p "$WINKEL_UPLOADS_DIR"
  head -c 1048576 /dev/urandom >"$WINKEL_UPLOADS_DIR/groot.jpg"
  kb=$((size / 1024 + 256))
  mount_tmpfs "$dir/small" "${kb}k" || die "cannot mount a tmpfs on $dir/small"
  cp "$dir/first/$earlier" "$dir/small/"
  local rc=0
  WINKEL_BACKUP_DIR=$dir/small "$BIN" backup create >"$dir/full.log" 2>&1 || rc=$?
  local listed=0 verified=0 left
  WINKEL_BACKUP_DIR=$dir/small "$BIN" backup list >"$dir/list.log" 2>&1 && grep -q "$earlier" "$dir/list.log" && listed=1
  WINKEL_BACKUP_DIR=$dir/small "$BIN" backup verify "$earlier" >"$dir/verify.log" 2>&1 && verified=1
  left=$(cd "$dir/small" && find . -mindepth 1 ! -name "$earlier" | tr '\n' ' ')
  cp "$dir"/*.log "$OUT/" 2>/dev/null || true
  printf '  (a) backup folder on a %s KB tmpfs, an earlier backup of %s KB in it:\n' "$kb" "$((size / 1024))"
  printf '      winkel backup create exit %s: %s\n' "$rc" "$(grep -v '^\s*$' "$dir/full.log" | tail -n 1 | cut -c1-200)"
  printf '      earlier backup still listed: %s, verifies: %s; files left besides it: %s\n' \
    "$([ "$listed" = 1 ] && echo yes || echo NO)" "$([ "$verified" = 1 ] && echo yes || echo NO)" "${left:-none}"
  umount "$dir/small"
  goal "3a: a backup that does not fit fails clearly" "$([ "$rc" -ne 0 ] && grep -qi 'space\|full' "$dir/full.log" && echo 1)"
  goal "3a: the earlier backup is intact" "$([ "$listed" = 1 ] && [ "$verified" = 1 ] && echo 1)"
  goal "3a: no temp file left" "$([ -z "$left" ] && echo 1)"
  row "3a backup onto a full disk" 1 "$([ "$rc" -ne 0 ] && [ -z "$left" ] && [ "$verified" = 1 ] && echo 0 || echo 1)" 0 "-" "-" 0
}

diskfull_database() {
  local dir=$1/db name=diskfull
  mkdir -p "$dir/w"
  mount_tmpfs "$dir/disk" 64m || die "cannot mount a tmpfs on $dir/disk"
  export DATABASE_URL="sqlite://$dir/disk/shop.sqlite?mode=rwc" WINKEL_UPLOADS_DIR=$dir/uploads
  seed_shop "$dir"
  serve "$name" || die "the server did not start (log: $OUT/$name.log)"
  "${CLIENT[@]}" shop --base "http://$ADDR" --out "$dir/shop.json" >/dev/null
  local w=$dir/w product token cookie before_cookie
  product=$(first_product "$dir")
  token=$(form_token "$w") || die "no form token"
  before_cookie=$(new_cart "$w" "$product")
  [ -n "$before_cookie" ] || die "add_to_cart refused before the disk filled"
  sleep 2.5
  # The WAL emptied and cut to 0 bytes, so that the next write must grow a
  # file; then the disk filled to the last byte.
  sqlite3 "$dir/disk/shop.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  dd if=/dev/zero of="$dir/disk/filler" bs=64k 2>/dev/null || true
  local requests=0 errors=0 deliberate=0 reads=0 status statuses=''
  # tally KIND STATUS: counts one answer: 200, a deliberate 429/503 (with
  # Retry-After: the visitor is asked to come back), or an error.
  tally() {
    requests=$((requests + 1))
    statuses+="$1 $2, "
    case $2 in
      200) ;;
      429 | 503) if [ -n "$(retry_after "$w")" ]; then deliberate=$((deliberate + 1)); else errors=$((errors + 1)); fi ;;
      *) errors=$((errors + 1)) ;;
    esac
  }
  for path in / "/products/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["products"][0]["slug"])' "$dir/shop.json")" /cart; do
    status=$(page "$w" "$path" "$before_cookie")
    tally "GET $path" "$status"
    [ "$status" = 200 ] && reads=$((reads + 1))
  done
  status=$(place_order "$w" "$before_cookie" "$token" 1)
  tally place_order "$status"
  local refusal
  refusal="$status$([ -n "$(retry_after "$w")" ] && echo " Retry-After $(retry_after "$w")"): $(head -c 160 "$w/b")"
  cookie=$(new_cart "$w" "$product")
  tally add_to_cart "$(tr -d '\r' <"$w/h" | head -n 1 | awk '{ print $2 }')"
  local orphans
  orphans=$(sqlite3 "$dir/disk/shop.sqlite" 'SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id);')
  local t_free rec=never i
  rm -f "$dir/disk/filler"
  t_free=$(now)
  for i in $(seq 2 60); do
    cookie=$(new_cart "$w" "$product")
    if [ -n "$cookie" ] && [ "$(place_order "$w" "$cookie" "$token" "$i")" = 200 ]; then
      rec="$(elapsed "$t_free") s"
      break
    fi
    sleep 0.5
  done
  local peak integrity
  peak=$(proc_kb "$SRV_PID" VmHWM)
  stop_srv
  integrity=$(sqlite3 "$dir/disk/shop.sqlite" 'PRAGMA integrity_check;' | head -n 1)
  printf '  (b) SQLite on a full 64 MB tmpfs, the server running: %s\n' "${statuses%, }"
  printf '      checkout on the full disk answered %s\n' "$refusal"
  printf '      orders without lines: %s; integrity_check: %s; after freeing the disk a checkout works after: %s\n' \
    "$orphans" "$integrity" "$rec"
  printf '      panics in the log: %s; "disk is full" in the log: %s\n' "$(panics "$OUT/$name.log")" \
    "$(grep -ci 'full' "$OUT/$name.log" || true)"
  umount "$dir/disk"
  goal "3b: pages render on a full disk" "$([ "$reads" -eq 3 ] && echo 1)"
  goal "3b: a write is refused with 503 + Retry-After, not an error" "$([ "$errors" -eq 0 ] && echo 1)"
  goal "3b: nothing half-written" "$([ "$orphans" = 0 ] && [ "$integrity" = ok ] && echo 1)"
  goal "3b: checkouts work again once there is room" "$([ "$rec" != never ] && echo 1)"
  row "3b SQLite on a full disk" "$requests" "$errors" "$deliberate" "-" "$rec" "$peak"
}
