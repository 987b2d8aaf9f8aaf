"""What a user has done: approved puzzles and submissions, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from codincod.accounts.models import User
from codincod.accounts.service import find_by_username
from codincod.puzzles.models import Puzzle
from codincod.submissions.models import Submission

ACTIVITY_LIMIT = 500


@dataclass
class Activity:
    user: User
    puzzles: list[Puzzle]
    submissions: list[Submission]


async def of_user(username: str) -> Activity:
    user = await find_by_username(username)
    puzzles = (
        await Puzzle.filter(author_id=user.id, visibility="approved")
        .order_by("-created_at")
        .limit(ACTIVITY_LIMIT)
    )
    submissions = (
        await Submission.filter(user_id=user.id)
        .order_by("-created_at")
        .limit(ACTIVITY_LIMIT)
        .prefetch_related("programming_language")
    )
    return Activity(user=user, puzzles=list(puzzles), submissions=list(submissions))
