#!/usr/bin/env bash
# Runs the whole test suite (the README's test command). Installs and starts what the tests need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
dotnet test Multilevel.slnx -c Release --nologo "$@"
