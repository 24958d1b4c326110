#!/usr/bin/env bash
# A Winkel cluster on this machine, for the scale-out tests (issue 19):
# three MariaDB Galera nodes, two `winkel serve` instances on different
# nodes behind HAProxy. Everything listens on 127.0.0.1 only and lives
# under DIR (run as root: a folder user mysql may enter, e.g. in /tmp).
#
#   end2end/cluster.sh up DIR              three mariadbd (Galera, rsync SST),
#                                          database winkel, user winkel/winkel;
#                                          writes DIR/cluster.env
#   end2end/cluster.sh shop DIR [BIN]      BIN migrate on node 1, instance A
#                                          (node 1) and B (node 2), HAProxy in
#                                          front; writes DIR/shop.env
#   end2end/cluster.sh down DIR            stops all of it, removes DIR's files
#   end2end/cluster.sh stop-node DIR N     stops node N (1-3) cleanly
#   end2end/cluster.sh start-node DIR N    starts it again: it rejoins (IST,
#                                          else SST) and is Synced on return
#   end2end/cluster.sh stop-instance DIR A|B
#   end2end/cluster.sh start-instance DIR A|B
#
# Also `./winkel cluster up|shop|down|... DIR`. For example:
#
#   ./winkel build && ./winkel cluster up /tmp/c && ./winkel cluster shop /tmp/c
#   . /tmp/c/shop.env && curl -sI "$SHOP_URL/"     # X-Winkel-Instance: a or b
#   ./winkel cluster stop-node /tmp/c 2; ...; ./winkel cluster down /tmp/c
#
# BIN defaults to the release build (winkel_bin of scripts/lib.sh); it runs
# in the repository root, so Leptos.toml and target/site are the ones it
# serves. The instances never migrate (WINKEL_MIGRATE_ON_START=false), share
# mail, uploads and backups folders under DIR/shop and one WINKEL_SECRET,
# trust HAProxy's X-Forwarded-For, and both run the nightly jobs (a lease in
# the database lets one run each); other WINKEL_* settings (e.g.
# WINKEL_FORM_LIMIT, WINKEL_REDIS_URL) pass through from the caller.
# HAProxy: round robin, no stickiness, health check GET /healthz, a request
# log without client addresses (see the comments in write_haproxy_cfg).
#
# DIR/cluster.env: NODEn_PORT, NODEn_URL (mysql://winkel:winkel@...),
# NODEn_PID, the Galera ports. DIR/shop.env: SHOP_URL, INSTANCE_A_URL,
# INSTANCE_B_URL, HAPROXY_PID, INSTANCE_A_PID, INSTANCE_B_PID. Both can be
# sourced by a shell. Logs: DIR/nodeN/error.log, DIR/shop/*.log.
#
# Environment: NODE1_PORT, NODE2_PORT, NODE3_PORT (SQL ports; else the
# first free from CLUSTER_SQL_PORT, 3410), CLUSTER_GALERA_PORT (4567: first
# of the Galera, IST and SST ports), CLUSTER_SHOP_PORT (3480: HAProxy, then
# the instances), CLUSTER_TIMEOUT (300 s for the nodes to be Synced),
# CLUSTER_TTL_MINUTES (120: then `down` runs by itself, so a forgotten
# cluster never outlives a session; 0: never), CLUSTER_KEEP=1 (`down` keeps
# the files and logs). A failing `up` or `shop` shows the last log lines and
# runs `down` itself.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SELF=$WINKEL_ROOT/end2end/cluster.sh
GALERA_LIB=/usr/lib/galera/libgalera_smm.so
NODES=(1 2 3)

