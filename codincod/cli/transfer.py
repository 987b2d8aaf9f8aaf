"""``codincod import-mongo`` and ``codincod export-mongo``: a CodinCod MongoDB moved over and
back, through mongodump folders."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from codincod.cli import _settings, db, main
from codincod.config import Settings
from codincod.errors import DomainError


@contextmanager
def _bars() -> Iterator[Any]:
    """A progress bar per collection, on stderr (stdout keeps the report)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        tasks: dict[str, Any] = {}

        def update(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=max(total, done))
            progress.update(tasks[name], completed=done, total=max(total, done))

        yield update


def _ready(settings: Settings) -> None:
    from codincod import dbmigrate

    state = asyncio.run(dbmigrate.status(settings))
    if state.pending:
        raise click.ClickException(
            f"the database has {len(state.pending)} pending migration(s): "
            "run `codincod db upgrade` first"
        )


@main.command("import-mongo")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and compare everything; write nothing.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the full report (every skipped and repaired _id) as JSON.",
)
@click.pass_context
def import_mongo(ctx: click.Context, folder: Path, dry_run: bool, report_file: Path | None) -> None:
    """Import a mongodump folder of a CodinCod database (<collection>.bson files) into the
    configured database, keeping every id and password. Run it again on a newer dump to bring
    in only what changed since (a cutover without downtime)."""
    from codincod.importers.mongo.importing import import_dump

    settings = _settings(ctx)
    _ready(settings)
    if not any(folder.glob("*.bson")):
        raise click.ClickException(f"{folder} holds no .bson files: give a mongodump folder")
    with _bars() as progress:
        report = asyncio.run(import_dump(settings, folder, dry_run=dry_run, progress=progress))
    for line in report.lines():
        click.echo(line)
    if report_file is not None:
        report_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.write_text(json.dumps(report.as_json(), indent=1, default=str))
        click.echo(f"report written to {report_file}")
    if report.dangling_references:
        raise click.ClickException(
            "some references point at nothing: the import was rolled back, nothing changed "
            "(please report this with the JSON report)"
        )


@main.command("export-mongo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_mongo(ctx: click.Context, folder: Path) -> None:
    """Write the configured database as a mongodump folder of the Node server's collections
    (same ids, password hashes as stored): `mongorestore --db codincod FOLDER` loads it."""
    from codincod.importers.mongo.exporting import export_dump

    settings = _settings(ctx)
    _ready(settings)
    if folder.exists() and any(folder.iterdir()):
        raise click.ClickException(f"{folder} is not empty: give a new or empty folder")
    with _bars() as progress:
        result = asyncio.run(export_dump(settings, folder, progress))
    for name, written in result.documents.items():
        click.echo(f"{name:<22}{written:>9}")
    click.echo(f"{result.total} documents in {result.seconds:.1f} s, written to {folder}")


@main.command("checksum")
@click.pass_context
def checksum(ctx: click.Context) -> None:
    """Print a SHA-256 of every table's rows in a canonical form (the same data gives the
    same sums on SQLite and PostgreSQL): compare two databases after a move."""
    from codincod import db
    from codincod.importers.tables import Connection, checksums

    settings = _settings(ctx)

    async def work() -> dict[str, str]:
        await db.init_db(settings)
        try:
            async with Connection(settings) as connection:
                return await checksums(connection)
        finally:
            await db.close_db()

    for table, digest in asyncio.run(work()).items():
        click.echo(f"{digest}  {table}")


@db.command("transfer")
@click.option(
    "--to",
    "target_url",
    required=True,
    help="The empty database to copy into: postgres://user:pass@host/db or sqlite:///path.",
)
@click.pass_context
def transfer(ctx: click.Context, target_url: str) -> None:
    """Copy the whole configured database into another, empty one (SQLite to PostgreSQL, or
    back): every table, every id and password, counters and sequences. The target is migrated
    first; a checksum of every table is compared at the end. Stop the server first: what it
    writes during the copy would not be in it."""
    from codincod import dbtransfer

    settings = _settings(ctx)
    _ready(settings)
    try:
        with _bars() as progress:
            moved = asyncio.run(dbtransfer.transfer(settings, target_url, progress))
    except (ValueError, DomainError) as error:
        raise click.ClickException(getattr(error, "message", str(error))) from error
    rate = moved.total / moved.seconds * 60 if moved.seconds else 0
    if moved.migrated:
        click.echo(f"target migrated: {len(moved.migrated)} migration(s) applied")
    click.echo(
        f"{moved.total} rows in {len(moved.rows)} tables copied in {moved.seconds:.1f} s "
        f"({rate:,.0f} rows a minute); every table's checksum matches."
    )
    click.echo(
        f"To switch over: set CODINCOD_DATABASE_URL={_shown_url(target_url)} for every "
        "codincod process (and CODINCOD_WORKERS for more than one on PostgreSQL), then start "
        "the server."
    )


def _shown_url(url: str) -> str:
    """The URL without its password (the operator has it; the terminal's scrollback need not)."""
    scheme, sep, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:...@{place}"
