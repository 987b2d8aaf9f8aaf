"""The ``codincod`` command: serve, database migrations and account administration.

Commands only translate between the terminal and the domain services; the server is imported
only by ``serve``, so admin commands start fast and need no web stack.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from codincod import __version__
from codincod.config import Settings, load_settings

T = TypeVar("T")


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    try:
        return load_settings(ctx.obj.get("config"), **overrides)
    except Exception as error:  # pydantic explains which setting is wrong
        raise click.ClickException(f"invalid configuration: {error}") from error


async def _with_db(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    from codincod import db

    await db.init_db(settings)
    try:
        return await work()
    finally:
        await db.close_db()


async def _user_id(username: str) -> str:
    from codincod.accounts import service
    from codincod.errors import NotFound

    user = await service.find_user(username)
    if user is None:
        raise NotFound(f"No user named {username!r}: `codincod user create` makes one")
    return user.id


def _fail_on_domain_error(error: Exception) -> None:
    from codincod.errors import DomainError

    if isinstance(error, DomainError):
        detail = "; ".join(f"{d['path']}: {d['message']}" for d in error.details) or error.message
        raise click.ClickException(detail) from error
    raise error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML settings file (default: $CODINCOD_CONFIG).",
)
@click.version_option(__version__, prog_name="codincod")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """codincod: a self-hosted backend for the CodinCod coding-puzzle platform."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1, $CODINCOD_HOST).")
@click.option("--port", type=int, help="Port to listen on (default 8888, $CODINCOD_PORT).")
@click.option("--workers", type=int, help="Worker processes (PostgreSQL only; default 1).")
@click.option("--migrate", is_flag=True, help="Apply pending migrations before starting.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    help="text (default) or json: one JSON object per line ($CODINCOD_LOG_FORMAT).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    migrate: bool,
    log_format: str | None,
) -> None:
    """Start the HTTP + WebSocket server. Every setting it reads: `codincod config`."""
    from codincod import metricsfolder

    settings = _settings(ctx, host=host, port=port, workers=workers, log_format=log_format)
    folder = metricsfolder.use_folder()  # before anything imports prometheus_client
    try:
        _serve(settings, migrate)
    finally:
        metricsfolder.forget_folder(folder)


def _serve(settings: Settings, migrate: bool) -> None:
    from codincod import dbmigrate

    if migrate:
        _upgrade(settings, backup=True)
    state = asyncio.run(dbmigrate.status(settings))
    if state.pending:
        raise click.ClickException(
            f"the database has {len(state.pending)} pending migration(s) "
            f"({', '.join(state.pending)}). Apply them with `codincod db upgrade`, "
            "or start with `codincod serve --migrate`."
        )
    from server.runner import serve as run_server

    if settings.log_format == "text":  # a JSON log has nothing but JSON lines
        click.echo(
            f"codincod {__version__} on http://{settings.host}:{settings.port} "
            f"({settings.dialect}, {settings.workers} worker(s)); Ctrl+C stops it",
            err=True,
        )
    run_server(settings)


@main.command()
@click.option(
    "--server",
    "server_url",
    envvar="CODINCOD_SERVER",
    help="The server's address (default: the local one from the settings, "
    "http://127.0.0.1:8888; $CODINCOD_SERVER).",
)
@click.option("--readonly", is_flag=True, help="A read-only session: look, change nothing.")
@click.option(
    "--token",
    envvar="CODINCOD_TOKEN",
    help="A session token (e.g. from `codincod user token`); skips the login screen "
    "($CODINCOD_TOKEN).",
)
@click.pass_context
def console(ctx: click.Context, server_url: str | None, readonly: bool, token: str | None) -> None:
    """The moderators' terminal console: review queue, reports, users, games, appeals, the
    audit log and migrations, live, over a running server. 1-8 switch screens, ? lists the
    keys, ctrl+p opens the command palette, ctrl+q quits."""
    from tui import config
    from tui.app import ConsoleApp
    from tui.client import Client

    if server_url is None:
        settings = _settings(ctx)
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        server_url = f"http://{host}:{settings.port}"
    kept = token or config.load_token(server_url)
    client = Client(server_url, kept)
    app = ConsoleApp(client, read_only=readonly, remember=token is None)
    app.run()  # the app closes its client on the way out
    if app.return_code:
        sys.exit(app.return_code)