usage() {
  sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------- state

# The absolute DIR, and the paths in it. Only up creates it.
set_dir() {
  [ -n "${1:-}" ] || usage
  [ "${2:-}" != create ] || mkdir -p "$1"
  [ -d "$1" ] || die "no folder $1"
  DIR=$(cd "$1" && pwd)
  CLUSTER_ENV=$DIR/cluster.env
  SHOP_ENV=$DIR/shop.env
  SHOP_DIR=$DIR/shop
}

# env_line NAME VALUE: one line of an env file (quoted where needed).
env_line() { printf '%s=%q\n' "$1" "$2"; }

# Rewritten after every change, so that `down` (another run, the trap, the
# watchdog) always finds every process started so far.
write_cluster_env() {
  local n
  {
    echo "# end2end/cluster.sh up $DIR"
    for n in "${NODES[@]}"; do
      env_line "NODE${n}_PORT" "${SQL_PORT[n]}"
      env_line "NODE${n}_URL" "mysql://$MARIADB_USER:$MARIADB_PASSWORD@127.0.0.1:${SQL_PORT[n]}/winkel"
      env_line "NODE${n}_GALERA_PORT" "${GALERA_PORT[n]}"
      env_line "NODE${n}_IST_PORT" "${IST_PORT[n]}"
      env_line "NODE${n}_SST_PORT" "${SST_PORT[n]}"
      env_line "NODE${n}_PID" "${NODE_PID[n]:-}"
    done
    env_line WATCHDOG_PID "${WATCHDOG_PID:-}"
  } >"$CLUSTER_ENV.new"
  mv "$CLUSTER_ENV.new" "$CLUSTER_ENV"
}

read_cluster_env() {
  [ -f "$CLUSTER_ENV" ] || die "no cluster in $DIR (no cluster.env): run up first"
  # shellcheck source=/dev/null
  . "$CLUSTER_ENV"
  local n v
  for n in "${NODES[@]}"; do
    v=NODE${n}_PORT && SQL_PORT[n]=${!v}
    v=NODE${n}_GALERA_PORT && GALERA_PORT[n]=${!v}
    v=NODE${n}_IST_PORT && IST_PORT[n]=${!v}
    v=NODE${n}_SST_PORT && SST_PORT[n]=${!v}
    v=NODE${n}_PID && NODE_PID[n]=${!v}
    # Not for HAProxy or an instance, even while this node is stopped.
    TAKEN+="${SQL_PORT[n]} ${GALERA_PORT[n]} ${IST_PORT[n]} ${SST_PORT[n]} "
  done
}

write_shop_env() {
  {
    echo "# end2end/cluster.sh shop $DIR"
    env_line SHOP_URL "http://127.0.0.1:$SHOP_PORT"
    env_line INSTANCE_A_URL "http://127.0.0.1:$INSTANCE_A_PORT"
    env_line INSTANCE_B_URL "http://127.0.0.1:$INSTANCE_B_PORT"
    env_line SHOP_PORT "$SHOP_PORT"
    env_line INSTANCE_A_PORT "$INSTANCE_A_PORT"
    env_line INSTANCE_B_PORT "$INSTANCE_B_PORT"
    env_line HAPROXY_PID "${HAPROXY_PID:-}"
    env_line INSTANCE_A_PID "${INSTANCE_A_PID:-}"
    env_line INSTANCE_B_PID "${INSTANCE_B_PID:-}"
    env_line WINKEL_BIN "$BIN"
  } >"$SHOP_ENV.new"
  mv "$SHOP_ENV.new" "$SHOP_ENV"
}

read_shop_env() {
  [ -f "$SHOP_ENV" ] || die "no shop in $DIR (no shop.env): run shop first"
  # shellcheck source=/dev/null
  . "$SHOP_ENV"
  BIN=$WINKEL_BIN
}

# pick_port VAR FROM: the first port from FROM on that is free and not yet
# handed out by this run (a node not started yet does not listen yet).
TAKEN=' '
pick_port() {
  local port=$2
  while :; do
    port=$(free_port "$port") || return 1
    case $TAKEN in
      *" $port "*) port=$((port + 1)) ;;
      *) break ;;
    esac
  done
  TAKEN+="$port "
  printf -v "$1" '%s' "$port"
}

# ---------------------------------------------------------------- processes

# alive PID: running (a zombie, a child of ours not yet reaped, is not).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

any_alive() {
  local pid
  for pid in "$@"; do alive "$pid" && return 0; done
  return 1
}

