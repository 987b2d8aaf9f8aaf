"""Reports about puzzles, users, comments and chat messages."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from codincod.accounts.models import User
from codincod.accounts.schemas import ObjectId
from codincod.accounts.service import Actor
from codincod.comments.models import Comment
from codincod.errors import Conflict, NotFound
from codincod.games.models import ChatMessage
from codincod.moderation.models import Report
from codincod.puzzles.models import Puzzle
from codincod.validation import Schema

TARGETS = {"puzzle": Puzzle, "user": User, "comment": Comment, "game_chat": ChatMessage}
MISSING = {
    "puzzle": "Puzzle not found",
    "user": "User not found",
    "comment": "Comment not found",
    "game_chat": "Chat message not found",
}


class ReportCreate(Schema):
    problematicIdentifier: ObjectId
    problemType: Literal["puzzle", "user", "comment", "game_chat"]
    # Free text: people explain with spaces and punctuation.
    explanation: Annotated[str, Field(min_length=25, max_length=1024)]


async def create(actor: Actor, data: ReportCreate) -> Report:
    model = TARGETS[data.problemType]
    if not await model.exists(id=data.problematicIdentifier):
        raise NotFound(MISSING[data.problemType])
    duplicate = await Report.exists(
        reported_by_id=actor.id,
        problem_type=data.problemType,
        target_id=data.problematicIdentifier,
        status="pending",
    )
    if duplicate:
        raise Conflict("You have already reported this; a moderator will look at it")
    return await Report.create(
        problem_type=data.problemType,
        target_id=data.problematicIdentifier,
        reported_by_id=actor.id,
        explanation=data.explanation.strip(),
    )
