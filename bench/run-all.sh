#!/usr/bin/env bash
# Runs every comparison of BENCHMARKS.md in one go on this machine: Multilevel's benchmark suites and the peers
# (lme4, glmmTMB, statsmodels) on the same data, one case after the other, each in its own process under
# /usr/bin/time -v (elapsed time, CPU time and peak resident memory). Never run in CI.
#   bench/run-all.sh [DATA_DIR]          (DATA_DIR holds insteval.csv, hsb.csv, sleepstudy.csv; default ../shared/data)
# The transcript goes to bench/results/run-all.txt.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-$root/../shared/data}"
tmp="$root/bench/results/tmp"
out="$root/bench/results/run-all.txt"
mkdir -p "$tmp"
bench="$("$root/bench/build.sh")" || exit 1
{
  echo "# bench/run-all.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  lscpu | grep -E "Model name|^CPU\(s\)|Thread|L3"
  free -g | head -2
  echo "dotnet $(dotnet --version); $(R --version | head -1); lme4 $(Rscript -e 'cat(format(packageVersion("lme4")))'); BLAS: $(Rscript -e 'cat(sessionInfo()$BLAS)')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
run() { # name, command...
  local name="$1"; shift
  echo "== $name" | tee -a "$out"
  /usr/bin/time -f "   [time] elapsed %e s, user %U s, system %S s, peak RSS %M KiB" "$@" 2>&1 | tee -a "$out"
}
$bench lmm sim1m --export "$tmp" >/dev/null
$bench glmm --export "$tmp" --repeats 1 >/dev/null
run "Multilevel: lmm insteval" $bench lmm insteval
run "lme4: insteval" Rscript "$root/bench/lme4/lmer_bench.R" insteval "$data"
run "glmmTMB: insteval" Rscript "$root/bench/peers/glmmtmb_bench.R" insteval "$data"
run "Multilevel: lmm sim1m" $bench lmm sim1m
run "lme4: sim1m" Rscript "$root/bench/lme4/lmer_bench.R" sim1m "$data" "$tmp/sim1m.csv"
run "Multilevel: lmm small" $bench lmm small
run "lme4: small" Rscript "$root/bench/lme4/lmer_bench.R" small "$data"
for py in python3 /usr/bin/python3; do   # Debian's python3-statsmodels lives in the system Python
  if $py -c "import statsmodels" 2>/dev/null; then
    run "statsmodels: hsb" $py "$root/bench/peers/statsmodels_hsb.py" "$data"
    break
  fi
done
run "Multilevel: glmm verbagg" $bench glmm --repeats 3
run "lme4: verbagg" Rscript "$root/bench/lme4/glmer_verbagg.R" "$tmp/verbagg_sim.csv"
run "glmmTMB: verbagg" Rscript "$root/bench/peers/glmmtmb_bench.R" verbagg "$tmp/verbagg_sim.csv"
run "Multilevel: fixed-effects 1e6 rows, 3 factors" $bench fixed-effects 1000000 10000,1000,100 2
run "Multilevel: inference (bootstrap 1000, Satterthwaite, profiles)" $bench inference --data "$data"
run "lme4: bootstrap 1000 (bootMer), hsb" Rscript "$root/bench/lme4/bootmer_hsb.R" "$data"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