# ours PID TEXT: PID runs and its command line contains TEXT, so that a pid
# reused by some other process after ours ended is never signalled.
ours() {
  [ -n "$1" ] && alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# stop_pid PID TEXT SECONDS: TERM, then KILL after SECONDS.
stop_pid() { stop_pids "$3" "$1" "$2"; }

# stop_pids SECONDS PID TEXT [PID TEXT]...: TERM to all at once, then KILL
# to those still running after SECONDS.
stop_pids() {
  local seconds=$1 pids=() pid i
  shift
  while [ "$#" -ge 2 ]; do
    if ours "$1" "$2"; then
      kill -TERM "$1" 2>/dev/null || true
      pids+=("$1")
    fi
    shift 2
  done
  for ((i = 0; i < seconds * 4; i++)); do
    any_alive "${pids[@]}" || break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do
    if alive "$pid"; then
      warn "pid $pid did not stop in $seconds s: KILL"
      # Its whole group: each process started here leads one (setsid),
      # holding its helpers (a node's SST script and rsync daemon).
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------- nodes

node_dir() { printf '%s/node%s\n' "$DIR" "$1"; }

# root_sql N ARGS...: the mariadb client as root over node N's socket.
root_sql() {
  local n=$1
  shift
  mariadb --no-defaults --protocol=socket -S "$(node_dir "$n")/sock" -uroot "$@"
}

# node_state N: "SIZE STATE" (wsrep_cluster_size, wsrep_local_state_comment,
# which may hold spaces), or nothing while the node does not answer
# (starting, receiving an SST).
node_state() {
  root_sql "$1" --connect-timeout=1 -N -B -e \
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_cluster_size')" 2>/dev/null |
    awk -F '\t' '$1 == "wsrep_local_state_comment" { s = $2 } $1 == "wsrep_cluster_size" { c = $2 }
      END { if (s != "") print c, s }'
}

# start_node N [--wsrep-new-cluster]: mariadbd for node N in the
# background, in a session of its own (a Ctrl-C in this terminal later
# must not reach it). Returns at once; wait_synced waits.
start_node() {
  local n=$1 d members='' m
  shift
  d=$(node_dir "$n")
  for m in "${NODES[@]}"; do members+="${members:+,}127.0.0.1:${GALERA_PORT[m]}"; done
  mkdir -p "$d/data"
  [ -z "$DB_OWNER" ] || chown -R "$DB_OWNER:$DB_OWNER" "$d"
  # --no-defaults: nothing from /etc/mysql, whose server (3306) is another
  # one. innodb_autoinc_lock_mode=2 and ROW binlogs: what Galera requires.
  # rsync SST: works offline with Debian's packages, and needs no SST user.
  # Each node gets its own Galera, IST and SST ports: all share 127.0.0.1.
  # flush_log_at_trx_commit=2: durability comes from the other nodes (and
  # the disk is shared anyway); the tests measure the cluster, not fsync.
  # wsrep_sync_wait=1: a read waits until the node has applied what the
  # cluster committed before it. Without it a visitor whose next request
  # lands on another node may miss their own write: the cluster test saw
  # an order page 404 right after the order, and orders placed with the
  # cart as it was one request earlier.
  (exec setsid mariadbd --no-defaults "${DB_USER_OPT[@]}" \
    --datadir="$d/data" --socket="$d/sock" --pid-file="$d/pid" --log-error="$d/error.log" \
    --port="${SQL_PORT[n]}" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --default-storage-engine=InnoDB --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 \
    --wsrep-on=ON --wsrep-provider="$GALERA_LIB" --wsrep-cluster-name=winkel \
    --wsrep-cluster-address="gcomm://$members" \
    --wsrep-node-name="node$n" --wsrep-node-address=127.0.0.1 \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${GALERA_PORT[n]};base_host=127.0.0.1;base_port=${GALERA_PORT[n]};ist.recv_addr=127.0.0.1:${IST_PORT[n]};gcache.size=128M" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:${SST_PORT[n]}" \
    --wsrep-sync-wait=1 \
    "$@") </dev/null >/dev/null 2>&1 &
  NODE_PID[n]=$!
  write_cluster_env
}

# wait_synced N...: until each node answers Synced and reports a cluster of
# as many nodes as run now; one progress line per change of state.
wait_synced() {
  local want=0 m n state deadline ok
  local -A last=()
  for m in "${NODES[@]}"; do ours "${NODE_PID[m]:-}" "$DIR/node$m/" && want=$((want + 1)); done
  deadline=$((SECONDS + ${CLUSTER_TIMEOUT:-300}))
  while :; do
    ok=1
    for n in "$@"; do
      if ! alive "${NODE_PID[n]}"; then
        warn "node $n (mariadbd, pid ${NODE_PID[n]}) exited; last lines of $(node_dir "$n")/error.log:"
        tail -n 30 "$(node_dir "$n")/error.log" >&2
        return 1
      fi
      state=$(node_state "$n")
      [ -n "$state" ] || state="starting (state transfer, or not answering yet)"
      if [ "$state" != "${last[$n]:-}" ]; then
        case $state in
          starting*) log "node $n: $state [${SECONDS} s]" ;;
          *) log "node $n: ${state#* }, cluster size ${state%% *} [${SECONDS} s]" ;;
        esac
        last[$n]=$state
      fi
      [ "$state" = "$want Synced" ] || ok=0
    done
    [ "$ok" = 1 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      warn "not all of nodes $* were Synced in a cluster of $want after ${CLUSTER_TIMEOUT:-300} s"
      return 1
    fi
    sleep 0.5
  done
}

# winkel_login N: the winkel user logs in over TCP, as the shop does.
winkel_login() {
  MYSQL_PWD=$MARIADB_PASSWORD mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"${SQL_PORT[$1]}" \
    -u"$MARIADB_USER" winkel -N -B -e 'SELECT 1' >/dev/null 2>&1
}

# As root, mariadbd runs as mysql, not as root like the faults bench's: the
# joiner's rsync daemon of an rsync SST, started as root, drops to nobody
# and can then write nothing into a root-owned data folder. As anyone else
# it runs as that user (then the daemon keeps it).
db_user() {
  DB_OWNER='' DB_USER_OPT=()
  if [ "$(id -u)" -eq 0 ]; then
    id mysql >/dev/null 2>&1 || die "no user mysql (it comes with mariadb-server)"
    DB_OWNER=mysql DB_USER_OPT=(--user=mysql)
    runuser -u mysql -- test -x "$DIR" ||
      die "user mysql cannot reach $DIR: choose a folder all may enter (e.g. under /tmp)"
  fi
}

ensure_cluster_tools() {
  ensure_cmd mariadbd mariadb-server || return 1
  ensure_cmd mariadb mariadb-client || return 1
  ensure_cmd rsync rsync || return 1
  # The rsync SST script checks its port with ss (or lsof).
  ensure_cmd ss iproute2 || return 1
  if [ ! -f "$GALERA_LIB" ]; then
    apt_install galera-4 || return 1
    [ -f "$GALERA_LIB" ] || die "$GALERA_LIB is still missing after installing galera-4"
  fi
}

# ---------------------------------------------------------------- failure

# On a failed (or interrupted) up or shop: the last log lines, then down.
on_exit() {
  local rc=$?
  [ "$rc" -ne 0 ] && [ -n "${CLEANUP_ON_FAILURE:-}" ] || return 0
  warn "$CLEANUP_ON_FAILURE failed; stopping what it started"
  local f logs=("$DIR"/node*/error.log)
  [ "$CLEANUP_ON_FAILURE" = shop ] && logs=("$SHOP_DIR"/*.log)
  for f in "${logs[@]}"; do
    [ -s "$f" ] || continue
    printf -- '---- last lines of %s\n' "$f" >&2
    tail -n 15 "$f" >&2
  done
  cmd_down_dir || true
  exit "$rc"
}

guard() {
  CLEANUP_ON_FAILURE=$1
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ---------------------------------------------------------------- up

cmd_up() {
  set_dir "${1:-}" create
  [ ! -e "$CLUSTER_ENV" ] || die "$DIR already holds a cluster: run down $DIR first"
  local started=$SECONDS n port
  ensure_cluster_tools || die "could not install the cluster's tools"
  guard up
  db_user

  SQL_PORT=() GALERA_PORT=() IST_PORT=() SST_PORT=() NODE_PID=()
  port=${CLUSTER_SQL_PORT:-3410}
  for n in "${NODES[@]}"; do
    local fixed=NODE${n}_PORT
    if [ -n "${!fixed:-}" ]; then
      port_in_use "${!fixed}" && die "$fixed=${!fixed} is in use"
      SQL_PORT[n]=${!fixed}
      TAKEN+="${!fixed} "
    else
      pick_port "SQL_PORT[$n]" "$port" || die "no free SQL port"
      port=$((SQL_PORT[n] + 1))
    fi
  done
  port=${CLUSTER_GALERA_PORT:-4567}
  for n in "${NODES[@]}"; do
    pick_port "GALERA_PORT[$n]" "$port" || die "no free Galera port"
    pick_port "IST_PORT[$n]" "$((GALERA_PORT[n] + 1))" || die "no free IST port"
    pick_port "SST_PORT[$n]" "$((IST_PORT[n] + 1))" || die "no free SST port"
    port=$((SST_PORT[n] + 1))
  done
  write_cluster_env

  # Only node 1 gets system tables; 2 and 3 start empty and receive
  # everything by SST, as a new node of a real cluster does.
  log "node 1: mariadb-install-db"
  mkdir -p "$DIR/node1/data"
  [ -z "$DB_OWNER" ] || chown -R "$DB_OWNER:$DB_OWNER" "$DIR/node1"
  mariadb-install-db --no-defaults --datadir="$DIR/node1/data" "${DB_USER_OPT[@]}" \
    --auth-root-authentication-method=normal >"$DIR/node1/install.log" 2>&1 ||
    die "mariadb-install-db failed: $(tail -n 5 "$DIR/node1/install.log")"

  log "node 1: bootstrapping the cluster (SQL 127.0.0.1:${SQL_PORT[1]}, Galera ${GALERA_PORT[1]})"
  start_node 1 --wsrep-new-cluster
  wait_synced 1 || die "node 1 did not come up"

  # Created before the others join: they receive it with the state transfer.
  root_sql 1 --batch <<SQL || die "could not create the database and user"
CREATE DATABASE IF NOT EXISTS winkel CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASSWORD';
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'localhost' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL ON winkel.* TO '$MARIADB_USER'@'127.0.0.1';
GRANT ALL ON winkel.* TO '$MARIADB_USER'@'localhost';
SQL

  # Both at once: a joiner that finds node 1 busy donating retries by itself.
  log "nodes 2 and 3: joining (SQL ${SQL_PORT[2]} and ${SQL_PORT[3]}; rsync SST from the cluster)"
  start_node 2
  start_node 3
  wait_synced 1 2 3 || die "the cluster did not reach 3 Synced nodes"
  for n in "${NODES[@]}"; do
    winkel_login "$n" || die "user $MARIADB_USER cannot log in to database winkel on node $n"
  done

  local ttl=${CLUSTER_TTL_MINUTES:-120}
  if [ "$ttl" -gt 0 ]; then
    # A session of its own, whose group down ends (the sleep with it).
    # shellcheck disable=SC2016 # the inner shell expands them
    setsid bash -c 'sleep "$1" && exec "$2" down "$3"' watchdog \
      "$((ttl * 60))" "$SELF" "$DIR" </dev/null >>"$DIR/watchdog.log" 2>&1 &
    WATCHDOG_PID=$!
    write_cluster_env
  fi
  CLEANUP_ON_FAILURE=
  log "cluster up in $((SECONDS - started)) s: 3 nodes Synced, database winkel on 127.0.0.1:${SQL_PORT[1]}, ${SQL_PORT[2]}, ${SQL_PORT[3]} (see $CLUSTER_ENV)"
  if [ "$ttl" -gt 0 ]; then
    log "it stops by itself in $ttl minutes (CLUSTER_TTL_MINUTES) unless down runs first"
  fi
}

# ---------------------------------------------------------------- stop-node, start-node

node_arg() {
  case ${1:-} in
    1 | 2 | 3) ;;
    *) die "node must be 1, 2 or 3, not '${1:-}'" ;;
  esac
}

cmd_stop_node() {
  set_dir "${1:-}"
  node_arg "${2:-}"
  read_cluster_env
  local n=$2
  ours "${NODE_PID[n]}" "$DIR/node$n/" || die "node $n is not running"
  log "node $n: stopping (pid ${NODE_PID[n]})"
  stop_pid "${NODE_PID[n]}" "$DIR/node$n/" 120
  NODE_PID[n]=
  write_cluster_env
  log "node $n stopped"
}

cmd_start_node() {
  set_dir "${1:-}"
  node_arg "${2:-}"
  read_cluster_env
  local n=$2 m others=0 started=$SECONDS lines how
  db_user
  ours "${NODE_PID[n]}" "$DIR/node$n/" && die "node $n is already running"
  lines=$(wc -l <"$(node_dir "$n")/error.log" 2>/dev/null || echo 0)
  for m in "${NODES[@]}"; do ours "${NODE_PID[m]}" "$DIR/node$m/" && others=$((others + 1)); done
  if [ "$others" -eq 0 ]; then
    # No cluster left to join: this node starts a new one. Galera refuses
    # unless it was the last to stop (safe_to_bootstrap: 1 in grastate.dat).
    log "node $n: no other node runs; bootstrapping a new cluster from it"
    start_node "$n" --wsrep-new-cluster
  else
    log "node $n: starting; it rejoins the $others running (IST, or SST when too far behind)"
    start_node "$n"
  fi
  wait_synced "$n" || die "node $n did not rejoin"
  # The joiner prepares an IST from seqno 0 when it gets a full copy.
  how=$(tail -n +"$((lines + 1))" "$(node_dir "$n")/error.log" |
    sed -n 's/.*Prepared IST receiver for \([0-9]*\)-\([0-9]*\),.*/\1 \2/p' | tail -n 1)
  case $how in
    '' | '0 '*) how="full SST (rsync)" ;;
    *) how="IST of write sets ${how% *} to ${how#* }" ;;
  esac
  log "node $n Synced again after $((SECONDS - started)) s: $how"
}

