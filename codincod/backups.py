"""Backups of the database: SQLite through its online backup API (consistent while the server
writes), PostgreSQL with ``pg_dump`` (custom format, for ``pg_restore``). Taken before every
upgrade that has something to migrate, or on demand; they go to ``<data_dir>/backups``.

A restore brings back exactly the backed-up state. It refuses a backup of a newer schema
than this version knows (restore it with the version that made it, or upgrade codincod).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import asyncpg

from codincod.config import Settings
from codincod.errors import Unavailable
from codincod.timeutil import utcnow


def _folder(settings: Settings) -> Path:
    folder = settings.data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S.%fZ")


def sqlite_path(settings: Settings) -> Path:
    return Path(settings.resolved_database_url.removeprefix("sqlite://"))


async def back_up(settings: Settings, out: Path | None = None) -> Path:
    """A full copy of the database now (to ``out``, else the backups folder); its path."""
    if settings.dialect == "sqlite":
        target = out or _folder(settings) / f"codincod-{_stamp()}.sqlite3"
        await asyncio.to_thread(_sqlite_copy, sqlite_path(settings), target)
        return target
    return await _pg_dump(settings, out or _folder(settings) / f"codincod-{_stamp()}.dump")


def keep_latest(settings: Settings, count: int) -> list[Path]:
    """Remove all but the ``count`` newest backups (their names sort by time); the removed."""
    kept = sorted(_folder(settings).glob("codincod-*"), key=lambda path: path.name)
    removed = kept[:-count] if count > 0 else kept
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _sqlite_copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    target.chmod(0o600)


async def _pg_dump(settings: Settings, target: Path) -> Path:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise Unavailable(
            "pg_dump is not installed here, so no backup and no migration: install PostgreSQL's"
            " client tools (e.g. `apt install postgresql-client`), or upgrade without a backup"
            " (`codincod db upgrade --no-backup`)"
        )
    url = _libpq_url(settings)
    process = await asyncio.create_subprocess_exec(
        tool,
        "--format=custom",
        f"--file={target}",
        url,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        raise Unavailable(f"pg_dump failed: {errors.decode(errors='replace')[:300]}")
    return target


def _libpq_url(settings: Settings) -> str:
    return settings.resolved_database_url.replace("postgres://", "postgresql://", 1)


# --- restoring ----------------------------------------------------------------------------------


class NewerBackup(Unavailable):
    """The backup's schema has migrations this version does not know."""

    status = 409


async def schema_of(settings: Settings, backup: Path) -> list[str]:
    """The migrations applied in the backup (aerich's versions)."""
    if settings.dialect == "sqlite":
        return await asyncio.to_thread(_sqlite_versions, backup)
    listing = await _run("pg_restore", "--data-only", "--table=aerich", "--file=-", str(backup))
    versions = []
    in_copy = False
    for line in listing.splitlines():
        if line.startswith("COPY ") and "aerich" in line:
            in_copy = True
        elif in_copy and line == "\\.":
            in_copy = False
        elif in_copy:
            versions.append(line.split("\t")[1])  # id, version, app, content
    return versions


def _sqlite_versions(backup: Path) -> list[str]:
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as copy:
        return [row[0] for row in copy.execute("SELECT version FROM aerich ORDER BY id")]


def refuse_newer(versions: list[str], known: list[str], backup: Path) -> None:
    unknown = [version for version in versions if version not in known]
    if unknown:
        raise NewerBackup(
            f"{backup} comes from a newer codincod (it has migrations {', '.join(unknown)} that"
            " this version does not know): restore it with that version, or upgrade codincod"
        )


async def restore(settings: Settings, backup: Path) -> None:
    """Replace the database with the backup, schema and all: a restore after an upgrade
    brings back the schema from before it too."""
    if settings.dialect == "sqlite":
        await asyncio.to_thread(_sqlite_copy, backup, sqlite_path(settings))
        return
    await _run("pg_restore", "--list", str(backup))  # a readable dump, before anything goes
    connection = await asyncpg.connect(settings.resolved_database_url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    url = _libpq_url(settings)
    await _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}", str(backup))


async def _run(tool_name: str, *args: str) -> str:
    tool = shutil.which(tool_name)
    if tool is None:
        raise Unavailable(
            f"{tool_name} is not installed here: install PostgreSQL's client tools"
            " (e.g. `apt install postgresql-client`)"
        )
    process = await asyncio.create_subprocess_exec(
        tool, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    output, errors = await process.communicate()
    if process.returncode != 0:
        raise Unavailable(f"{tool_name} failed: {errors.decode(errors='replace')[:300]}")
    return output.decode(errors="replace")
