#!/usr/bin/env bash
# PostgreSQL and two ClickHouse servers on 127.0.0.1 for the scale tests (tests/Multilevel.Tests/Scale), with their
# data in a folder of their own, configured by files written here. Used by ./test.sh:
#
#   db-servers.sh install          install Debian's postgresql and clickhouse-server when missing (root or sudo -n)
#   db-servers.sh start DIR        start the servers (data, logs, configuration in DIR), wait until they answer,
#                                  create the tables and load hsb, hsb_missing and insteval (split across the two
#                                  ClickHouse shards behind Distributed tables); prints the variables the tests read
#   db-servers.sh stop DIR         stop them and remove DIR
#
# ClickHouse is Debian's 18.16: `CREATE ... ON CLUSTER` needs ZooKeeper, so every table is created on each server;
# the cluster `mlm` (remote_servers) lists the two servers as shards; `*_dist` tables are Distributed over `*_shard`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/tests/Multilevel.Tests/fixtures/data"
insteval="$root/src/Multilevel/Data/Datasets/insteval.csv.gz"
timeout_s="${MLM_SERVER_TIMEOUT:-240}"

log() { echo "db-servers: $*" >&2; }

sudo_cmd() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

pg_bin() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
  return 1
}

ch_server() {
  local b
  for b in /usr/bin/clickhouse-server /usr/sbin/clickhouse-server "$(command -v clickhouse-server 2>/dev/null || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then echo "$b"; return; fi
  done
  return 1
}

install() {
  local missing=()
  pg_bin >/dev/null || missing+=(postgresql)
  ch_server >/dev/null || missing+=(clickhouse-server)
  command -v clickhouse-client >/dev/null 2>&1 || missing+=(clickhouse-client)
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then log "missing ${missing[*]} and no apt-get to install them"; return 1; fi
  log "installing ${missing[*]} with apt-get ..."
  if ! sudo_cmd true; then log "missing ${missing[*]}: installing needs root (or password-less sudo)"; return 1; fi
  # the packages must not start their system-wide services
  local policy="/usr/sbin/policy-rc.d" made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | sudo_cmd tee "$policy" >/dev/null && sudo_cmd chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 || rc=$?
  if [ $rc -eq 0 ]; then
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 || rc=$?
  fi
  if [ $made_policy -eq 1 ]; then sudo_cmd rm -f "$policy"; fi
  # a service the package started anyway would hold the default ports and memory: stop it
  sudo_cmd service clickhouse-server stop >/dev/null 2>&1 || true
  return $rc
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() { # what, seconds, command...
  local what="$1" limit="$2"; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ $(( SECONDS - start )) -ge "$limit" ]; then log "$what did not answer within ${limit}s"; return 1; fi
    sleep 1
  done
  log "$what ready after $(( SECONDS - start ))s"
}

ch_ping() { # http port
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  reply=$(timeout 5 cat <&3 || true)
  exec 3>&-
  [[ "$reply" == *"Ok."* ]]
}

ch_config() { # dir name http tcp interserver tcp1 tcp2
  local dir="$1" name="$2" http="$3" tcp="$4" inter="$5" tcp1="$6" tcp2="$7"
  mkdir -p "$dir/$name/data" "$dir/$name/tmp" "$dir/$name/user_files" "$dir/$name/format_schemas"
  cat > "$dir/$name/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/$name/server.log</log><errorlog>$dir/$name/server.err.log</errorlog><size>50M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <interserver_http_port>$inter</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$dir/$name/data/</path>
  <tmp_path>$dir/$name/tmp/</tmp_path>
  <user_files_path>$dir/$name/user_files/</user_files_path>
  <format_schema_path>$dir/$name/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>32</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
  <remote_servers>
    <mlm>
      <shard><replica><host>127.0.0.1</host><port>$tcp1</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>$tcp2</port></replica></shard>
    </mlm>
  </remote_servers>
</yandex>
XML
}

ch_client() { # tcp port, then clickhouse-client arguments
  local port="$1"; shift
  clickhouse-client --host 127.0.0.1 --port "$port" "$@"
}

# CSV with R's NA to ClickHouse's \N
na_to_null() { sed -E -e 's/(^|,)NA(,|$)/\1\\N\2/g' -e 's/(^|,)NA(,|$)/\1\\N\2/g'; }