# ---------------------------------------------------------------- shop

# wait_up URL PID SECONDS: until URL answers 200 while PID runs. Not lib.sh's
# wait_healthy: its kill -0 takes our own exited (zombie) child for alive.
wait_up() {
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    alive "$2" || return 1
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

# start_instance A|B: `BIN serve` on its port and node, in a session of its
# own; waits until its /healthz answers (60 s at most).
start_instance() {
  local which=$1 port node scheduler pid
  case $which in
    A) port=$INSTANCE_A_PORT node=1 scheduler=on ;;
    B) port=$INSTANCE_B_PORT node=2 scheduler=on ;;
  esac
  # Mail, uploads and backups are shared, as on one file server. Both run
  # the nightly jobs: the database's job leases let one run each (the
  # cluster test counts the runs). Both trust
  # HAProxy's X-Forwarded-For for the per-visitor form limit, and share
  # one signing secret so that a link made by A works on B. Empty values
  # keep a developer's .env (SMTP, TLS, another address) out.
  (cd "$WINKEL_ROOT" && exec setsid env \
    DATABASE_URL="mysql://$MARIADB_USER:$MARIADB_PASSWORD@127.0.0.1:${SQL_PORT[node]}/winkel" \
    WINKEL_ADDR="127.0.0.1:$port" WINKEL_PUBLIC_URL="http://127.0.0.1:$SHOP_PORT" \
    WINKEL_MIGRATE_ON_START=false WINKEL_SCHEDULER=$scheduler WINKEL_TRUST_PROXY=true \
    WINKEL_MAIL_DIR="$SHOP_DIR/mail" WINKEL_UPLOADS_DIR="$SHOP_DIR/uploads" \
    WINKEL_BACKUP_DIR="$SHOP_DIR/backups" WINKEL_SECRET="$(cat "$SHOP_DIR/secret")" \
    WINKEL_SMTP_URL='' WINKEL_TLS_CERT='' WINKEL_TLS_KEY='' WINKEL_HTTP_REDIRECT_ADDR='' \
    "$BIN" serve) </dev/null >>"$SHOP_DIR/instance-$which.log" 2>&1 &
  pid=$!
  printf -v "INSTANCE_${which}_PID" '%s' "$pid"
  write_shop_env
  log "instance $which: $BIN serve on 127.0.0.1:$port, database on node $node (pid $pid)"
  wait_up "http://127.0.0.1:$port/healthz" "$pid" 60 ||
    die "instance $which did not answer GET /healthz (exited, or not within 60 s; log: $SHOP_DIR/instance-$which.log)"
}

