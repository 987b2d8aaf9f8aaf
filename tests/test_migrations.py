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


def test_upgrade_backs_up_a_database_with_data_and_keeps_the_last_five(
    fresh_database, tmp_path
) -> None:
    """An upgrade with migrations pending on a database that was migrated before backs it up
    first (the last five backups kept) and says where; ``--no-backup`` skips it."""
    import shutil

    from codincod.db import APP

    url = fresh_database("backups")
    dialect = "sqlite" if url.startswith("sqlite") else "postgres"
    full = ROOT / "migrations"
    older = tmp_path / "older-migrations"
    shutil.copytree(full, older)
    for name in migration_files(Settings(database_url=url))[-2:]:  # the last two still to come
        (older / dialect / APP / name).unlink()
    env = server_env(tmp_path / "data", url, CODINCOD_MIGRATIONS_DIR=str(older))
    first = run_cli(["db", "upgrade"], env)
    assert first.returncode == 0, first.stderr
    assert "backed up" not in first.stdout  # a new database has nothing to lose
    created = run_cli(
        [
            "user",
            "create",
            "--username",
            "kept_user",
            "--email",
            "kept@example.com",
            "--password-stdin",
        ],
        env,
        stdin="a long password!!\n",
    )
    assert created.returncode == 0, created.stderr
    backups = tmp_path / "data" / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    for n in range(6):  # older backups: only the newest five survive the next one
        (backups / f"codincod-2020010{n}T000000.000000Z.old").write_text("old")
    env["CODINCOD_MIGRATIONS_DIR"] = str(full)
    upgraded = run_cli(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "backed up to" in upgraded.stdout and upgraded.stdout.count("applied ") == 2
    kept = sorted(path.name for path in backups.iterdir())
    assert len(kept) == 5 and not kept[-1].endswith(".old"), kept
    backup = backups / kept[-1]
    if dialect == "sqlite":
        import sqlite3

        with sqlite3.connect(backup) as copy:
            names = [row[0] for row in copy.execute("SELECT username FROM users")]
        assert names == ["kept_user"]
    else:
        listing = subprocess.run(["pg_restore", "--list", str(backup)], capture_output=True)
        assert listing.returncode == 0 and b"users" in listing.stdout
    audit = run_cli(["db", "upgrade", "--no-backup"], env)
    assert "backed up" not in audit.stdout and "already up to date" in audit.stdout
