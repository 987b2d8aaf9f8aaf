#!/usr/bin/env bash
# Installs codincod into ./.venv and prepares its database. Safe to run again at any time.
#
#   ./install.sh          the server and admin tools
#   ./install.sh --dev    the same plus the test and lint tools
#
# The database is the one configured (CODINCOD_DATABASE_URL, or SQLite in the data directory).
set -euo pipefail
cd "$(dirname "$0")"

dev=0
prepare_db=1
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    --no-db) prepare_db=0 ;;
    -h|--help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      echo "  ./install.sh --no-db  skip preparing the database"
      exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "codincod needs Python 3.11 or newer; set PYTHON=/path/to/python3.11 and run again." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv ($("$python" --version))"
  "$python" -m venv .venv
fi

say "installing codincod and its pinned dependencies (requirements.lock)"
.venv/bin/python -m pip install --quiet --upgrade pip
extra=""
[ "$dev" = 1 ] && extra="[dev]"
.venv/bin/python -m pip install --quiet -c requirements.lock -e ".${extra}"

if [ "$prepare_db" = 1 ]; then
  # The same settings as `codincod serve` (CODINCOD_DATA_DIR, CODINCOD_CONFIG, ...): the folder
  # it will use, made private to its owner.
  data_dir=$(.venv/bin/python -c 'from codincod.config import ensure_private_dir, load_settings
s = load_settings(); ensure_private_dir(s.data_dir, tighten=True); print(s.data_dir)')
  say "data directory: $data_dir (CODINCOD_DATA_DIR; serve uses the same)"
  say "preparing the database"
  .venv/bin/codincod db upgrade
fi

say "done. Start the server with:  .venv/bin/codincod serve"
[ "$dev" = 1 ] && say "run the tests with:         tests/run.sh"
exit 0