write_haproxy_cfg() {
  cat >"$DIR/haproxy.cfg" <<EOF
# Written by end2end/cluster.sh shop: the shop on 127.0.0.1:$SHOP_PORT,
# round robin over instance A and B.
global
    # One line a request, on HAProxy's stdout ($SHOP_DIR/haproxy.log).
    # AVG-8: no line ever holds a client address. HAProxy's default HTTP
    # format (option httplog) and its default error-log-format begin with
    # %ci:%cp, so both are replaced below. A log at all, rather than none:
    # the tests read which instance served what, and when a check failed.
    log stdout format raw local0 info
    maxconn 2000

defaults
    mode http
    log global
    # No %ci/%cp (client address and port), and the path without the query
    # string (%HPO, not %r): signed newsletter links carry their token there.
    log-format "%tr %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %HM %HPO"
    # Connection-level errors (timeouts, bad requests before HTTP): likewise.
    error-log-format "%tr %ft %ST %tsc %[fc_err_str]"
    option dontlognull
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # A request that could not reach an instance (stopped, crashed) goes to
    # the other one; it never reached the first, so repeating it is safe.
    retries 2
    option redispatch 1
    retry-on conn-failure

frontend shop
    bind 127.0.0.1:$SHOP_PORT
    # The instances trust X-Forwarded-For (WINKEL_TRUST_PROXY=true): only
    # the entry HAProxy adds may reach them, never one the client sent.
    http-request del-header X-Forwarded-For
    option forwardfor
    default_backend winkel

backend winkel
    # Round robin and no cookie or stick table: any instance must serve any
    # visitor, so sessions and carts have to live in the shared database.
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2
    # Which instance answered, for the scale-out tests (a test harness only).
    http-response set-header X-Winkel-Instance %s
    server a 127.0.0.1:$INSTANCE_A_PORT
    server b 127.0.0.1:$INSTANCE_B_PORT
EOF
}

