#!/usr/bin/env bash
# The whole test suite: once on SQLite, once on PostgreSQL, in separate pytest processes
# (Tortoise caches SQL per table, not per dialect). Extra arguments go to pytest.
# PostgreSQL comes from CODINCOD_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432); outside
# CI its tests are skipped when it cannot be reached, under CI=true they fail.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pytest ]; then
  echo "no test tools in .venv: run ./install.sh --dev first" >&2
  exit 1
fi

status=0
for kind in sqlite postgres; do
  echo "==> tests on $kind"
  # SIGKILL as a last resort: an unclosed SQLite connection can keep Python alive at exit.
  CODINCOD_TEST_DB=$kind timeout -s KILL 600 .venv/bin/pytest "$@" || status=1
done
exit $status
