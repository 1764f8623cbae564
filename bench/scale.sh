#!/usr/bin/env bash
# The scale benchmark (issue 8) in one command: starts PostgreSQL and two ClickHouse servers with their data in a
# temporary folder (tests/servers/db-servers.sh; installs Debian's packages when missing and run as root), runs the
# bench suite `scale` against the first ClickHouse server, and stops the servers (and removes their data) at the end.
#
#   bench/scale.sh                                                        # 1M rows, 10,000 groups; CSV 1M rows
#   bench/scale.sh --rows 10000000 --groups 100000 --csv-rows 10000000    # the reduced run of bench/results/scale.md
#   bench/scale.sh --rows 100000000 --groups 1000000 --csv-rows 10000000  # the recorded run (BENCHMARKS.md)
#
# Options go to the suite (bench/Multilevel.Bench/Scale/ScaleBench.cs): --rows, --groups, --crossed, --csv-rows,
# --dir (where the CSV file is written; default /tmp), --check (small sizes: the ClickHouse fit against the same rows
# in memory). The simulated ClickHouse table lives in the servers' temporary folder (about 30 bytes a row on disk);
# the CSV file (about 65 bytes a row) is kept in --dir for the next run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
servers_dir="$(mktemp -d "${TMPDIR:-/tmp}/mlm-bench-servers.XXXXXX")"
trap '"$root/tests/servers/db-servers.sh" stop "$servers_dir" || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tests/servers/db-servers.sh install
tests/servers/db-servers.sh start "$servers_dir" >/dev/null
# shellcheck disable=SC1091
source "$servers_dir/env"
bench="$(bench/build.sh)" || exit 1
$bench scale --ch "$MLM_CH_URL" "$@"
