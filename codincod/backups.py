"""Backups of the database, taken before a migration runs: SQLite through its online backup
API (consistent while the server writes), PostgreSQL with ``pg_dump`` (custom format, for
``pg_restore``). Files go to ``<data_dir>/backups``."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from codincod.config import Settings
from codincod.errors import Unavailable
from codincod.timeutil import utcnow


def _folder(settings: Settings) -> Path:
    folder = settings.data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S.%fZ")


async def back_up(settings: Settings) -> Path:
    """A full copy of the database now; its path."""
    if settings.dialect == "sqlite":
        source = Path(settings.resolved_database_url.removeprefix("sqlite://"))
        target = _folder(settings) / f"codincod-{_stamp()}.sqlite3"
        await asyncio.to_thread(_sqlite_copy, source, target)
        return target
    return await _pg_dump(settings)


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


async def _pg_dump(settings: Settings) -> Path:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise Unavailable(
            "pg_dump is not installed here, so no backup and no migration: install PostgreSQL's"
            " client tools (e.g. `apt install postgresql-client`), or upgrade without a backup"
            " (`codincod db upgrade --no-backup`)"
        )
    target = _folder(settings) / f"codincod-{_stamp()}.dump"
    url = settings.resolved_database_url.replace("postgres://", "postgresql://", 1)
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
