"""The puzzle list and a puzzle's page in plain SQL, as rows: no query building, no ORM model
per row (the ORM spent about three quarters of a page's time building queries and models).

A row is a dict of column values as the driver gives them (``db.timestamp`` and
``db.json_value`` read times and JSON on either dialect); a joined author's columns are there
too, prefixed ``u_``. ``server.wire`` turns rows into what the frontend reads, in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codincod import db
from codincod.puzzles.listing import ListQuery, page_ids_sql, total_sql

Row = dict[str, Any]

USER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "username",
    "role",
    "profile_picture",
    "profile_bio",
    "profile_location",
    "profile_socials",
)
PUZZLE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "title",
    "statement",
    "constraints",
    "difficulty",
    "visibility",
    "tags",
    "moderation_feedback",
    "author_id",
)
COMMENT_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "text",
    "comment_type",
    "upvote",
    "downvote",
    "author_id",
    "puzzle_id",
    "parent_id",
)
_AUTHOR = ", ".join(f"u.{name} AS u_{name}" for name in USER_COLUMNS)


def _columns(alias: str, names: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{name}" for name in names)


PUZZLE_SQL = (
    f"SELECT {_columns('p', PUZZLE_COLUMNS)}, p.solution_code, p.solution_language_id, {_AUTHOR} "
    "FROM puzzles p JOIN users u ON u.id = p.author_id WHERE p.id = $1"
)
VALIDATORS_SQL = (
    "SELECT id, created_at, updated_at, input, output FROM validators "
    "WHERE puzzle_id = $1 ORDER BY position"
)
# Every comment of the puzzle in one statement: top-level ones become the page's comments,
# replies only give their ids to their parents.
COMMENTS_SQL = (
    f"SELECT {_columns('c', COMMENT_COLUMNS)}, {_AUTHOR} FROM comments c "
    "JOIN users u ON u.id = c.author_id WHERE c.puzzle_id = $1 ORDER BY c.created_at, c.id"
)
LIST_PAGE_SQL = (
    f"WITH page AS ({{ids}}) SELECT {_columns('p', PUZZLE_COLUMNS)}, {_AUTHOR} "
    "FROM page JOIN puzzles p ON p.id = page.id JOIN users u ON u.id = p.author_id "
    "ORDER BY p.created_at DESC, p.id DESC"
)


async def list_page(query: ListQuery) -> tuple[int, list[Row]]:
    """How many puzzles the list holds, and the page's, with their authors, newest first."""
    ids, params = page_ids_sql(query)
    total, rows = await db.fetch_each([total_sql(query), (LIST_PAGE_SQL.format(ids=ids), params)])
    return int(total[0]["total"]), rows


async def puzzle(puzzle_id: str) -> Row | None:
    """A puzzle with its author, solution code and solution language id."""
    return await db.fetch_one(PUZZLE_SQL, (puzzle_id,))


async def validators(puzzle_id: str) -> list[Row]:
    return await db.fetch_all(VALIDATORS_SQL, (puzzle_id,))


@dataclass
class PageRows:
    """A puzzle's page: the puzzle with its author, its validators in order, its top-level
    comments in order with their authors, and the ids of the replies under each of them."""

    puzzle: Row
    validators: list[Row]
    comments: list[Row]
    reply_ids: dict[str, list[str]]


async def page(puzzle_id: str) -> PageRows | None:
    """Everything in one trip to the database; the caller decides who may see it."""
    found, validator_rows, comment_rows = await db.fetch_each(
        [(PUZZLE_SQL, (puzzle_id,)), (VALIDATORS_SQL, (puzzle_id,)), (COMMENTS_SQL, (puzzle_id,))]
    )
    if not found:
        return None
    top_level: list[Row] = []
    reply_ids: dict[str, list[str]] = {}
    for row in comment_rows:
        if row["parent_id"] is None:
            top_level.append(row)
        else:
            reply_ids.setdefault(row["parent_id"], []).append(row["id"])
    shown = {comment["id"] for comment in top_level}
    replies = {parent: ids for parent, ids in reply_ids.items() if parent in shown}
    return PageRows(found[0], validator_rows, top_level, replies)