@main.command("config")
@click.pass_context
def show_config(ctx: click.Context) -> None:
    """List every setting: its environment variables, default, current value and meaning."""
    from codincod.config import describe_settings

    for item in describe_settings(_settings(ctx)):
        click.echo(f"{item.name}  [{' / '.join(item.environment)}]")
        click.echo(f"    now: {item.current}    default: {item.default}")
        click.echo(f"    {item.description}")


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check this install: configuration, database and migrations, the JWT secret and its file's
    permission, the frontend origin, where code runs and how it is isolated, free disk for
    backups. Prints what to fix; exits 1 when anything fails."""
    from codincod import doctor as checks

    settings = _settings(ctx)
    findings = asyncio.run(checks.examine(settings))
    marks = {checks.Verdict.OK: "ok  ", checks.Verdict.WARN: "warn", checks.Verdict.FAIL: "FAIL"}
    for finding in findings:
        click.echo(f"{marks[finding.verdict]}  {finding.check}: {finding.detail}")
        if finding.fix:
            click.echo(f"      -> {finding.fix}")
    failed = [f for f in findings if f.verdict is checks.Verdict.FAIL]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: fix them and run it again")
    warned = any(f.verdict is checks.Verdict.WARN for f in findings)
    click.echo("all checks pass" + (" (mind the warnings)" if warned else ""))


@main.command()
@click.option(
    "--preset",
    type=click.Choice(["minimal", "demo"]),
    default="demo",
    show_default=True,
    help="minimal: an account of each kind and 13 approved puzzles; demo: also comments, a "
    "puzzle to review, a finished game to replay and open reports.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new accounts' password from standard input (else each gets its own, "
    "printed once).",
)
@click.pass_context
def seed(ctx: click.Context, preset: str, password_stdin: bool) -> None:
    """Fill the database with demo content: a playable instance out of the box. Running it
    again adds nothing."""
    from codincod import seeding

    settings = _settings(ctx).with_jwt_secret()
    password = _read_password(True) if password_stdin else None

    async def work() -> seeding.Seeded:
        with click.progressbar(length=seeding.steps(preset), label="seeding") as bar:
            return await seeding.seed(settings, preset, password, lambda _: bar.update(1))

    try:
        done = asyncio.run(_with_db(settings, work))
    except Exception as error:
        _fail_on_domain_error(error)
    for name, chosen in done.passwords.items():
        shown = "(the one given)" if password_stdin else chosen
        click.echo(f"  account {name:<16} password {shown}")
    if done.passwords and not password_stdin:
        click.echo("  the passwords are shown this once: keep them somewhere safe")
    for name in done.kept:
        click.echo(f"  account {name:<16} was there already (unchanged)")
    click.echo(f"  {done.puzzles} puzzles added" + "".join(f", {e}" for e in done.extras))


# --- db ------------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database migrations (aerich; one migration folder per dialect)."""


@db.command()
@click.option(
    "--no-backup", is_flag=True, help="Do not back the database up first (not recommended)."
)
@click.pass_context
def upgrade(ctx: click.Context, no_backup: bool) -> None:
    """Apply every pending migration to the configured database. A database that holds data
    is backed up first (the last 5 backups are kept under the data directory's backups/);
    if the backup fails, nothing is migrated."""
    _upgrade(_settings(ctx), backup=not no_backup)


def _upgrade(settings: Any, *, backup: bool) -> None:
    from codincod import dbmigrate
    from codincod.actors import OPERATOR
    from codincod.moderation import upgrades

    click.echo(f"migrating {settings.dialect} database from {dbmigrate.folder(settings)} ...")
    migrations = upgrades.from_the_command_line(settings)
    try:
        done = asyncio.run(upgrades.upgrade(OPERATOR, settings, migrations, backup=backup))
    except Exception as error:
        _fail_on_domain_error(error)
    if done.backup is not None:
        click.echo(f"  backed up to {done.backup} (`codincod db restore` brings it back)")
    for name in done.applied:
        click.echo(f"  applied {name}")
    click.echo("database is up to date" if done.applied else "nothing to apply: already up to date")


