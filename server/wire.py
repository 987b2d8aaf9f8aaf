"""Domain objects as the frontend reads them: ``_id``, UTC dates ending in ``Z`` with
milliseconds, ``__v`` on top-level documents, and absent optional fields left out (zod rejects
``null`` where it expects an optional value)."""

from __future__ import annotations

from typing import Any

import orjson
from sanic.response import HTTPResponse

from codincod.accounts.models import Preferences, User
from codincod.actors import Actor
from codincod.comments.models import Comment
from codincod.execution.executor import Execution, Stage
from codincod.execution.judging import Verdict
from codincod.execution.models import ProgrammingLanguage
from codincod.moderation.models import Report
from codincod.pagination import Page
from codincod.puzzles.models import Puzzle, Validator
from codincod.submissions.models import Submission
from codincod.timeutil import iso_z


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    return HTTPResponse(
        orjson.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def encode(body: Any) -> bytes:
    return orjson.dumps(body)


def raw_json(body: bytes, status: int = 200) -> HTTPResponse:
    """A response from JSON that is already encoded (a cached one)."""
    return HTTPResponse(body, status=status, content_type="application/json")


def no_content() -> HTTPResponse:
    return HTTPResponse(status=204)


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def user_profile(user: User) -> dict[str, Any] | None:
    profile = _present(
        picture=user.profile_picture,
        bio=user.profile_bio,
        location=user.profile_location,
        socials=list(user.profile_socials) or None,
    )
    return profile or None


def user_dto(user: User) -> dict[str, Any]:
    """The public face of a user: never email, password hash or moderation counters."""
    return _present(
        _id=user.id,
        username=user.username,
        profile=user_profile(user),
        role=user.role,
        createdAt=iso_z(user.created_at),
        updatedAt=iso_z(user.updated_at),
        __v=0,
    )


def authenticated_info(actor: Actor) -> dict[str, Any]:
    return {
        "isAuthenticated": True,
        "userId": actor.id,
        "username": actor.username,
        "role": actor.role,
    }


def preferences_dto(preferences: Preferences) -> dict[str, Any]:
    return _present(
        _id=preferences.id,
        owner=preferences.owner_id,  # type: ignore[attr-defined]
        blockedUsers=list(preferences.blocked_users),
        theme=preferences.theme,
        preferredLanguage=preferences.preferred_language,
        editor=dict(preferences.editor) if preferences.editor else None,
        createdAt=iso_z(preferences.created_at),
        updatedAt=iso_z(preferences.updated_at),
        __v=0,
    )


def language_dto(language: ProgrammingLanguage) -> dict[str, Any]:
    return _present(
        _id=language.id,
        language=language.language,
        version=language.version,
        aliases=list(language.aliases),
        runtime=language.runtime,
    )


def puzzle_summary_dto(puzzle: Puzzle) -> dict[str, Any]:
    """A puzzle without its solution, comments or validators (activity lists)."""
    return _present(
        _id=puzzle.id,
        title=puzzle.title,
        statement=puzzle.statement,
        constraints=puzzle.constraints,
        author=puzzle.author_id,  # type: ignore[attr-defined]
        difficulty=puzzle.difficulty,
        visibility=puzzle.visibility,
        tags=list(puzzle.tags),
        createdAt=iso_z(puzzle.created_at),
        updatedAt=iso_z(puzzle.updated_at),
        __v=0,
    )


def submission_activity_dto(submission: Submission) -> dict[str, Any]:
    """A submission without its code, language populated."""
    language = submission.programming_language
    return {
        "_id": submission.id,
        "puzzle": submission.puzzle_id,  # type: ignore[attr-defined]
        "user": submission.user_id,  # type: ignore[attr-defined]
        "programmingLanguage": language_dto(language),
        "result": {"result": submission.result, "successRate": submission.success_rate},
        "codeLength": submission.code_length,
        "createdAt": iso_z(submission.created_at),
        "__v": 0,
    }


def _author(entity: Any) -> Any:
    """A populated author as a user DTO, else the bare id."""
    author = entity.author
    if isinstance(author, User):
        return user_dto(author)
    return entity.author_id


def validator_dto(validator: Validator) -> dict[str, Any]:
    return {
        "_id": validator.id,
        "input": validator.input,
        "output": validator.output,
        "createdAt": iso_z(validator.created_at),
        "updatedAt": iso_z(validator.updated_at),
    }


def comment_dto(comment: Comment, reply_ids: list[str]) -> dict[str, Any]:
    """A comment as ``isCommentDto`` accepts it: replies as ids, ``parentId`` the puzzle for
    top-level comments and the parent comment for replies."""
    return {
        "_id": comment.id,
        "author": _author(comment),
        "text": comment.text,
        "upvote": comment.upvote,
        "downvote": comment.downvote,
        "commentType": comment.comment_type,
        "comments": reply_ids,
        "parentId": comment.parent_id or comment.puzzle_id,  # type: ignore[attr-defined]
        "createdAt": iso_z(comment.created_at),
        "updatedAt": iso_z(comment.updated_at),
        "__v": 0,
    }


def puzzle_dto(
    puzzle: Puzzle,
    validators: list[Validator] | None = None,
    comments: list[dict[str, Any]] | None = None,
    solution: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = puzzle_summary_dto(puzzle)
    body["author"] = _author(puzzle)
    body["validators"] = [validator_dto(v) for v in validators or []]
    body["comments"] = comments or []
    if puzzle.moderation_feedback:
        body["moderationFeedback"] = puzzle.moderation_feedback
    if solution is not None:
        body["solution"] = solution
    return body


def solution_dto(puzzle: Puzzle, language: ProgrammingLanguage | None) -> dict[str, Any]:
    solution: dict[str, Any] = {"code": puzzle.solution_code}
    if language is not None:
        solution["programmingLanguage"] = language_dto(language)
    return solution


def page_dto(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "page": page.page,
        "pageSize": page.page_size,
        "totalPages": page.total_pages,
        "totalItems": page.total,
        "items": items,
    }


def report_dto(report: Report) -> dict[str, Any]:
    return _present(
        _id=report.id,
        problematicIdentifier=report.target_id,
        problemType=report.problem_type,
        reportedBy=report.reported_by_id,  # type: ignore[attr-defined]
        explanation=report.explanation,
        status=report.status,
        resolvedBy=report.resolved_by_id,  # type: ignore[attr-defined]
        createdAt=iso_z(report.created_at),
        updatedAt=iso_z(report.updated_at),
        __v=0,
    )


def stage_dto(stage: Stage) -> dict[str, Any]:
    """A run or compile stage in Piston's shape, which the play page checks field by field."""
    return {
        "stdout": stage.stdout,
        "stderr": stage.stderr,
        "output": stage.output,
        "code": stage.code,
        "signal": stage.signal,
        "message": stage.message,
        "status": stage.status,
        "wall_time": stage.wall_time_ms,
    }


def verdict_dto(verdict: Verdict) -> dict[str, Any]:
    return {
        "result": verdict.result,
        "successRate": verdict.success_rate,
        "passed": verdict.passed,
        "failed": verdict.failed,
        "total": verdict.total,
    }


def execution_dto(execution: Execution, verdict: Verdict) -> dict[str, Any]:
    body: dict[str, Any] = {"run": stage_dto(execution.run)}
    if execution.compile is not None:
        body["compile"] = stage_dto(execution.compile)
    body["puzzleResultInformation"] = verdict_dto(verdict)
    return body


def submitted_dto(
    submission: Submission, language: ProgrammingLanguage, verdict: Verdict
) -> dict[str, Any]:
    """What ``POST /submission`` answers: the frontend's ``isSubmissionDto`` and Node's newer
    summary at once (zod drops the keys it does not know)."""
    return {
        "_id": submission.id,
        "submissionId": submission.id,
        "code": submission.code,
        "puzzle": submission.puzzle_id,  # type: ignore[attr-defined]
        "puzzleId": submission.puzzle_id,  # type: ignore[attr-defined]
        "user": submission.user_id,  # type: ignore[attr-defined]
        "userId": submission.user_id,  # type: ignore[attr-defined]
        "programmingLanguage": language_dto(language),
        "programmingLanguageId": language.id,
        "result": verdict_dto(verdict),
        "codeLength": submission.code_length,
        "createdAt": iso_z(submission.created_at),
        "__v": 0,
    }


def submission_dto(submission: Submission, shows_code: bool) -> dict[str, Any]:
    body = submission_activity_dto(submission)
    if shows_code:
        body["code"] = submission.code
    return body
