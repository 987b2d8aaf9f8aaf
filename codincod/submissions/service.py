"""Submissions: a player's code judged against every validator of a puzzle, then kept.

The submitting user is the actor (never a body field). The code is shown back to its owner,
to moderators, and to the other players of a game it was handed in to once that game is over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator

from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor
from codincod.errors import InvalidInput, NotFound
from codincod.execution.executor import Executor, Limits
from codincod.execution.judging import Verdict
from codincod.execution.languages import runtime_of
from codincod.execution.models import ProgrammingLanguage
from codincod.execution.runs import Test, run_all
from codincod.execution.schemas import MAX_CODE_LENGTH, LanguageId
from codincod.ids import is_valid_id
from codincod.puzzles import rules
from codincod.puzzles.models import Puzzle, Validator
from codincod.submissions.models import Submission
from codincod.validation import Schema

NOT_FOUND = "Submission not found"


def _named(key: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


class SubmissionCreate(Schema):
    """The frontend sends ``programmingLanguage``, Node's schema ``programmingLanguageId``;
    either will do. A ``userId`` in the body is ignored: the submitter is the session's user."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [_named("programmingLanguage"), _named("programmingLanguageId")]
        }
    )

    puzzleId: ObjectId
    # Empty code is a program too (it fails every test): the game page hands in whatever the
    # editor holds when the time is up, and a player who typed nothing still gets a place.
    code: Annotated[str, Field(max_length=MAX_CODE_LENGTH)]
    programmingLanguageId: LanguageId = None
    programmingLanguage: LanguageId = None

    @model_validator(mode="after")
    def _needs_language(self) -> SubmissionCreate:
        if not (self.programmingLanguageId or self.programmingLanguage):
            raise ValueError("programmingLanguage (or programmingLanguageId) is required")
        return self

    @property
    def language_id(self) -> str:
        return (self.programmingLanguageId or self.programmingLanguage or "").lower()


@dataclass(frozen=True)
class Submitted:
    submission: Submission
    language: ProgrammingLanguage
    verdict: Verdict
    executor_ms: float


async def _what_to_run(
    actor: Actor, data: SubmissionCreate
) -> tuple[Puzzle, list[Validator], ProgrammingLanguage]:
    """The puzzle, its validators and the language, read at once (three round trips in the
    time of one), then checked in the order a player would fix them."""
    puzzle_id = data.puzzleId.lower()
    puzzle, validators, language = await asyncio.gather(
        Puzzle.get_or_none(id=puzzle_id),
        Validator.filter(puzzle_id=puzzle_id).order_by("position"),
        ProgrammingLanguage.get_or_none(id=data.language_id),
    )
    if puzzle is None or not rules.can_view(actor, puzzle.author_id, puzzle.visibility):
        raise NotFound(
            f"Puzzle with id ({data.puzzleId}) couldn't be found.", title="Puzzle not found"
        )
    if not validators:
        raise InvalidInput(
            "This puzzle isn't finished, it should have test cases / validators",
            title="Puzzle has no validators",
        )
    if language is None:
        raise InvalidInput("Invalid programming language", title="Invalid programming language")
    return puzzle, list(validators), language


async def submit(
    actor: Actor, data: SubmissionCreate, executor: Executor, limits: Limits
) -> Submitted:
    puzzle, validators, language = await _what_to_run(actor, data)
    runtime = runtime_of(await executor.runtimes(), language)
    tests = [Test(validator.input, validator.output) for validator in validators]
    judged = await run_all(executor, runtime, data.code, tests, limits, owner=actor.id)
    verdict = judged.verdict
    submission = await Submission.create(
        puzzle_id=puzzle.id,
        user_id=actor.id,
        programming_language_id=language.id,
        code=data.code,
        code_length=len(data.code),
        result=verdict.result,
        success_rate=verdict.success_rate,
        passed=verdict.passed,
        failed=verdict.failed,
        total=verdict.total,
    )
    return Submitted(submission, language, verdict, judged.executor_ms)


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    language: ProgrammingLanguage
    shows_code: bool


async def view(
    actor: Actor,
    submission_id: str,
    *,
    also_shown: Callable[[Submission], Awaitable[bool]] | None = None,
) -> SubmissionView:
    """The submission; its code for its owner and moderators, and for whoever ``also_shown``
    says (the games context adds the players of a finished game it was handed in to)."""
    if not is_valid_id(submission_id):
        raise NotFound(NOT_FOUND)
    submission = await Submission.get_or_none(id=submission_id.lower()).select_related(
        "programming_language"
    )
    if submission is None:
        raise NotFound(NOT_FOUND)
    shows_code = (
        actor.is_moderator
        or submission.user_id == actor.id
        or (also_shown is not None and await also_shown(submission))
    )
    return SubmissionView(submission, submission.programming_language, shows_code)
