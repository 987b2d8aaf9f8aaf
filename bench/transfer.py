"""How fast `codincod db transfer` moves rows: a seeded SQLite install grown to --rows rows
(chat lines and game events, the tables that grow), copied into a fresh PostgreSQL database
and back into a fresh SQLite file. Prints rows a minute for each direction.

    .venv/bin/python bench/transfer.py --rows 1000000

Needs PostgreSQL at --admin-url (a database named codincod_bench_transfer is made and
dropped). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

CLI = [sys.executable, "-m", "codincod.cli"]
NAME = "codincod_bench_transfer"


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        [*CLI, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def grow(path: Path, rows: int) -> None:
    """Chat lines and game events of the seeded game, half each, written straight in."""
    import sqlite3

    db = sqlite3.connect(path)
    game, user, username = db.execute(
        "SELECT g.id, u.id, u.username FROM games g JOIN game_players p ON p.game_id = g.id"
        " JOIN users u ON u.id = p.user_id LIMIT 1"
    ).fetchone()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    half = rows // 2
    stamp = lambda n: (start + timedelta(milliseconds=n)).isoformat(" ")  # noqa: E731
    db.executemany(
        "INSERT INTO chat_messages VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (
            (f"c{n:023x}", stamp(n), stamp(n), username, f"line {n} of the bench", game, user)
            for n in range(half)
        ),
    )
    db.executemany(
        "INSERT INTO game_events VALUES (?, ?, 'chat', ?, ?, ?)",
        ((f"e{n:023x}", stamp(n), f'{{"n": {n}}}', game, user) for n in range(rows - half)),
    )
    db.commit()
    db.close()


async def fresh_database(admin_url: str) -> str:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {NAME}")
    finally:
        await admin.close()
    return admin_url.rsplit("/", 1)[0] + f"/{NAME}"


async def drop_database(admin_url: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    finally:
        await admin.close()


def timed(args: list[str], env: dict[str, str]) -> str:
    """The command's own figure (the copy), and its whole time (migrating the target and the
    checksums of both sides included)."""
    started = time.monotonic()
    output = run(args, env)
    copied = next(line for line in output.splitlines() if "rows in" in line)
    return f"{copied.split(';')[0]}; whole command {time.monotonic() - started:.1f} s"


def main() -> None:
    import asyncio

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        env = {
            **os.environ,
            "CODINCOD_DATA_DIR": str(data),
            "CODINCOD_JWT_SECRET": "bench-" + "s" * 40,
            "CODINCOD_BCRYPT_ROUNDS": "4",
        }
        env.pop("CODINCOD_DATABASE_URL", None)
        run(["db", "upgrade", "--no-backup"], env)
        run(["seed", "--preset", "demo", "--password-stdin"], env, stdin="bench password\n")
        started = time.monotonic()
        grow(data / "codincod.sqlite3", options.rows)
        seconds = time.monotonic() - started
        print(f"grew the SQLite install by {options.rows:,} rows in {seconds:.1f} s")
        target = asyncio.run(fresh_database(options.admin_url))
        try:
            print("SQLite -> PostgreSQL:", timed(["db", "transfer", "--to", target], env))
            back = f"sqlite://{data / 'back.sqlite3'}"
            there = {**env, "CODINCOD_DATABASE_URL": target}
            print("PostgreSQL -> SQLite:", timed(["db", "transfer", "--to", back], there))
        finally:
            asyncio.run(drop_database(options.admin_url))


if __name__ == "__main__":
    main()
