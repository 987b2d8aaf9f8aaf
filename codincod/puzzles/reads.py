"""The puzzle page's reads in plain SQL: four statements, no query building, no prefetching.

The ORM spent about three quarters of a puzzle page's time building queries and models for
its fifty comments; these statements return rows that become the same model objects.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from codincod import db
from codincod.accounts.models import User
from codincod.comments.models import Comment
from codincod.puzzles.models import Puzzle, Validator

_USER_COLUMNS = [name for name in User._meta.db_fields]
_AUTHOR = ", ".join(f'u."{name}" AS "u_{name}"' for name in _USER_COLUMNS)

_PUZZLE = f"SELECT p.*, {_AUTHOR} FROM puzzles p JOIN users u ON u.id = p.author_id WHERE p.id = $1"
_VALIDATORS = "SELECT * FROM validators WHERE puzzle_id = $1 ORDER BY position"
_COMMENTS = (
    f"SELECT c.*, {_AUTHOR} FROM comments c JOIN users u ON u.id = c.author_id "
    "WHERE c.puzzle_id = $1 AND c.parent_id IS NULL ORDER BY c.created_at, c.id"
)
_REPLIES = (
    "SELECT parent_id, id FROM comments WHERE puzzle_id = $1 AND parent_id IS NOT NULL "
    "ORDER BY created_at, id"
)


def _model(model: type[Model], row: dict[str, Any]) -> Any:
    return model._init_from_db(**{name: row[name] for name in model._meta.db_fields})


def _with_author(model: type[Model], row: dict[str, Any]) -> Any:
    entity = _model(model, row)
    author = _model(User, {name: row[f"u_{name}"] for name in _USER_COLUMNS})
    entity._author = author  # what Tortoise sets when it fetches the relation itself
    return entity


async def puzzle_with_author(puzzle_id: str) -> Puzzle | None:
    row = await db.fetch_one(_PUZZLE, (puzzle_id,))
    return _with_author(Puzzle, row) if row else None


async def page_parts(puzzle_id: str) -> tuple[list[Validator], list[Comment], dict[str, list[str]]]:
    """Validators in order, top-level comments with their authors, and the ids of the
    replies under each top-level comment."""
    validators = [_model(Validator, row) for row in await db.fetch_all(_VALIDATORS, (puzzle_id,))]
    comments = [_with_author(Comment, row) for row in await db.fetch_all(_COMMENTS, (puzzle_id,))]
    top_level = {comment.id for comment in comments}
    reply_ids: dict[str, list[str]] = {}
    for row in await db.fetch_all(_REPLIES, (puzzle_id,)):
        if row["parent_id"] in top_level:
            reply_ids.setdefault(row["parent_id"], []).append(row["id"])
    return validators, comments, reply_ids
