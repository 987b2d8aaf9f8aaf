"""The console's speed against a real local server: how long the dashboard takes to show from
start, and, with 10,000 pending reports, how long a page change and a filter take per
keypress on the Reports screen (headless Textual, the real client, real HTTP): from the key
to the table holding the new rows, through Textual's test pilot, whose own cost per key is
printed beside (a key bound to nothing).

    .venv/bin/python bench/console.py [--db postgres|sqlite] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import BenchDatabase, Server, codincod_server
from codincod.ids import new_id
from tui.app import ConsoleApp
from tui.client import Client

PASSWORD = "a long bench password"
REPORTERS = TARGETS = 100  # 100 x 100 = 10,000 distinct pending reports


class SqliteDatabase(BenchDatabase):
    """The same, on a SQLite file."""

    def __init__(self) -> None:
        super().__init__()
        self.url = f"sqlite://{self.data_dir}/bench.sqlite3"

    def __enter__(self) -> SqliteDatabase:
        self.cli("db", "upgrade")
        return self

    def __exit__(self, *exc: object) -> None:
        pass


async def seed(database: BenchDatabase) -> None:
    """Users and 10,000 pending reports, written straight into the tables."""
    people = [(new_id(), f"bench_user_{n}") for n in range(REPORTERS + TARGETS)]
    rows = [
        (new_id(), "user", people[REPORTERS + t][0], people[r][0], people[REPORTERS + t][0])
        for r in range(REPORTERS)
        for t in range(TARGETS)
    ]
    user_sql = (
        "INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at, "
        "profile_socials, report_count, ban_count, is_admin) "
        "VALUES ($1, $2, $3, 'x', 'user', now(), now(), '[]', 0, 0, false)"
    )
    report_sql = (
        "INSERT INTO reports (id, problem_type, target_id, reported_by_id, explanation, status, "
        "reported_user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, "
        "'Insulting other players in every game chat.', 'pending', $5, now(), now())"
    )
    if database.url.startswith("sqlite"):
        import sqlite3

        path = database.url.removeprefix("sqlite://")
        with sqlite3.connect(path) as connection:
            connection.executemany(
                user_sql.replace("now()", "CURRENT_TIMESTAMP").replace("$", "?"),
                [(i, name, f"{name}@bench.test") for i, name in people],
            )
            connection.executemany(
                report_sql.replace("now()", "CURRENT_TIMESTAMP").replace("$", "?"), rows
            )
        return
    connection = await asyncpg.connect(database.url)
    try:
        await connection.executemany(user_sql, [(i, n, f"{n}@bench.test") for i, n in people])
        await connection.executemany(report_sql, rows)
    finally:
        await connection.close()


def moderator(database: BenchDatabase, server: Server) -> str:
    database.cli(
        "user",
        "create",
        "--username",
        "bench_mod",
        "--email",
        "m@bench.test",
        "--role",
        "moderator",
        "--password-stdin",
        stdin=PASSWORD,
    )
    answer = httpx.post(
        server.url + "/api/v1/login", json={"identifier": "bench_mod", "password": PASSWORD}
    )
    return str(answer.cookies["token"])


async def dashboard_seconds(url: str, token: str) -> float:
    started = time.perf_counter()
    app = ConsoleApp(Client(url, token), remember=False)
    async with app.run_test(size=(120, 36)) as pilot:
        while "Users" not in _text(app):
            await pilot.pause(0.005)
        took = time.perf_counter() - started
    await app.client.close()
    return took


def _text(app: ConsoleApp) -> str:
    from textual.widgets import Static

    return " ".join(str(w.render()) for w in app.screen.query(Static))


def _first_row(app: ConsoleApp) -> Any:
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    return table.get_row_at(0) if table.row_count else None


async def keypress_ms(
    url: str, token: str, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """Per keypress on the Reports screen: ``]`` (next page) and a filter."""
    from textual.widgets import Input

    app = ConsoleApp(Client(url, token), remember=False)
    pages, filters = [], []
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.is_screen_installed("reports"):
            await pilot.pause(0.01)
        await pilot.press("3")
        while _first_row(app) is None:
            await pilot.pause(0.01)
        harness = []  # what the test pilot itself takes per key (a key nothing is bound to)
        for _ in range(rounds):
            started = time.perf_counter()
            await pilot.press("f12")
            harness.append((time.perf_counter() - started) * 1000)
        for round_number in range(rounds):
            before = _first_row(app)
            started = time.perf_counter()
            await pilot.press("right_square_bracket")
            while _first_row(app) == before:
                await asyncio.sleep(0.001)
            pages.append((time.perf_counter() - started) * 1000)
            shown = app.screen.shown  # type: ignore[attr-defined]
            needle = shown[(round_number * 7) % len(shown)]["reportedBy"]
            await pilot.press("slash")
            app.screen.query_one("#filter", Input).value = needle
            started = time.perf_counter()  # the keypress that applies the filter
            await pilot.press("enter")
            while needle not in " ".join(str(c) for c in (_first_row(app) or ())):
                await asyncio.sleep(0.001)
            filters.append((time.perf_counter() - started) * 1000)
            await pilot.press("escape")
    await app.client.close()
    return pages, filters, harness


def _summary(values: list[float], unit: str) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(values):7.1f} {unit}  p95 {p95:7.1f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    database = SqliteDatabase() if options.db == "sqlite" else BenchDatabase()
    with tempfile.TemporaryDirectory(), database:
        asyncio.run(seed(database))
        with codincod_server(database, workers=1) as server:
            token = moderator(database, server)
            starts = [asyncio.run(dashboard_seconds(server.url, token)) for _ in range(3)]
            pages, filters, harness = asyncio.run(keypress_ms(server.url, token, options.rounds))
    print(f"console, {options.db}, 10,000 pending reports")
    print(f"  dashboard shown after start   {_summary([s * 1000 for s in starts], 'ms')}")
    print(f"  next page (]) per keypress    {_summary(pages, 'ms')}")
    print(f"  filter (/ text Enter)         {_summary(filters, 'ms')}")
    print(f"  of which the test pilot's own {_summary(harness, 'ms')} (a key bound to nothing)")


if __name__ == "__main__":
    main()
