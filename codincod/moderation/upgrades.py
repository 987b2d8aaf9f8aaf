"""Upgrading the database: one use case for ``codincod db upgrade`` and the admin API.

Admins only (the operator at the command line is one). When migrations are pending and the
database was migrated before (so it may hold data), it is backed up first and the last few
backups are kept; a failed backup stops the upgrade. The migrations run, and the upgrade is
audited (an admin's no-op upgrade too, so the log says someone looked).

Where it runs decides how the migrations are reached (``Migrations``): a command line process
migrates in process; a running server must not let aerich set Tortoise up again under its own
connections, so it runs them in a process of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from tortoise.transactions import in_transaction

from codincod import backups, db, dbmigrate
from codincod.actors import Actor, admins_only, moderators_only
from codincod.config import Settings
from codincod.moderation import audit

KEEP_BACKUPS = 5


@dataclass(frozen=True)
class Upgraded:
    applied: list[str]
    backup: Path | None  # None: nothing was pending, the database was new, or it was declined
    pending: list[str]  # still pending after the upgrade (none, when it worked)


@dataclass(frozen=True)
class Migrations:
    """How this process reaches the migrations and the audit log."""

    status: Callable[[], Awaitable[dbmigrate.MigrationStatus]]
    apply: Callable[[], Awaitable[object]]
    audited: Callable[[Callable[[], Awaitable[object]]], Awaitable[object]]


def from_the_command_line(settings: Settings) -> Migrations:
    async def audited(work: Callable[[], Awaitable[object]]) -> object:
        await db.init_db(settings)
        try:
            return await work()
        finally:
            await db.close_db()

    return Migrations(
        status=lambda: dbmigrate.status(settings),
        apply=lambda: dbmigrate.upgrade(settings),
        audited=audited,
    )


def from_a_running_server(settings: Settings) -> Migrations:
    async def audited(work: Callable[[], Awaitable[object]]) -> object:
        return await work()

    return Migrations(
        status=lambda: dbmigrate.status_here(settings),
        apply=lambda: dbmigrate.upgrade_elsewhere(settings),
        audited=audited,
    )


async def status(actor: Actor, migrations: Migrations) -> dbmigrate.MigrationStatus:
    """Moderators: the applied and pending migrations."""
    moderators_only(actor)
    return await migrations.status()


async def upgrade(
    actor: Actor, settings: Settings, migrations: Migrations, *, backup: bool = True
) -> Upgraded:
    admins_only(actor)
    before = await migrations.status()
    copy = None
    if before.pending and before.applied and backup:
        copy = await backups.back_up(settings)  # raises: no backup, no migration
        backups.keep_latest(settings, KEEP_BACKUPS)
    if before.pending:
        await migrations.apply()
    after = await migrations.status()
    applied = [name for name in after.applied if name not in before.applied]

    async def record() -> None:
        async with in_transaction():
            details = {"applied": applied, "backup": str(copy) if copy else None}
            await audit.record(actor, "migrate", "database", settings.dialect, None, **details)

    # A new database's first migrations, and a start-up with nothing to do, leave no trace.
    if (applied and before.applied) or not actor.is_operator:
        await migrations.audited(record)
    return Upgraded(applied, copy, after.pending)
