#!/usr/bin/env bash
# The whole test suite: once on SQLite, once on PostgreSQL, in separate pytest processes
# (Tortoise caches SQL per table, not per dialect), side by side: most of each run waits on
# sockets and clocks, not on the CPU. Extra arguments go to both pytest runs.
# PostgreSQL comes from CODINCOD_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432); outside
# CI its tests are skipped when it cannot be reached, under CI=true they fail.
# CODINCOD_TEST_SERIAL=1 runs the two one after the other. Each database's run is spread over
# CODINCOD_TEST_WORKERS pytest workers (default 2, pytest-xdist; each its own database and server).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pytest ]; then
  echo "no test tools in .venv: run ./install.sh --dev first" >&2
  exit 1
fi

logs=$(mktemp -d)
run() {
  # SIGKILL as a last resort: an unclosed SQLite connection can keep Python alive at exit.
  CODINCOD_TEST_DB=$1 timeout -s KILL 900 .venv/bin/pytest -n "${CODINCOD_TEST_WORKERS:-2}" \
    "${@:2}" > "$logs/$1.log" 2>&1
  echo $? > "$logs/$1.status"
}

started=$(date +%s)
if [ "${CODINCOD_TEST_SERIAL:-0}" = 1 ]; then
  run sqlite "$@"; run postgres "$@"
else
  run sqlite "$@" & run postgres "$@" & wait
fi

status=0
for kind in sqlite postgres; do
  echo "==> tests on $kind"
  cat "$logs/$kind.log"
  [ "$(cat "$logs/$kind.status")" = 0 ] || status=1
done
echo "==> both databases in $(( $(date +%s) - started )) s"
rm -rf "$logs"
exit $status
