#!/usr/bin/env bash
# Runs the whole test suite (the README's test command). Installs and starts what the tests need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# The browser test (tests/Multilevel.Tests/Reporting/BrowserReportTests.cs) drives Debian's Chromium through the
# Playwright driver that the Microsoft.Playwright NuGet package ships. Install Chromium when it is missing and we
# may (root, or password-less sudo); otherwise the test skips and says why. In CI (CI=true) with root and apt,
# the browser test must run: a missing Chromium then fails it instead of skipping it.
chromium="${MLM_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  sudo_cmd=none
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"
  fi
  if [ "$sudo_cmd" != none ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium (and fonts) for the browser test ..." >&2
    if $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 \
      && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation </dev/null >&2; then
      echo "test.sh: chromium installed" >&2
    else
      echo "test.sh: could not install chromium with apt-get" >&2
    fi
    if [ "${CI:-}" = "true" ]; then export MLM_REQUIRE_BROWSER=1; fi
  else
    echo "test.sh: $chromium is missing and cannot be installed without root (or password-less sudo):" \
         "the browser test will be skipped. Install it with: sudo apt-get install -y chromium" >&2
  fi
fi
if [ -x "$chromium" ]; then export MLM_REQUIRE_BROWSER=1; fi
export MLM_ARTIFACTS_DIR="${MLM_ARTIFACTS_DIR:-$root/TestResults/browser}"

# The scale tests (tests/Multilevel.Tests/Scale) fit models from sums computed inside PostgreSQL and a two-shard
# ClickHouse cluster. tests/servers/db-servers.sh installs Debian's postgresql and clickhouse-server when they are
# missing and we may (root, or password-less sudo), starts PostgreSQL and two ClickHouse servers on 127.0.0.1 with their
# data in a temporary folder, loads hsb and insteval (split across the shards behind Distributed tables), and stops
# them when this script ends. Where they cannot start, those tests skip and say why; in CI (CI=true, as root) they
# must run: a server that cannot start fails them. MLM_SKIP_SERVERS=1 leaves the servers out.
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = 0 ]; then export MLM_REQUIRE_SERVERS=1; fi
if [ "${MLM_SKIP_SERVERS:-}" != 1 ]; then
  servers_dir="$(mktemp -d "${TMPDIR:-/tmp}/mlm-servers.XXXXXX")"
  trap 'rc=$?; "$root/tests/servers/db-servers.sh" stop "$servers_dir" || true; exit $rc' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  servers_start=$SECONDS
  if tests/servers/db-servers.sh install && tests/servers/db-servers.sh start "$servers_dir" >/dev/null; then
    # shellcheck disable=SC1091
    source "$servers_dir/env"
    echo "test.sh: PostgreSQL and two ClickHouse servers started and loaded in $(( SECONDS - servers_start )) s" >&2
  else
    echo "test.sh: the database servers could not start (see above): the tests that need them will be skipped" \
         "(or fail, in CI)" >&2
  fi
fi

dotnet test Multilevel.slnx -c Release --nologo "$@"
