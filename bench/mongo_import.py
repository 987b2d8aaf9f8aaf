"""import-mongo and export-mongo at scale: builds a CodinCod dump of about 600,000 documents
(users, puzzles with test cases, submissions, comments, votes, games with chat, reports,
bans, metrics), then times the real CLI importing it into a fresh SQLite file and a fresh
PostgreSQL database, exporting it back, and re-running the import (nothing to change).
Prints documents per minute for each.

    .venv/bin/python bench/mongo_import.py [--scale 1.0] [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import BenchDatabase
from bench.console import SqliteDatabase
from tests import mongodump as m

HASH = m.node_hash("bench password")


def documents(scale: float) -> dict[str, Iterator[dict[str, Any]]]:
    users, puzzles = int(20_000 * scale), int(5_000 * scale)
    submissions, comments = int(200_000 * scale), int(60_000 * scale)
    votes, games = int(120_000 * scale), int(20_000 * scale)
    chat, reports = int(150_000 * scale), int(5_000 * scale)

    def u(n: int) -> Any:
        return m.oid(1 + n % users, 1)

    def p(n: int) -> Any:
        return m.oid(1 + n % puzzles, 3)

    return {
        "programminglanguages": iter([m.language(1, "python", "3.12.0")]),
        "users": (m.user(n, f"user_{n}", HASH) for n in range(1, users + 1)),
        "preferences": (m.preferences(n, m.oid(n, 1), [u(n + 1)]) for n in range(1, users // 4)),
        "puzzles": (m.puzzle(n, u(n)) for n in range(1, puzzles + 1)),
        "submissions": (m.submission(n, p(n), u(n)) for n in range(1, submissions + 1)),
        "comments": (
            m.comment(n, u(n), p(n), "puzzle-comment")
            if n % 3
            else m.comment(n, u(n), m.oid(n - 1, 6), "comment-comment")
            for n in range(1, comments + 1)
        ),
        "uservotes": (
            m.vote(n, u(n), m.oid(1 + n % comments, 6), "upvote" if n % 4 else "downvote")
            for n in range(1, votes + 1)
        ),
        "games": (
            m.game(
                n, u(n), p(n), [u(n), u(n + 1)], playerSubmissions=[m.oid(1 + n % submissions, 5)]
            )
            for n in range(1, games + 1)
        ),
        "chatmessages": (
            m.chat(n, m.oid(1 + n % games, 8), u(n), f"user_{1 + n % users}")
            for n in range(1, chat + 1)
        ),
        "reports": (m.report(n, u(n), u(n + 7)) for n in range(1, reports + 1)),
        "userbans": (
            m.ban(n, u(n * 13), u(1), "temporary", m.at(1000), False) for n in range(1, users // 20)
        ),
        "usermetrics": (m.metrics(n, m.oid(n, 1), 1500 + n % 300) for n in range(1, users + 1)),
    }


def timed(database: BenchDatabase, *args: str) -> float:
    started = time.perf_counter()
    database.cli(*args)
    return time.perf_counter() - started


def per_minute(count: int, seconds: float) -> str:
    return f"{count / seconds * 60:>12,.0f} documents/min ({seconds:6.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", default="sqlite,postgres")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = m.write_dump(Path(work) / "dump", documents(options.scale))
        count = sum(len(m.read_dump(folder, p.stem)) for p in folder.glob("*.bson"))
        size = sum(p.stat().st_size for p in folder.glob("*.bson")) / 1e6
        print(f"dump: {count:,} documents, {size:.0f} MB")
        for kind in options.db.split(","):
            database = SqliteDatabase() if kind == "sqlite" else BenchDatabase()
            with database:
                seconds = timed(database, "import-mongo", str(folder))
                print(f"{kind:<9} import  {per_minute(count, seconds)}")
                out = Path(work) / f"export-{kind}"
                seconds = timed(database, "export-mongo", str(out))
                exported = sum(len(m.read_dump(out, p.stem)) for p in out.glob("*.bson"))
                print(f"{kind:<9} export  {per_minute(exported, seconds)}")
                seconds = timed(database, "import-mongo", str(folder))
                print(f"{kind:<9} again   {per_minute(count, seconds)} (nothing to change)")
                shutil.rmtree(out)


if __name__ == "__main__":
    main()
