"""Schema migrations with aerich, one folder per dialect.

aerich writes raw SQL for the database it was generated against, so ``migrations/sqlite`` and
``migrations/postgres`` are generated from the same models and committed side by side. These
functions run once, before any server worker starts.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from aerich import Command
from aerich.models import Aerich
from tortoise import Tortoise
from tortoise.exceptions import OperationalError

from codincod.config import Settings
from codincod.db import APP, tortoise_config


@dataclass(frozen=True)
class MigrationStatus:
    applied: list[str]
    pending: list[str]

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def folder(settings: Settings) -> Path:
    return settings.migrations_dir / settings.dialect


def migration_files(settings: Settings) -> list[str]:
    directory = folder(settings) / APP
    if not directory.is_dir():
        return []
    names = [p.name for p in directory.glob("*.py") if p.stem.split("_", 1)[0].isdigit()]
    return sorted(names, key=lambda name: int(name.split("_", 1)[0]))


def _command(settings: Settings) -> Command:
    os.environ.setdefault("AERICH_NO_TORTOISE_V1_WARNING", "1")
    return Command(
        tortoise_config=tortoise_config(settings), app=APP, location=str(folder(settings))
    )


async def _applied() -> list[str] | None:
    """Applied versions, or None when the database has never been migrated."""
    try:
        versions = await Aerich.filter(app=APP).order_by("id").values_list("version", flat=True)
        return [str(version) for version in versions]
    except OperationalError:
        return None


async def status(settings: Settings) -> MigrationStatus:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        applied = await _applied() or []
    finally:
        await Tortoise.close_connections()
    pending = [name for name in migration_files(settings) if name not in applied]
    return MigrationStatus(applied=applied, pending=pending)


async def upgrade(settings: Settings) -> list[str]:
    """Apply every pending migration; returns the versions applied now."""
    if not migration_files(settings):
        raise RuntimeError(f"no migration files in {folder(settings) / APP}")
    before = await status(settings)
    if before.up_to_date:
        return []
    command = _command(settings)
    try:
        if not before.applied:
            # A fresh database: aerich applies the committed files in order.
            await command.init_db(safe=True)
        else:
            await Tortoise.init(config=command.tortoise_config)
            await command.init()
            await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()
    after = await status(settings)
    return [name for name in after.applied if name not in before.applied]


async def make(settings: Settings, name: str, empty: bool = False) -> str | None:
    """Developers: write the migration that brings this dialect's folder up to the models.

    Run it once per dialect (SQLite and PostgreSQL), each against a database at the head.
    """
    command = _command(settings)
    try:
        if not migration_files(settings):
            await command.init_db(safe=True)
            return migration_files(settings)[-1]
        await Tortoise.init(config=command.tortoise_config)
        await command.init()
        return await command.migrate(name=name, empty=empty, no_input=True) or None
    finally:
        await Tortoise.close_connections()


async def status_here(settings: Settings) -> MigrationStatus:
    """``status`` from inside a running server, on its own connections (``status`` opens and
    closes Tortoise's, which would cut the server's)."""
    applied = await _applied() or []
    pending = [name for name in migration_files(settings) if name not in applied]
    return MigrationStatus(applied=applied, pending=pending)


async def upgrade_elsewhere(settings: Settings) -> str:
    """Apply the pending migrations in a process of its own (aerich sets up Tortoise for
    itself) against this server's database; its output (the versions applied)."""
    env = {
        **os.environ,
        "CODINCOD_DATABASE_URL": settings.resolved_database_url,
        "CODINCOD_DATA_DIR": str(settings.data_dir),
        "CODINCOD_MIGRATIONS_DIR": str(settings.migrations_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "codincod.dbmigrate",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"db upgrade failed:\n{text[-2000:]}")
    return text


def _main() -> None:
    """``python -m codincod.dbmigrate``: the migrations alone, for ``upgrade_elsewhere`` (the
    caller has backed up and audits)."""
    from codincod.config import load_settings

    for name in asyncio.run(upgrade(load_settings())):
        print(name)


if __name__ == "__main__":
    _main()
