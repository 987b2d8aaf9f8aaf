"""``codincod doctor``: what an install needs, checked for real, each with what to do about it.

Every check says ok, warn or fail; a failure means the server will not work as configured
(``codincod doctor`` then exits non-zero), a warning that it works but something will bite
later. Nothing is changed: the checks only read (the executor's runtimes are listed, the
database is asked for its migrations).
"""

from __future__ import annotations

import shutil
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from codincod import dbmigrate
from codincod.config import JWT_SECRET_FILE, Settings

MIN_SECRET_BYTES = 32
DISK_HEADROOM = 2  # free space for this many copies of the database (a backup, and growth)


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    check: str
    verdict: Verdict
    detail: str
    fix: str = ""  # what to do, when something is to be done


Check = Callable[[Settings], Awaitable[list[Finding]]]


def ok(check: str, detail: str) -> Finding:
    return Finding(check, Verdict.OK, detail)


def warn(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, Verdict.WARN, detail, fix)


def fail(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, Verdict.FAIL, detail, fix)


async def examine(settings: Settings) -> list[Finding]:
    """Every check, in the order an operator would fix things."""
    findings: list[Finding] = []
    for check in (_database, _secret, _frontend, _executor, _disk):
        findings += await check(settings)
    return findings


# --- the database ---------------------------------------------------------------------------


async def _database(settings: Settings) -> list[Finding]:
    where = settings.resolved_database_url.split("@")[-1]
    try:
        state = await dbmigrate.status(settings)
    except Exception as error:  # any failure to connect is the finding itself
        return [
            fail(
                "database",
                f"{settings.dialect} at {where} cannot be reached ({type(error).__name__}: "
                f"{str(error)[:120]})",
                "check CODINCOD_DATABASE_URL, and that the database server runs and lets us in",
            )
        ]
    found = [ok("database", f"{settings.dialect} at {where} answers")]
    if state.pending:
        found.append(
            fail(
                "migrations",
                f"{len(state.pending)} pending ({', '.join(state.pending[:3])}...)",
                "run `codincod db upgrade` (it backs the database up first)",
            )
        )
    else:
        found.append(ok("migrations", f"up to date ({len(state.applied)} applied)"))
    return found


# --- secrets --------------------------------------------------------------------------------


async def _secret(settings: Settings) -> list[Finding]:
    if settings.jwt_secret:
        return [_secret_length(settings.jwt_secret.encode(), "CODINCOD_JWT_SECRET")]
    path = settings.data_dir / JWT_SECRET_FILE
    found: list[Finding] = []
    if settings.dialect == "postgres":
        found.append(
            warn(
                "jwt secret",
                "generated in this machine's data directory: a server on another host would"
                " sign with another one, and its sessions would not hold here",
                "set the same CODINCOD_JWT_SECRET (32 bytes or more) for every process and host",
            )
        )
    if not path.exists():
        return [*found, ok("jwt secret", f"will be generated in {path} on the first start")]
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        found.append(
            fail(
                "jwt secret",
                f"{path} has permission {mode:o}: other users can read it and forge sessions",
                f"chmod 600 {path} (and a new secret: delete it, every session ends)",
            )
        )
    found.append(_secret_length(path.read_bytes().strip(), str(path)))
    return found


def _secret_length(secret: bytes, where: str) -> Finding:
    if len(secret) < MIN_SECRET_BYTES:
        return fail(
            "jwt secret",
            f"{where} is {len(secret)} bytes: guessable",
            f"use {MIN_SECRET_BYTES} bytes or more (e.g. `openssl rand -base64 48`)",
        )
    return ok("jwt secret", f"{where}, {len(secret)} bytes")


# --- the frontend ---------------------------------------------------------------------------


async def _frontend(settings: Settings) -> list[Finding]:
    origins = [origin.strip() for origin in settings.frontend_url.split(",") if origin.strip()]
    bad = [o for o in origins if not o.startswith(("http://", "https://")) or o.endswith("/")]
    if not origins or bad:
        return [
            fail(
                "frontend origin",
                f"CODINCOD_FRONTEND_URL is {settings.frontend_url!r}",
                "set it to the frontend's origin(s), e.g. https://codincod.example.org",
            )
        ]
    plain = [origin for origin in origins if origin.startswith("http://")]
    if settings.environment == "production" and plain:
        return [
            warn(
                "frontend origin",
                f"production with a plain-HTTP origin ({plain[0]}): Secure cookies will not stick",
                "serve the frontend over HTTPS (see the deployment guide in the README)",
            )
        ]
    return [ok("frontend origin", ", ".join(origins))]


# --- where code runs ------------------------------------------------------------------------


async def _executor(settings: Settings) -> list[Finding]:
    from codincod.execution.choice import describe, executor_for

    executor = executor_for(settings)
    try:
        runtimes = await executor.runtimes()
    except Exception as error:  # any failure means no code runs now
        if settings.piston_url:
            return [
                fail(
                    "executor",
                    f"Piston at {settings.piston_url} cannot be reached ({type(error).__name__})",
                    "start Piston, or fix CODINCOD_PISTON_URL (unset: the embedded runner)",
                )
            ]
        return [fail("executor", f"the embedded runner fails ({error})", "see the README")]
    finally:
        await executor.close()
    names = sorted({runtime.language for runtime in runtimes})
    if not names:
        return [fail("executor", "no runtimes: no code can run", "install Piston packages")]
    kind = describe(executor)
    found = [ok("executor", f"{kind['kind']}: {', '.join(names[:8])}")]
    layers = kind.get("isolation")
    if isinstance(layers, dict):
        found.append(_isolation(layers))
    return found


def _isolation(layers: dict[str, bool]) -> Finding:
    """The embedded runner's layers against hostile code (``LocalExecutor`` says which hold)."""
    held = sum(layers.values())
    missing = [name.split(" (")[0] for name, on in layers.items() if not on]
    if missing:
        return warn(
            "runner isolation",
            f"{held} of {len(layers)} layers; without: {'; '.join(missing)}",
            "run the server as root on Linux (namespaces, a uid per run, cgroups), or use Piston",
        )
    return ok("runner isolation", f"all {held} layers hold")


# --- disk -----------------------------------------------------------------------------------


async def _disk(settings: Settings) -> list[Finding]:
    folder = settings.data_dir if settings.data_dir.exists() else Path.home()
    free = shutil.disk_usage(folder).free
    size = await _database_size(settings)
    needed = size * DISK_HEADROOM
    detail = f"{_mb(free)} free in {folder}, database {_mb(size)}"
    if free < needed:
        return [fail("disk", detail, f"free {_mb(needed - free)} or more for backups")]
    return [ok("disk", detail)]


async def _database_size(settings: Settings) -> int:
    if settings.dialect == "sqlite":
        path = Path(settings.resolved_database_url.removeprefix("sqlite://"))
        return path.stat().st_size if path.exists() else 0
    import asyncpg

    try:
        connection = await asyncpg.connect(settings.resolved_database_url, timeout=5)
    except Exception:  # reported by the database check
        return 0
    try:
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await connection.close()
    return int(size or 0)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"