cmd_shop() {
  set_dir "${1:-}"
  read_cluster_env
  [ ! -e "$SHOP_ENV" ] || die "$DIR already runs a shop: run down $DIR first"
  local n started=$SECONDS
  for n in "${NODES[@]}"; do
    ours "${NODE_PID[n]}" "$DIR/node$n/" || die "node $n is not running: start-node $DIR $n first"
  done
  BIN=${2:-$(winkel_bin)}
  [ -x "$BIN" ] || die "no winkel binary at $BIN: build the release (./winkel build) or pass BIN"
  BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
  ensure_cmd haproxy haproxy || die "could not install haproxy"
  ensure_cmd curl curl || die "could not install curl"
  guard shop

  pick_port SHOP_PORT "${CLUSTER_SHOP_PORT:-3480}" || die "no free port for HAProxy"
  pick_port INSTANCE_A_PORT "$((SHOP_PORT + 1))" || die "no free port for instance A"
  pick_port INSTANCE_B_PORT "$((INSTANCE_A_PORT + 1))" || die "no free port for instance B"
  mkdir -p "$SHOP_DIR/mail" "$SHOP_DIR/uploads"
  install -d -m 0700 "$SHOP_DIR/backups"
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$SHOP_DIR/secret")
  write_shop_env

  # Once, before any instance serves: the instances never migrate
  # (WINKEL_MIGRATE_ON_START=false), as in a rolling deployment.
  log "$BIN migrate (node 1)"
  (cd "$WINKEL_ROOT" &&
    DATABASE_URL="mysql://$MARIADB_USER:$MARIADB_PASSWORD@127.0.0.1:${SQL_PORT[1]}/winkel" exec "$BIN" migrate) </dev/null >"$SHOP_DIR/migrate.log" 2>&1 ||
    die "winkel migrate failed: $(tail -n 5 "$SHOP_DIR/migrate.log")"

  start_instance A
  start_instance B

  write_haproxy_cfg
  haproxy -c -q -f "$DIR/haproxy.cfg" || die "haproxy rejects $DIR/haproxy.cfg"
  # -db: in the foreground of its own session, logging to its stdout.
  (exec setsid haproxy -db -f "$DIR/haproxy.cfg") </dev/null >>"$SHOP_DIR/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  write_shop_env
  log "HAProxy on http://127.0.0.1:$SHOP_PORT (pid $HAPROXY_PID)"
  wait_up "http://127.0.0.1:$SHOP_PORT/healthz" "$HAPROXY_PID" 30 ||
    die "the shop did not answer GET /healthz through HAProxy within 30 s"
  CLEANUP_ON_FAILURE=
  log "shop up in $((SECONDS - started)) s: http://127.0.0.1:$SHOP_PORT (see $SHOP_ENV)"
}