hsb_columns="schoolid Int32, minority Int32, female Int32, ses Float64, mathach Float64, meanses Float64, sector Int32, cses Float64"
hsb_nullable="schoolid Nullable(Int32), minority Nullable(Int32), female Nullable(Int32), ses Nullable(Float64), mathach Nullable(Float64), meanses Nullable(Float64), sector Nullable(Int32), cses Nullable(Float64)"
insteval_columns="s String, d String, studage String, lectage String, service String, dept String, y Int32"

load_clickhouse() { # dir tcp1 tcp2
  local dir="$1" t1="$2" t2="$3" port
  for port in "$t1" "$t2"; do
    ch_client "$port" --query "CREATE TABLE hsb ($hsb_columns) ENGINE = MergeTree ORDER BY schoolid"
    ch_client "$port" --query "CREATE TABLE hsb_missing ($hsb_nullable) ENGINE = MergeTree ORDER BY tuple()"
    ch_client "$port" --query "CREATE TABLE insteval ($insteval_columns) ENGINE = MergeTree ORDER BY tuple()"
    ch_client "$port" --query "CREATE TABLE hsb_shard ($hsb_columns) ENGINE = MergeTree ORDER BY schoolid"
    ch_client "$port" --query "CREATE TABLE hsb_missing_shard ($hsb_nullable) ENGINE = MergeTree ORDER BY tuple()"
    ch_client "$port" --query "CREATE TABLE insteval_shard ($insteval_columns) ENGINE = MergeTree ORDER BY tuple()"
    ch_client "$port" --query "CREATE TABLE hsb_dist AS hsb_shard ENGINE = Distributed(mlm, default, hsb_shard, rand())"
    ch_client "$port" --query "CREATE TABLE hsb_missing_dist AS hsb_missing_shard ENGINE = Distributed(mlm, default, hsb_missing_shard, rand())"
    ch_client "$port" --query "CREATE TABLE insteval_dist AS insteval_shard ENGINE = Distributed(mlm, default, insteval_shard, rand())"
  done
  # whole tables on the first server; every other row on each shard
  ch_client "$t1" --query "INSERT INTO hsb FORMAT CSVWithNames" < "$data/hsb.csv"
  na_to_null < "$data/hsb_missing.csv" | ch_client "$t1" --query "INSERT INTO hsb_missing FORMAT CSVWithNames"
  gzip -dc "$insteval" | ch_client "$t1" --query "INSERT INTO insteval FORMAT CSVWithNames"
  awk 'NR == 1 || NR % 2 == 0' "$data/hsb.csv" | ch_client "$t1" --query "INSERT INTO hsb_shard FORMAT CSVWithNames"
  awk 'NR == 1 || NR % 2 == 1' "$data/hsb.csv" | ch_client "$t2" --query "INSERT INTO hsb_shard FORMAT CSVWithNames"
  na_to_null < "$data/hsb_missing.csv" | awk 'NR == 1 || NR % 2 == 0' | ch_client "$t1" --query "INSERT INTO hsb_missing_shard FORMAT CSVWithNames"
  na_to_null < "$data/hsb_missing.csv" | awk 'NR == 1 || NR % 2 == 1' | ch_client "$t2" --query "INSERT INTO hsb_missing_shard FORMAT CSVWithNames"
  gzip -dc "$insteval" | awk 'NR == 1 || NR % 2 == 0' | ch_client "$t1" --query "INSERT INTO insteval_shard FORMAT CSVWithNames"
  gzip -dc "$insteval" | awk 'NR == 1 || NR % 2 == 1' | ch_client "$t2" --query "INSERT INTO insteval_shard FORMAT CSVWithNames"
  local n1 n2
  n1=$(ch_client "$t1" --query "SELECT count() FROM hsb_dist")
  n2=$(ch_client "$t2" --query "SELECT count() FROM insteval_dist")
  log "ClickHouse: hsb_dist has $n1 rows, insteval_dist $n2 rows over two shards"
  [ "$n1" = 7185 ] && [ "$n2" = 73421 ]
}

load_postgres() { # dir port
  local dir="$1" port="$2"
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U mlm -d mlm)
  "${psql[@]}" <<SQL
CREATE TABLE hsb (schoolid integer, minority integer, female integer, ses double precision, mathach double precision,
                  meanses double precision, sector integer, cses double precision);
