"""The committed migrations build exactly the schema the models describe, and the server
refuses to run on a database that lacks them."""

from __future__ import annotations

import subprocess
import sys

from codincod.config import Settings
from codincod.dbmigrate import migration_files
from tests.schema_probe import postgres_schema, sqlite_schema
from tests.support import DB_KIND, ROOT, run_cli, server_env


def schema_of(url: str) -> dict:
    if url.startswith("sqlite://"):
        return sqlite_schema(url.removeprefix("sqlite://"))
    import asyncio

    return asyncio.run(postgres_schema(url))


def test_both_dialects_have_the_same_migrations() -> None:
    sqlite = migration_files(Settings(database_url="sqlite:///tmp/x.sqlite3"))
    postgres = migration_files(Settings(database_url="postgres://u@localhost/x"))
    assert sqlite and len(sqlite) == len(postgres)
    assert [name.split("_", 2)[2] for name in sqlite] == [
        name.split("_", 2)[2] for name in postgres
    ]


def test_migrations_match_the_models(fresh_database, tmp_path) -> None:
    migrated = fresh_database("migrated")
    generated = fresh_database("generated")
    result = run_cli(["db", "upgrade"], server_env(tmp_path, migrated))
    assert result.returncode == 0, result.stderr
    subprocess.run(
        [sys.executable, "-m", "tests.schema_probe", generated], check=True, cwd=ROOT, timeout=120
    )
    expected, actual = schema_of(generated), schema_of(migrated)
    assert len(expected) >= 14 and sorted(actual) == sorted(expected)
    for table in expected:
        assert actual[table] == expected[table], f"{DB_KIND} table {table} differs"


def test_status_reports_and_serve_refuses_pending_migrations(fresh_database, tmp_path) -> None:
    env = server_env(tmp_path, fresh_database("pending"))
    status = run_cli(["db", "status"], env)
    assert status.returncode == 1 and "pending" in status.stdout
    refused = run_cli(["serve", "--port", "1"], env, timeout=60)
    assert refused.returncode != 0
    assert "codincod db upgrade" in refused.stderr
    assert run_cli(["db", "upgrade"], env).returncode == 0
    again = run_cli(["db", "upgrade"], env)
    assert "already up to date" in again.stdout
    status = run_cli(["db", "status"], env)
    assert status.returncode == 0 and "up to date" in status.stdout
    history = run_cli(["db", "history"], env)
    assert history.stdout.split() == migration_files(
        Settings(database_url=env["CODINCOD_DATABASE_URL"])
    )