instance_arg() {
  case ${1:-} in
    A | B) ;;
    *) die "instance must be A or B, not '${1:-}'" ;;
  esac
}

cmd_stop_instance() {
  set_dir "${1:-}"
  instance_arg "${2:-}"
  read_cluster_env
  read_shop_env
  local v=INSTANCE_${2}_PID
  ours "${!v}" "$BIN" || die "instance $2 is not running"
  log "instance $2: stopping (pid ${!v})"
  stop_pid "${!v}" "$BIN" 15
  printf -v "$v" '%s' ''
  write_shop_env
}

cmd_start_instance() {
  set_dir "${1:-}"
  instance_arg "${2:-}"
  read_cluster_env
  read_shop_env
  local v=INSTANCE_${2}_PID
  ours "${!v}" "$BIN" && die "instance $2 is already running"
  start_instance "$2"
}

# ---------------------------------------------------------------- down

# Stops what DIR's env files name, newest first, then removes the files.
cmd_down_dir() {
  local n
  if [ -f "$SHOP_ENV" ]; then
    read_shop_env
    log "stopping HAProxy and the instances"
    stop_pids 15 "${HAPROXY_PID:-}" "$DIR/haproxy.cfg" "${INSTANCE_A_PID:-}" "$BIN" "${INSTANCE_B_PID:-}" "$BIN"
  fi
  if [ -f "$CLUSTER_ENV" ]; then
    read_cluster_env
    # Not when the watchdog itself runs this (it exec'd into us).
    if [ -n "${WATCHDOG_PID:-}" ] && [ "$WATCHDOG_PID" != $$ ] && ours "$WATCHDOG_PID" "$DIR"; then
      kill -TERM -- "-$WATCHDOG_PID" 2>/dev/null || true
    fi
    # A node in a state transfer (joiner or donor: a failed up) ignores
    # TERM until the transfer ends or rsync gives up (300 s), and its data
    # is of no use: KILL. The others stop cleanly, all at once.
    local stop=()
    for n in 3 2 1; do
      ours "${NODE_PID[n]:-}" "$DIR/node$n/" || continue
      case $(node_state "$n") in
        *" Synced") stop+=("${NODE_PID[n]}" "$DIR/node$n/") ;;
        *)
          log "node $n is not Synced: KILL (with its SST helpers)"
          kill -KILL -- "-${NODE_PID[n]}" 2>/dev/null || true
          ;;
      esac
    done
    log "stopping the nodes"
    stop_pids 60 "${stop[@]}"
    stop_pids 10 "${NODE_PID[3]:-}" "$DIR/node3/" "${NODE_PID[2]:-}" "$DIR/node2/" "${NODE_PID[1]:-}" "$DIR/node1/"
  fi
  if [ "${CLUSTER_KEEP:-}" = 1 ]; then
    log "CLUSTER_KEEP=1: the files stay in $DIR"
    return 0
  fi
  rm -rf "$DIR"/node1 "$DIR"/node2 "$DIR"/node3 "$SHOP_DIR" "$DIR/haproxy.cfg" \
    "$CLUSTER_ENV" "$SHOP_ENV" "$DIR/watchdog.log"
  rmdir "$DIR" 2>/dev/null || true
  log "down: $DIR cleaned up"
}

cmd_down() {
  set_dir "${1:-}"
  cmd_down_dir
}

# ---------------------------------------------------------------- main

case ${1:-} in
  up) cmd_up "${2:-}" ;;
  shop) cmd_shop "${2:-}" "${3:-}" ;;
  down) cmd_down "${2:-}" ;;
  stop-node) cmd_stop_node "${2:-}" "${3:-}" ;;
  start-node) cmd_start_node "${2:-}" "${3:-}" ;;
  stop-instance) cmd_stop_instance "${2:-}" "${3:-}" ;;
  start-instance) cmd_start_instance "${2:-}" "${3:-}" ;;
  *) usage ;;
esac
