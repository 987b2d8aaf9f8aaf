"""Puzzle reads benchmark (issues: puzzles, architecture): 10,000 puzzles and 100,000 comments,
one worker, 64 connections, random list pages and a puzzle with 50 comments:

  GET /api/v1/puzzle?page=N&pageSize=20   anonymous; signed in without drafts; an author
                                           with drafts of their own (a view nobody shares)
  GET /api/v1/puzzle/:id                  (50 comments)

on PostgreSQL with the public-read cache off (every read goes to the database) and on (the
default), beside the stack's reference: bare Sanic + asyncpg + orjson running codincod's own SQL
(``bench/bare_reads.py``); then on SQLite (the default install, which has no cache). The
ceiling is a bare Sanic JSON route.

    .venv/bin/python bench/puzzles.py [--seconds 10] [--only postgres|sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from common import (
    PYTHON,
    ROOT,
    BenchDatabase,
    Server,
    ceiling_server,
    codincod_server,
    free_port,
    wrk,
)

from codincod.ids import new_id
from codincod.puzzles import listing, reads

PUZZLES, COMMENTS, USERS, HOT_COMMENTS = 10_000, 100_000, 200, 50
DIFFICULTIES = ["beginner", "intermediate", "advanced", "expert"]

USER_COLUMNS = [
    "id", "created_at", "updated_at", "username", "email", "password_hash", "role",
    "profile_socials", "report_count", "ban_count",
]  # fmt: skip
PUZZLE_COLUMNS = [
    "id", "created_at", "updated_at", "title", "statement", "constraints", "difficulty",
    "visibility", "tags", "solution_code", "author_id",
]  # fmt: skip
VALIDATOR_COLUMNS = ["id", "created_at", "updated_at", "position", "input", "output", "puzzle_id"]
COMMENT_COLUMNS = [
    "id", "created_at", "updated_at", "text", "comment_type", "upvote", "downvote",
    "author_id", "puzzle_id",
]  # fmt: skip


def rows() -> tuple[dict[str, list[tuple[Any, ...]]], str]:
    """Users, puzzles, validators and comments to load, and the hot puzzle's id."""
    now = datetime.now(UTC)
    users = [
        (new_id(), now, now, f"bench_{n}", f"bench_{n}@example.com", "x", "user", "[]", 0, 0)
        for n in range(USERS)
    ]
    user_ids = [row[0] for row in users]
    puzzles = []
    for n in range(PUZZLES):
        created = now - timedelta(minutes=n)
        tags = json.dumps(["math"] if n % 3 else [])
        puzzles.append(
            (new_id(), created, created, f"Puzzle number {n}", "Print the answer.", "none",
             random.choice(DIFFICULTIES), "approved", tags, "", random.choice(user_ids))
        )  # fmt: skip
    hot = puzzles[0][0]
    validators = [
        (new_id(), now, now, position, f"{position} {position}", str(2 * position), hot)
        for position in range(10)
    ]
    others = [row[0] for row in puzzles[1:]]
    comments = [
        (new_id(), now, now, f"Comment {n}: nice one", "puzzle-comment", n % 7, n % 3,
         random.choice(user_ids), hot if n < HOT_COMMENTS else random.choice(others))
        for n in range(COMMENTS)
    ]  # fmt: skip
    tables = {"users": users, "puzzles": puzzles, "validators": validators, "comments": comments}
    return tables, hot


COLUMNS = {
    "users": USER_COLUMNS,
    "puzzles": PUZZLE_COLUMNS,
    "validators": VALIDATOR_COLUMNS,
    "comments": COMMENT_COLUMNS,
}


async def seed_postgres(url: str) -> str:
    """Bulk-load with COPY (the count triggers run for every row); VACUUM ANALYZE after, as
    autovacuum would: it lets the list read page ids from the index alone."""
    tables, hot = rows()
    connection = await asyncpg.connect(url)
    try:
        for table, records in tables.items():
            await connection.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return hot


def seed_sqlite(path: Path) -> str:
    tables, hot = rows()
    with sqlite3.connect(path) as connection:
        for table, records in tables.items():
            columns = COLUMNS[table]
            marks = ", ".join("?" * len(columns))
            text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            connection.executemany(text, [tuple(_sqlite(v) for v in row) for row in records])
        connection.execute("ANALYZE")
    return hot


def _sqlite(value: Any) -> Any:
    return str(value) if isinstance(value, datetime) else value  # Tortoise's text form


def reference_statements() -> dict[str, Any]:
    """codincod's SQL for the anonymous list page and a puzzle page, for the bare handler."""
    query = listing.ListQuery([listing.Branch({"visibility": "approved"})], offset=0, limit=20)
    ids, page_params = listing.page_ids_sql(query)
    total, total_params = listing.total_sql(query)
    return {
        "page": reads.LIST_PAGE_SQL.format(ids=ids),
        "page_params": page_params,
        "total": total,
        "total_params": total_params,
        "puzzle": reads.PUZZLE_SQL,
        "validators": reads.VALIDATORS_SQL,
        "comments": reads.COMMENTS_SQL,
    }