@db.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: a new file under the data directory's backups/).",
)
@click.pass_context
def backup(ctx: click.Context, out: Path | None) -> None:
    """Back the database up now: SQLite's online backup (safe while serving), PostgreSQL's
    pg_dump (custom format). `codincod db restore FILE` brings it back."""
    from codincod import backups

    settings = _settings(ctx)
    try:
        made = asyncio.run(backups.back_up(settings, out))
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(f"backed up to {made}")


@db.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database.")
@click.pass_context
def restore(ctx: click.Context, file: Path, yes: bool) -> None:
    """Replace the database with a backup from `codincod db backup` (or an upgrade). Everything
    written since the backup is lost. Stop the servers first, and start them after."""
    from codincod import backups, dbmigrate

    settings = _settings(ctx)
    try:
        versions = asyncio.run(backups.schema_of(settings, file))
        backups.refuse_newer(versions, dbmigrate.migration_files(settings), file)
    except Exception as error:
        _fail_on_domain_error(error)
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException("no terminal to ask: pass --yes to replace the database")
        where = settings.resolved_database_url.split("@")[-1]
        click.confirm(f"Replace the {settings.dialect} database ({where}) with {file}?", abort=True)
    try:
        asyncio.run(backups.restore(settings, file))
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(f"restored {file} ({len(versions)} migrations); start the servers again")


@db.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show applied and pending migrations; exits 1 when some are pending."""
    from codincod import dbmigrate

    settings = _settings(ctx)
    state = asyncio.run(dbmigrate.status(settings))
    click.echo(f"database: {settings.dialect}")
    for name in state.applied:
        click.echo(f"  applied  {name}")
    for name in state.pending:
        click.echo(f"  pending  {name}")
    if state.pending:
        click.echo("run `codincod db upgrade` to apply the pending migrations")
        sys.exit(1)
    click.echo("up to date")


@db.command()
@click.pass_context
def history(ctx: click.Context) -> None:
    """List the migration files for the configured dialect, oldest first."""
    from codincod import dbmigrate

    for name in dbmigrate.migration_files(_settings(ctx)):
        click.echo(name)


@db.command()
@click.option("--name", default="update", show_default=True, help="Suffix of the new file.")
@click.option("--empty", is_flag=True, help="Write an empty migration to fill in by hand.")
@click.pass_context
def makemigrations(ctx: click.Context, name: str, empty: bool) -> None:
    """Developers: write a migration for the configured dialect from the models.

    Run it twice, once with the default SQLite and once with CODINCOD_DATABASE_URL pointing at
    a PostgreSQL database, each upgraded to the head first.
    """
    from codincod import dbmigrate

    settings = _settings(ctx)
    written = asyncio.run(dbmigrate.make(settings, name, empty))
    click.echo(f"wrote {written}" if written else "no changes detected")


# --- users ---------------------------------------------------------------------------------------


@main.group()
def user() -> None:
    """Create accounts and change roles."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("create")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["user", "moderator"]), default="user", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_create(
    ctx: click.Context, username: str, email: str, role: str, password_stdin: bool
) -> None:
    """Create an account. The password is prompted for (or read from stdin), never an argument.

    \b
    Rules (the frontend's too):
      username  3 to 20 letters, digits, _ or -; unique whatever its case
      password  14 to 4096 characters
      email     a valid address, unique"""
    from codincod.accounts import service
    from codincod.accounts.schemas import Registration, Role
    from codincod.validation import parse

    settings = _settings(ctx)
    password = _read_password(password_stdin)
    try:
        data = parse(Registration, {"username": username, "email": email, "password": password})
        created = asyncio.run(
            _with_db(settings, lambda: service.register(data, settings, cast(Role, role)))
        )
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(f"created {created.role} {created.username} ({created.id})")


