#!/usr/bin/env bash
# Builds the benchmark program as users run mlm (see ../mlm): a ReadyToRun publish for this machine, its code
# compiled ahead of time so that a first fit in a process does not wait for the JIT; a plain Release build where
# that cannot be done. Prints the command that runs it.
#   bench=$(bench/build.sh) && $bench lmm sim1m
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/bench/Multilevel.Bench"
out="$project/bin/r2r"
if dotnet publish "$project" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
     -o "$out" -nologo -v quiet >&2; then
  echo "dotnet $out/Multilevel.Bench.dll"
elif dotnet build "$project" -c Release -nologo -v quiet >&2; then
  echo "bench/build.sh: the ReadyToRun publish failed; timing a plain build (first fits include JIT time)" >&2
  echo "dotnet $project/bin/Release/net10.0/Multilevel.Bench.dll"
else
  exit 1
fi