CREATE TABLE hsb_missing (LIKE hsb);
CREATE TABLE insteval (s integer, d integer, studage integer, lectage integer, service integer, dept text, y integer);
SQL
  "${psql[@]}" -c "\\copy hsb FROM '$data/hsb.csv' WITH (FORMAT csv, HEADER true)"
  "${psql[@]}" -c "\\copy hsb_missing FROM '$data/hsb_missing.csv' WITH (FORMAT csv, HEADER true, NULL 'NA')"
  gzip -dc "$insteval" > "$dir/insteval.csv"
  "${psql[@]}" -c "\\copy insteval FROM '$dir/insteval.csv' WITH (FORMAT csv, HEADER true)"
  "${psql[@]}" -c "ANALYZE"
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 755 "$dir"
  local pgbin chbin
  pgbin=$(pg_bin) || { log "PostgreSQL is not installed"; return 1; }
  chbin=$(ch_server) || { log "ClickHouse is not installed"; return 1; }
  command -v clickhouse-client >/dev/null 2>&1 || { log "clickhouse-client is not installed"; return 1; }

  local pg_port h1 h2 t1 t2 i1 i2
  pg_port=$(free_port); h1=$(free_port); h2=$(free_port); t1=$(free_port); t2=$(free_port); i1=$(free_port); i2=$(free_port)

  # PostgreSQL: a cluster of its own, trust authentication on 127.0.0.1, no durability (test data)
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg"; fi
  as_postgres "$pgbin/initdb" -D "$dir/pg/data" -A trust -U mlm -E UTF8 --locale=C --no-sync >"$dir/pg/initdb.log" 2>&1 \
    || { log "initdb failed:"; tail -20 "$dir/pg/initdb.log" >&2; return 1; }
  as_postgres "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t "$timeout_s" \
    -o "-h 127.0.0.1 -p $pg_port -k $dir/pg -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=40 -c shared_buffers=64MB" \
    start >/dev/null \
    || { log "PostgreSQL did not start:"; tail -30 "$dir/pg/server.log" >&2; return 1; }
  echo "$pgbin" > "$dir/pg/bin"
  psql -X -q -h 127.0.0.1 -p "$pg_port" -U mlm -d postgres -c "CREATE DATABASE mlm" \
    || { log "cannot create the database:"; tail -30 "$dir/pg/server.log" >&2; return 1; }

  # ClickHouse: two servers, each a shard of the cluster mlm
  cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  ch_config "$dir" ch1 "$h1" "$t1" "$i1" "$t1" "$t2"
  ch_config "$dir" ch2 "$h2" "$t2" "$i2" "$t1" "$t2"
  local n
  for n in ch1 ch2; do
    ( cd "$dir/$n" && exec "$chbin" --config-file="$dir/$n/config.xml" >"$dir/$n/stdout.log" 2>&1 ) &
    echo $! > "$dir/$n/pid"
  done
  wait_for "ClickHouse 1 (http $h1)" "$timeout_s" ch_ping "$h1" \
    || { log "ClickHouse 1 log:"; tail -30 "$dir/ch1/stdout.log" "$dir/ch1/server.err.log" >&2 2>/dev/null; return 1; }
  wait_for "ClickHouse 2 (http $h2)" "$timeout_s" ch_ping "$h2" \
    || { log "ClickHouse 2 log:"; tail -30 "$dir/ch2/stdout.log" "$dir/ch2/server.err.log" >&2 2>/dev/null; return 1; }

  load_postgres "$dir" "$pg_port" || { log "loading PostgreSQL failed"; tail -20 "$dir/pg/server.log" >&2; return 1; }
  load_clickhouse "$dir" "$t1" "$t2" || { log "loading ClickHouse failed"; tail -20 "$dir/ch1/server.err.log" "$dir/ch2/server.err.log" >&2 2>/dev/null; return 1; }

  cat > "$dir/env" <<ENV
export MLM_PG_URL='postgresql://mlm@127.0.0.1:$pg_port/mlm'
export MLM_CH_URL='clickhouse://127.0.0.1:$h1/default'
export MLM_CH2_URL='clickhouse://127.0.0.1:$h2/default'
ENV
  cat "$dir/env"
}

stop() {
  local dir="$1" n pid
  [ -d "$dir" ] || return 0
  for n in ch1 ch2; do
    if [ -f "$dir/$n/pid" ]; then
      pid=$(cat "$dir/$n/pid")
      kill "$pid" 2>/dev/null || true
    fi
  done
  if [ -f "$dir/pg/bin" ]; then
    as_postgres "$(cat "$dir/pg/bin")/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  for n in ch1 ch2; do
    if [ -f "$dir/$n/pid" ]; then
      pid=$(cat "$dir/$n/pid")
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?db-servers.sh start DIR}" ;;
  stop) stop "${2:?db-servers.sh stop DIR}" ;;
  *) echo "usage: db-servers.sh install | start DIR | stop DIR" >&2; exit 2 ;;
esac
