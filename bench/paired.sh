#!/usr/bin/env bash
# Paired timing on a machine whose speed drifts (a shared VM): rounds of [Multilevel ×3, lme4 ×1] on the same case,
# so that each lme4 time has Multilevel times taken within the same minute. Never run in CI.
#   bench/paired.sh insteval|sim1m [ROUNDS] [DATA_DIR]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case_="${1:-insteval}"; rounds="${2:-3}"; data="${3:-$root/../shared/data}"
tmp="$root/bench/results/tmp"; mkdir -p "$tmp"
bench="$("$root/bench/build.sh")" || exit 1
[ "$case_" = sim1m ] && [ ! -f "$tmp/sim1m.csv" ] && $bench lmm sim1m --export "$tmp" >/dev/null
for r in $(seq 1 "$rounds"); do
  echo "round $r (load $(cut -d' ' -f1 /proc/loadavg))"
  for i in 1 2 3; do $bench lmm "$case_" | grep -E "(REML|ML): fit" | sed 's/^/  Multilevel: /'; done
  Rscript "$root/bench/lme4/lmer_bench.R" "$case_" "$data" "$tmp/sim1m.csv" | grep -v "^#" | sed 's/^/  lme4: /'
done