@user.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["user", "moderator"]))
@click.pass_context
def user_set_role(ctx: click.Context, username: str, role: str) -> None:
    """Make USERNAME a moderator or a plain user; applies to their next request and open
    sockets. Audited as "(command line)"."""
    from codincod.actors import OPERATOR
    from codincod.moderation import admin

    async def change() -> Any:
        return await admin.set_role(OPERATOR, await _user_id(username), role)

    settings = _settings(ctx)
    try:
        changed = asyncio.run(_with_db(settings, change))
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(f"{changed.username} is now a {changed.role}")


@user.command("token")
@click.argument("username")
@click.option("--readonly", is_flag=True, help="A read-only token: it may look, not change.")
@click.option(
    "--days",
    type=float,
    default=None,
    help="Lifetime in days (read-only: up to CODINCOD_READONLY_TOKEN_MAX_DAYS, 90 by default; "
    "full: the session lifetime, which is also the default).",
)
@click.pass_context
def user_token(ctx: click.Context, username: str, readonly: bool, days: float | None) -> None:
    """Print a session token for USERNAME, for dashboards, scripts and `codincod console
    --token`. Treat it as a password; `POST /api/v1/logout` with it revokes it."""
    from codincod.accounts import service

    settings = _settings(ctx).with_jwt_secret()
    lifetime = days if days is not None else settings.jwt_expiry_seconds / 86400

    async def make() -> str:
        return await service.token_for(username, settings, read_only=readonly, days=lifetime)

    try:
        token = asyncio.run(_with_db(settings, make))
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(token)


@user.command("set-admin")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="Take the admin capability back.")
@click.pass_context
def user_set_admin(ctx: click.Context, username: str, revoke: bool) -> None:
    """Let moderator USERNAME also change roles and run migrations over HTTP (the console's
    admin screens); the wire role stays "moderator"."""
    from codincod.actors import OPERATOR
    from codincod.moderation import admin

    async def change() -> Any:
        return await admin.set_admin(OPERATOR, await _user_id(username), not revoke)

    settings = _settings(ctx)
    try:
        changed = asyncio.run(_with_db(settings, change))
    except Exception as error:
        _fail_on_domain_error(error)
    state = "an admin" if changed.is_admin else "no longer an admin"
    click.echo(f"{changed.username} is now {state}")


@main.group()
def languages() -> None:
    """Programming languages that code can be run in."""


@languages.command("sync")
@click.pass_context
def languages_sync(ctx: click.Context) -> None:
    """Add a language for every runtime of the executor (Piston if configured, else the
    embedded Python runner); existing languages keep their ids."""
    from codincod.execution import languages as catalogue
    from codincod.execution.choice import executor_for

    settings = _settings(ctx)
    where = settings.piston_url or "the embedded Python runner"
    click.echo(f"reading runtimes from {where} ...")

    async def work() -> Any:
        executor = executor_for(settings)
        try:
            return await catalogue.sync(executor)
        finally:
            await executor.close()

    try:
        report = asyncio.run(_with_db(settings, work))
    except Exception as error:
        _fail_on_domain_error(error)
    click.echo(
        f"languages: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
    )


@languages.command("list")
@click.pass_context
def languages_list(ctx: click.Context) -> None:
    """Show the stored languages."""
    from codincod.execution.models import ProgrammingLanguage

    settings = _settings(ctx)

    async def work() -> list[ProgrammingLanguage]:
        return list(await ProgrammingLanguage.all().order_by("language", "version"))

    rows = asyncio.run(_with_db(settings, work))
    if not rows:
        click.echo("no languages yet: run `codincod languages sync`")
    for row in rows:
        aliases = ", ".join(row.aliases)
        click.echo(
            f"{row.id}  {row.language} {row.version}" + (f"  ({aliases})" if aliases else "")
        )


# Commands kept in modules of their own register themselves on ``main``.
from codincod.cli import transfer  # noqa: E402, F401
