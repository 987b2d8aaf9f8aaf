"""Puzzle pages benchmark (issue: puzzles): on PostgreSQL with 10,000 puzzles and 100,000
comments, one worker, 64 connections:

  GET /api/v1/puzzle?page=N&pageSize=20   (N random over every page; anonymous, then signed in)
  GET /api/v1/puzzle/:id                  (a puzzle with 50 comments)

each beside the bare-Sanic ceiling of the same run, with the public-read cache on (default)
and off (CODINCOD_CACHE_ENABLED=false).

    .venv/bin/python bench/puzzles.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from common import BenchDatabase, ceiling_server, codincod_server, wrk

from codincod.ids import new_id

PUZZLES, COMMENTS, USERS, HOT_COMMENTS = 10_000, 100_000, 200, 50


async def seed(url: str) -> str:
    """Bulk-load users, puzzles, validators and comments; returns the hot puzzle's id."""
    connection = await asyncpg.connect(url)
    try:
        now = datetime.now(UTC)
        users = [
            (
                new_id(),
                now,
                now,
                f"bench_{n}",
                f"bench_{n}@example.com",
                "x",
                "user",
                None,
                None,
                None,
                "[]",
                0,
                0,
            )
            for n in range(USERS)
        ]
        await connection.copy_records_to_table("users", records=users)
        user_ids = [row[0] for row in users]
        puzzles = []
        for n in range(PUZZLES):
            created = now - timedelta(minutes=n)
            puzzles.append(
                (
                    new_id(),
                    created,
                    created,
                    f"Puzzle number {n}",
                    "Print the answer.",
                    "none",
                    random.choice(["beginner", "intermediate", "advanced", "expert"]),
                    "approved",
                    json.dumps(["math"] if n % 3 else []),
                    None,
                    "",
                    random.choice(user_ids),
                    None,
                )
            )
        await connection.copy_records_to_table("puzzles", records=puzzles)
        puzzle_ids = [row[0] for row in puzzles]
        hot = puzzle_ids[0]
        validators = [
            (new_id(), now, now, position, f"{position} {position}", str(2 * position), hot)
            for position in range(10)
        ]
        await connection.copy_records_to_table(
            "validators",
            records=validators,
            columns=["id", "created_at", "updated_at", "position", "input", "output", "puzzle_id"],
        )
        comments = []
        for n in range(COMMENTS):
            puzzle = hot if n < HOT_COMMENTS else random.choice(puzzle_ids[1:])
            comments.append(
                (
                    new_id(),
                    now,
                    now,
                    f"Comment {n}: nice one",
                    "puzzle-comment",
                    n % 7,
                    n % 3,
                    random.choice(user_ids),
                    None,
                    puzzle,
                )
            )
        await connection.copy_records_to_table(
            "comments",
            records=comments,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "text",
                "comment_type",
                "upvote",
                "downvote",
                "author_id",
                "parent_id",
                "puzzle_id",
            ],
        )
        await connection.execute("ANALYZE")
        return hot
    finally:
        await connection.close()


def signed_in_player(base: str) -> str:
    """A fresh account's session token (a player: no puzzles of their own)."""
    name = f"player_{new_id()[-8:]}"
    account = {"username": name, "email": f"{name}@example.com", "password": "a long password!!"}
    response = httpx.post(base + "/api/v1/register", json=account, timeout=30)
    response.raise_for_status()
    return response.cookies["token"]


def random_page_script(pages: int) -> str:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        "request = function()\n"
        f"  return wrk.format('GET', '/api/v1/puzzle?page=' .. math.random(1, {pages}) .. "
        "'&pageSize=20')\n"
        "end\n"
    )
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    with ceiling_server() as ceiling:
        top = wrk(ceiling.url + "/ping", seconds=args.seconds)
    print(top.row("ceiling: bare Sanic GET /ping, 1 process"))

    with BenchDatabase() as database:
        hot = asyncio.run(seed(database.url))
        print(f"seeded {PUZZLES} puzzles, {COMMENTS} comments; hot puzzle {hot} has {HOT_COMMENTS}")
        pages = PUZZLES // 20
        for cache in ("true", "false"):
            label = f"1 worker, cache {'on' if cache == 'true' else 'off'}"
            with codincod_server(database, 1, CODINCOD_CACHE_ENABLED=cache) as server:
                if cache == "true":  # measure the steady state: every page read once before
                    with httpx.Client(base_url=server.url) as http:
                        for page in range(1, pages + 1):
                            http.get("/api/v1/puzzle", params={"page": page, "pageSize": 20})
                listing = wrk(
                    server.url + "/api/v1/puzzle",
                    seconds=args.seconds,
                    script=random_page_script(pages),
                )
                print(
                    listing.row(f"GET /puzzle?page=N&pageSize=20, {label}", top.requests_per_second)
                )
                token = signed_in_player(server.url)
                signed_in = wrk(
                    server.url + "/api/v1/puzzle",
                    seconds=args.seconds,
                    script=random_page_script(pages),
                    headers={"Cookie": f"token={token}"},
                )
                print(
                    signed_in.row(
                        f"  same, signed in (no drafts), {label}", top.requests_per_second
                    )
                )
                single = wrk(server.url + f"/api/v1/puzzle/{hot}", seconds=args.seconds)
                print(
                    single.row(f"GET /puzzle/:id (50 comments), {label}", top.requests_per_second)
                )


if __name__ == "__main__":
    main()
