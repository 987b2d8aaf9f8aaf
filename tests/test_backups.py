"""Backups and restores through the real CLI, on the database under test: a restore brings
back exactly the backed-up state (a checksum of every table), the schema from before an
upgrade too, and it refuses what it must."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from codincod.config import Settings
from codincod.db import APP
from codincod.dbmigrate import migration_files
from tests.support import ROOT, run_cli, server_env

PASSWORD = "a long password!!\n"


def create_user(env: dict[str, str], name: str) -> None:
    made = run_cli(
        ["user", "create", "--username", name, "--email", f"{name}@x.org", "--password-stdin"],
        env,
        stdin=PASSWORD,
    )
    assert made.returncode == 0, made.stderr


def sums(env: dict[str, str]) -> str:
    result = run_cli(["checksum"], env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_restore_brings_back_exactly_the_backed_up_state(fresh_database, tmp_path) -> None:
    env = server_env(tmp_path / "data", fresh_database("restore"))
    assert run_cli(["db", "upgrade"], env).returncode == 0
    create_user(env, "before_backup")
    backup = tmp_path / "kept.backup"
    made = run_cli(["db", "backup", "--out", str(backup)], env)
    assert made.returncode == 0 and str(backup) in made.stdout, made.stderr
    kept = sums(env)
    create_user(env, "after_backup")
    assert sums(env) != kept
    unasked = run_cli(["db", "restore", str(backup)], env)  # no terminal, no --yes
    assert unasked.returncode != 0 and "--yes" in unasked.stderr
    assert sums(env) != kept  # nothing was touched
    restored = run_cli(["db", "restore", str(backup), "--yes"], env)
    assert restored.returncode == 0, restored.stderr
    assert sums(env) == kept


def test_a_restore_after_an_upgrade_brings_back_the_schema_before_it(
    fresh_database, tmp_path
) -> None:
    url = fresh_database("undo")
    dialect = "sqlite" if url.startswith("sqlite") else "postgres"
    older = tmp_path / "older-migrations"
    shutil.copytree(ROOT / "migrations", older)
    for name in migration_files(Settings(database_url=url))[-2:]:
        (older / dialect / APP / name).unlink()
    env = server_env(tmp_path / "data", url, CODINCOD_MIGRATIONS_DIR=str(older))
    assert run_cli(["db", "upgrade"], env).returncode == 0
    create_user(env, "undo_user")
    env["CODINCOD_MIGRATIONS_DIR"] = str(ROOT / "migrations")
    upgraded = run_cli(["db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    backup = next(
        line.split("backed up to ")[1].split(" (")[0]
        for line in upgraded.stdout.splitlines()
        if "backed up to" in line
    )
    assert run_cli(["db", "restore", backup, "--yes"], env).returncode == 0
    status = run_cli(["db", "status"], env)
    assert status.returncode == 1 and status.stdout.count("pending") >= 2, status.stdout
    assert run_cli(["db", "upgrade", "--no-backup"], env).returncode == 0  # and forward again


def test_a_backup_from_a_newer_version_is_refused(fresh_database, tmp_path) -> None:
    url = fresh_database("newer")
    env = server_env(tmp_path / "data", url)
    assert run_cli(["db", "upgrade"], env).returncode == 0
    future = "99_20991231000000_from_the_future.py"
    if url.startswith("sqlite"):
        backup = tmp_path / "newer.sqlite3"
        assert run_cli(["db", "backup", "--out", str(backup)], env).returncode == 0
        with sqlite3.connect(backup) as copy:
            copy.execute(
                "INSERT INTO aerich (version, app, content) VALUES (?, 'models', '{}')", (future,)
            )
    else:
        import asyncpg

        async def add_future() -> None:
            connection = await asyncpg.connect(url)
            try:
                await connection.execute(
                    "INSERT INTO aerich (version, app, content) VALUES ($1, 'models', '{}')",
                    future,
                )
            finally:
                await connection.close()

        asyncio.run(add_future())
        backup = tmp_path / "newer.dump"
        assert run_cli(["db", "backup", "--out", str(backup)], env).returncode == 0
    before = sums(env)
    refused = run_cli(["db", "restore", str(backup), "--yes"], env)
    assert refused.returncode != 0 and "newer codincod" in refused.stderr, refused.stderr
    assert future in refused.stderr
    assert sums(env) == before
    assert Path(backup).exists()
