"""Reports about puzzles, users, comments and chat messages."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from tortoise.exceptions import IntegrityError

from codincod.accounts.models import User
from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor
from codincod.comments.models import Comment
from codincod.errors import Conflict, InvalidInput, NotFound
from codincod.games.models import ChatMessage
from codincod.moderation import feed
from codincod.moderation.models import Report
from codincod.moderation.owners import owner_of
from codincod.puzzles import rules
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


DUPLICATE = "You have already reported this; a moderator will look at it"


async def _can_see(actor: Actor, problem_type: str, target_id: str) -> bool:
    """Whether the reporter can see what they report: one cannot report, and so learn of,
    somebody's draft."""
    if problem_type == "puzzle":
        puzzle = await Puzzle.get_or_none(id=target_id)
        return puzzle is not None and rules.can_view(actor, puzzle.author_id, puzzle.visibility)
    if problem_type == "comment":
        comment = await Comment.get_or_none(id=target_id).prefetch_related("puzzle")
        if comment is None:
            return False
        puzzle = comment.puzzle
        return rules.can_view(actor, puzzle.author_id, puzzle.visibility)
    return await TARGETS[problem_type].exists(id=target_id)


async def create(actor: Actor, data: ReportCreate) -> Report:
    if not await _can_see(actor, data.problemType, data.problematicIdentifier):
        raise NotFound(MISSING[data.problemType])
    offender = await owner_of(data.problemType, data.problematicIdentifier)
    if offender == actor.id:
        raise InvalidInput("You cannot report yourself or what you wrote", title="Bad Request")
    duplicate = await Report.exists(
        reported_by_id=actor.id,
        problem_type=data.problemType,
        target_id=data.problematicIdentifier,
        status="pending",
    )
    if duplicate:
        raise Conflict(DUPLICATE)
    try:
        made = await Report.create(
            problem_type=data.problemType,
            target_id=data.problematicIdentifier,
            reported_by_id=actor.id,
            explanation=data.explanation.strip(),
            reported_user_id=offender,
        )
    except IntegrityError as error:  # the same report sent twice at once: one row stands
        raise Conflict(DUPLICATE) from error
    await feed.announce("report:filed", reportId=made.id, problemType=made.problem_type)
    return made
