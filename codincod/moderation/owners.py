"""Whom a reported thing belongs to: the user, or the author of the puzzle, comment or chat
line."""

from __future__ import annotations

from codincod.accounts.models import User
from codincod.comments.models import Comment
from codincod.games.models import ChatMessage
from codincod.puzzles.models import Puzzle


async def owner_of(problem_type: str, target_id: str) -> str | None:
    if problem_type == "user":
        return target_id if await User.exists(id=target_id) else None
    model = {"puzzle": Puzzle, "comment": Comment, "game_chat": ChatMessage}[problem_type]
    column = "user_id" if problem_type == "game_chat" else "author_id"
    found = await model.filter(id=target_id).values_list(column, flat=True)
    return str(found[0]) if found else None
