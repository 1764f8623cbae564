#!/usr/bin/env bash
# Runs the LMM benchmarks of Multilevel and of lme4 in one go on this machine, each case in its own process
# under /usr/bin/time -v (elapsed time and peak resident memory). Usage: bench/lme4/run_lmm.sh [DATA_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data}"
tmp="$root/bench/results/tmp"
mkdir -p "$tmp"
dotnet build "$root/bench/Multilevel.Bench" -c Release -nologo -v quiet >/dev/null
bench="dotnet $root/bench/Multilevel.Bench/bin/Release/net10.0/Multilevel.Bench.dll"
peak() { grep -E "Maximum resident set size|Elapsed \(wall" "$1" | sed 's/^\s*/    /'; }
$bench lmm sim1m --export "$tmp" >/dev/null
for case in insteval sim1m small; do
  echo "== Multilevel: $case"
  /usr/bin/time -v $bench lmm "$case" 2> "$tmp/time_mlm_$case.txt"
  peak "$tmp/time_mlm_$case.txt"
  echo "== lme4: $case"
  (cd "$root" && /usr/bin/time -v Rscript bench/lme4/lmer_bench.R "$case" "$data" "$tmp/sim1m.csv" 2> "$tmp/time_r_$case.txt")
  peak "$tmp/time_r_$case.txt"
done