@contextmanager
def bare_server(database_url: str) -> Iterator[Server]:
    statements = Path(tempfile.mkstemp(suffix=".json")[1])
    statements.write_text(json.dumps(reference_statements()))
    port = free_port()
    command = [PYTHON, str(ROOT / "bench" / "bare_reads.py"), str(port), database_url]
    with Server([*command, str(statements)], dict(os.environ), port, "/list") as server:
        yield server
    statements.unlink()


def account(base: str, name: str) -> str:
    """A fresh account's session token."""
    body = {"username": name, "email": f"{name}@example.com", "password": "a long password!!"}
    response = httpx.post(base + "/api/v1/register", json=body, timeout=30)
    response.raise_for_status()
    return response.cookies["token"]


def author_with_drafts(base: str) -> str:
    token = account(base, f"drafts_{new_id()[-8:]}")
    for n in range(3):
        body = {"title": f"A draft of mine {n}"}
        created = httpx.post(base + "/api/v1/puzzle", json=body, cookies={"token": token})
        created.raise_for_status()
    return token


def random_page_script(path: str) -> str:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    pages = PUZZLES // 20
    script.write_text(
        "request = function()\n"
        f"  return wrk.format('GET', '{path}' .. math.random(1, {pages}))\n"
        "end\n"
    )
    return str(script)


LIST = "/api/v1/puzzle?pageSize=20&page="


class Report:
    def __init__(self, seconds: int, ceiling: float) -> None:
        self.seconds, self.ceiling = seconds, ceiling

    def measure(self, label: str, url: str, path: str | None = None, **options: Any) -> None:
        script = random_page_script(path) if path else None
        result = wrk(url, seconds=self.seconds, script=script, **options)
        print(result.row(label, self.ceiling), flush=True)


def codincod_rows(report: Report, server: Server, hot: str, label: str, drafts: bool) -> None:
    base = server.url
    if "cache on" in label:  # measure the steady state: every page read once before
        with httpx.Client(base_url=base) as http:
            for page in range(1, PUZZLES // 20 + 1):
                http.get(LIST + str(page))
    report.measure(f"GET /puzzle?page=N, {label}", base + LIST + "1", LIST)
    cookie = {"Cookie": f"token={account(base, 'player_' + new_id()[-8:])}"}
    report.measure(f"  signed in (no drafts), {label}", base + LIST + "1", LIST, headers=cookie)
    if drafts:
        cookie = {"Cookie": f"token={author_with_drafts(base)}"}
        report.measure(f"  an author with drafts, {label}", base + LIST + "1", LIST, headers=cookie)
    report.measure(f"GET /puzzle/:id (50 comments), {label}", base + f"/api/v1/puzzle/{hot}")


def postgres(report: Report) -> None:
    with BenchDatabase() as database:
        hot = asyncio.run(seed_postgres(database.url))
        print(f"PostgreSQL: {PUZZLES} puzzles, {COMMENTS} comments; hot puzzle has {HOT_COMMENTS}")
        with bare_server(database.url) as bare:
            report.measure("reference: bare handler, codincod's list SQL", bare.url, "/list?page=")
            report.measure(
                "reference: bare handler, codincod's page SQL", bare.url + f"/puzzle/{hot}"
            )
        for cache in ("false", "true"):
            label = f"PostgreSQL, cache {'on' if cache == 'true' else 'off'}"
            with codincod_server(database, 1, CODINCOD_CACHE_ENABLED=cache) as server:
                codincod_rows(report, server, hot, label, drafts=True)


def sqlite(report: Report) -> None:
    folder = Path(tempfile.mkdtemp(prefix="codincod-bench-sqlite-"))
    database = BenchDatabase()
    database.url = f"sqlite://{folder / 'codincod.sqlite3'}"
    database.data_dir = folder
    database.cli("db", "upgrade")
    hot = seed_sqlite(folder / "codincod.sqlite3")
    print(f"SQLite: {PUZZLES} puzzles, {COMMENTS} comments; hot puzzle has {HOT_COMMENTS}")
    with codincod_server(database, 1) as server:
        codincod_rows(report, server, hot, "SQLite (no cache)", drafts=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", choices=["postgres", "sqlite"])
    args = parser.parse_args()
    with ceiling_server() as ceiling:
        top = wrk(ceiling.url + "/ping", seconds=args.seconds)
    print(top.row("ceiling: bare Sanic GET /ping, 1 process"), flush=True)
    report = Report(args.seconds, top.requests_per_second)
    if args.only != "sqlite":
        postgres(report)
    if args.only != "postgres":
        sqlite(report)


if __name__ == "__main__":
    main()
