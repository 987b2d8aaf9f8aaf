"""The console's speed against a real local server: how long the dashboard takes to show from
start, and, with 10,000 pending reports, how long a page change and a filter take per
keypress on the Reports screen (headless Textual, the real client, real HTTP): from the key
reaching the app to the first frame drawn with the new rows (the screen's own drawing is
watched; Textual draws at most 60 frames a second, so up to ~17 ms of that is waiting for
the next frame). The console reads the next page ahead while one is shown, as it does for a
moderator reading a page before turning it; a ``]`` pressed before that read is back waits
for the server (the first page turn after a reload).

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


class FrameClock:
    """When the screen draws the frame that shows a change: the screen's compositor refresh
    (what Textual runs to draw a frame) is watched, and the first frame drawn once
    ``shown()`` holds ends the measurement."""

    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.shown: Any = None
        self.drawn_at = 0.0
        screen = app.screen
        draw = screen._compositor_refresh

        def watched() -> None:
            draw()
            if self.shown is not None and not self.drawn_at and self.shown():
                self.drawn_at = time.perf_counter()

        screen._compositor_refresh = watched  # type: ignore[method-assign]

    async def key_to_frame(self, key: str, shown: Any) -> float:
        """Milliseconds from ``key`` reaching the app to the frame showing its effect."""
        from textual import events

        self.shown, self.drawn_at = shown, 0.0
        event = events.Key(key, None)
        event.set_sender(self.app)
        started = time.perf_counter()
        self.app._driver.send_message(event)  # type: ignore[union-attr]
        while not self.drawn_at:
            await asyncio.sleep(0.0005)
        self.shown = None
        return (self.drawn_at - started) * 1000


async def keypress_ms(url: str, token: str, rounds: int) -> tuple[list[float], list[float]]:
    """Per keypress on the Reports screen: ``]`` (next page) and Enter applying a filter."""
    from textual.widgets import Input

    app = ConsoleApp(Client(url, token), remember=False)
    pages, filters = [], []
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.is_screen_installed("reports"):
            await pilot.pause(0.01)
        await pilot.press("3")
        while _first_row(app) is None:
            await pilot.pause(0.01)
        clock = FrameClock(app)
        for round_number in range(rounds):
            before = _first_row(app)
            pages.append(
                await clock.key_to_frame(
                    "right_square_bracket", lambda before=before: _first_row(app) != before
                )
            )
            await pilot.pause(0.05)
            shown = app.screen.shown  # type: ignore[attr-defined]
            needle = shown[(round_number * 7) % len(shown)]["reportedBy"]
            await pilot.press("slash")
            app.screen.query_one("#filter", Input).value = needle
            await pilot.pause(0.05)

            def filtered(needle: str = needle) -> bool:
                return needle in " ".join(str(c) for c in (_first_row(app) or ()))

            filters.append(await clock.key_to_frame("enter", filtered))
            await pilot.press("escape")
            await pilot.pause(0.05)
    await app.client.close()
    return pages, filters


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
            pages, filters = asyncio.run(keypress_ms(server.url, token, options.rounds))
    print(f"console, {options.db}, 10,000 pending reports")
    print(f"  dashboard shown after start   {_summary([s * 1000 for s in starts], 'ms')}")
    print(f"  next page (]) per keypress    {_summary(pages, 'ms')}")
    print(f"  filter (/ text Enter)         {_summary(filters, 'ms')}")


if __name__ == "__main__":
    main()
