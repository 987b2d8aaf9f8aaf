"""Domain objects as the frontend reads them: ``_id``, UTC dates ending in ``Z`` with
milliseconds, ``__v`` on top-level documents, and absent optional fields left out (zod rejects
``null`` where it expects an optional value)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast

import orjson
from sanic.response import HTTPResponse
from tortoise.models import Model

from codincod import db
from codincod.accounts.models import Preferences, User, UserBan
from codincod.actors import Actor
from codincod.comments.models import Comment
from codincod.execution.executor import Execution, Stage
from codincod.execution.judging import Verdict
from codincod.execution.models import ProgrammingLanguage
from codincod.games import lifecycle
from codincod.games.api import Game, GameEvent, GameView, RankedHandIn, RoomView, chat_line
from codincod.moderation.admin import GameRecord, UserDetail
from codincod.moderation.models import AuditEntry, BanAppeal, Report
from codincod.moderation.review import Evidence
from codincod.moderation.review import Item as ReviewItem
from codincod.pagination import Page
from codincod.puzzles.models import Puzzle, Validator
from codincod.puzzles.service import PuzzleView
from codincod.submissions.models import Submission
from codincod.timeutil import as_utc, utcnow
from server import shapes

# Dates go out as orjson writes aware UTC datetimes: "2025-10-31T21:11:22.123456Z" (no fraction
# when it is zero), which the frontend's date schema accepts (0, 3 or 6 digits, "Z" only). orjson
# writes them in C, about ten times faster than formatting each in Python.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    return HTTPResponse(
        orjson.dumps(body, option=_OPTIONS),
        status=status,
        headers=headers,
        content_type="application/json",
    )


def encode(body: Any) -> bytes:
    return orjson.dumps(body, option=_OPTIONS)


def raw_json(body: bytes, status: int = 200) -> HTTPResponse:
    """A response from JSON that is already encoded (a cached one)."""
    return HTTPResponse(body, status=status, content_type="application/json")


def no_content() -> HTTPResponse:
    return HTTPResponse(status=204)


Row = Mapping[str, Any]
T = TypeVar("T")


def row_of(entity: Model) -> dict[str, Any]:
    """A model's stored fields as the row readers give them (``codincod.puzzles.reads``),
    with its author's (prefixed ``u_``) when it was fetched."""
    row = {name: getattr(entity, name) for name in entity._meta.db_fields}
    if "author_id" in row and isinstance(author := getattr(entity, "author", None), User):
        row.update({f"u_{name}": value for name, value in row_of(author).items()})
    return row


def _time(value: Any) -> datetime:
    """A stored time as an aware UTC datetime, for orjson to write."""
    value = db.timestamp(value)
    return value if value.tzinfo is UTC else as_utc(value)


def _row(entity: Row | Model) -> Row:
    return entity if isinstance(entity, dict) else row_of(entity)  # type: ignore[arg-type]


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def user_profile(user: Row | User, prefix: str = "") -> dict[str, Any] | None:
    row = _row(user)
    profile = {}
    for key, column in _PROFILE:
        if (value := row[prefix + column]) is not None:
            profile[key] = value
    socials = row[prefix + "profile_socials"]
    if socials and socials != "[]" and (socials := db.json_value(socials)):
        profile["socials"] = list(socials)
    return profile or None


_PROFILE = (
    ("picture", "profile_picture"),
    ("bio", "profile_bio"),
    ("location", "profile_location"),
)


def user_dto(user: Row | User, prefix: str = "") -> shapes.User:
    """The public face of a user: never email, password hash or moderation counters.
    ``prefix``: the user's columns in a row that joined them (``u_``)."""
    row = _row(user)
    body: shapes.User = {
        "_id": row[prefix + "id"],
        "username": row[prefix + "username"],
        "role": row[prefix + "role"],
        "createdAt": _time(row[prefix + "created_at"]),
        "updatedAt": _time(row[prefix + "updated_at"]),
        "__v": 0,
    }
    if profile := user_profile(row, prefix):
        body["profile"] = cast(shapes.Profile, profile)
    return body


def authenticated_info(actor: Actor) -> shapes.Session:
    return {
        "isAuthenticated": True,
        "userId": actor.id,
        "username": actor.username,
        "role": cast(shapes.Role, actor.role),
    }


def preferences_dto(preferences: Preferences) -> shapes.Preferences:
    return cast(
        shapes.Preferences,
        _present(
            _id=preferences.id,
            owner=preferences.owner_id,
            blockedUsers=list(preferences.blocked_users),
            theme=preferences.theme,
            preferredLanguage=preferences.preferred_language,
            editor=dict(preferences.editor) if preferences.editor else None,
            createdAt=_time(preferences.created_at),
            updatedAt=_time(preferences.updated_at),
            __v=0,
        ),
    )


def language_dto(language: ProgrammingLanguage) -> shapes.Language:
    return cast(
        shapes.Language,
        _present(
            _id=language.id,
            language=language.language,
            version=language.version,
            aliases=list(language.aliases),
            runtime=language.runtime,
        ),
    )


def puzzle_summary_dto(puzzle: Row | Puzzle) -> shapes.PuzzleSummary:
    """A puzzle without its solution, comments or validators (activity lists)."""
    row = _row(puzzle)
    return cast(
        shapes.PuzzleSummary,
        _present(
            _id=row["id"],
            title=row["title"],
            statement=row["statement"],
            constraints=row["constraints"],
            author=row["author_id"],
            difficulty=row["difficulty"],
            visibility=row["visibility"],
            tags=list(db.json_value(row["tags"])),
            createdAt=_time(row["created_at"]),
            updatedAt=_time(row["updated_at"]),
            __v=0,
        ),
    )


def submission_activity_dto(submission: Submission) -> shapes.Submission:
    """A submission without its code, language populated."""
    language = submission.programming_language
    return {
        "_id": submission.id,
        "puzzle": submission.puzzle_id,
        "user": submission.user_id,
        "programmingLanguage": language_dto(language),
        "result": {"result": submission.result, "successRate": submission.success_rate},
        "codeLength": submission.code_length,
        "createdAt": _time(submission.created_at),
        "__v": 0,
    }


def _author(row: Row) -> Any:
    """A joined author as a user DTO, else the bare id."""
    return user_dto(row, "u_") if "u_id" in row else row["author_id"]


def validator_dto(validator: Row | Validator) -> shapes.Validator:
    row = _row(validator)
    return {
        "_id": row["id"],
        "input": row["input"],
        "output": row["output"],
        "createdAt": _time(row["created_at"]),
        "updatedAt": _time(row["updated_at"]),
    }


def comment_dto(comment: Row | Comment, reply_ids: list[str]) -> shapes.Comment:
    """A comment as ``isCommentDto`` accepts it: replies as ids, ``parentId`` the puzzle for
    top-level comments and the parent comment for replies."""
    row = _row(comment)
    return {
        "_id": row["id"],
        "author": _author(row),
        "text": row["text"],
        "upvote": row["upvote"],
        "downvote": row["downvote"],
        "commentType": row["comment_type"],
        "comments": reply_ids,
        "parentId": row["parent_id"] or row["puzzle_id"],
        "createdAt": _time(row["created_at"]),
        "updatedAt": _time(row["updated_at"]),
        "__v": 0,
    }


def puzzle_dto(
    puzzle: Row | Puzzle,
    validators: Sequence[Row | Validator] | None = None,
    comments: list[shapes.Comment] | None = None,
    solution: shapes.Solution | None = None,
) -> shapes.Puzzle:
    row = _row(puzzle)
    body = cast(
        shapes.Puzzle,
        {
            **puzzle_summary_dto(row),
            "author": _author(row),
            "validators": [validator_dto(v) for v in validators or []],
            "comments": comments or [],
        },
    )
    if row["moderation_feedback"]:
        body["moderationFeedback"] = row["moderation_feedback"]
    if solution is not None:
        body["solution"] = solution
    return body


def solution_dto(puzzle: Row | Puzzle, language: ProgrammingLanguage | None) -> shapes.Solution:
    solution: shapes.Solution = {"code": _row(puzzle)["solution_code"]}
    if language is not None:
        solution["programmingLanguage"] = language_dto(language)
    return solution


def page_dto(page: Page[Any], items: list[T]) -> shapes.Paged[T]:
    return {
        "page": page.page,
        "pageSize": page.page_size,
        "totalPages": page.total_pages,
        "totalItems": page.total,
        "items": items,
    }


def report_dto(report: Report) -> shapes.Report:
    return cast(
        shapes.Report,
        _present(
            _id=report.id,
            problematicIdentifier=report.target_id,
            problemType=report.problem_type,
            reportedBy=report.reported_by_id,
            explanation=report.explanation,
            status=report.status,
            resolvedBy=report.resolved_by_id,
            createdAt=_time(report.created_at),
            updatedAt=_time(report.updated_at),
            __v=0,
        ),
    )


def stage_dto(stage: Stage) -> shapes.Stage:
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


def verdict_dto(verdict: Verdict) -> shapes.Verdict:
    return {
        "result": verdict.result,
        "successRate": verdict.success_rate,
        "passed": verdict.passed,
        "failed": verdict.failed,
        "total": verdict.total,
    }


def execution_dto(execution: Execution, verdict: Verdict) -> shapes.Execution:
    body: shapes.Execution = {
        "run": stage_dto(execution.run),
        "puzzleResultInformation": verdict_dto(verdict),
    }
    if execution.compile is not None:
        body["compile"] = stage_dto(execution.compile)
    return body


def submitted_dto(
    submission: Submission, language: ProgrammingLanguage, verdict: Verdict
) -> shapes.Submitted:
    """What ``POST /submission`` answers: the frontend's ``isSubmissionDto`` and Node's newer
    summary at once (zod drops the keys it does not know)."""
    return {
        "_id": submission.id,
        "submissionId": submission.id,
        "code": submission.code,
        "puzzle": submission.puzzle_id,
        "puzzleId": submission.puzzle_id,
        "user": submission.user_id,
        "userId": submission.user_id,
        "programmingLanguage": language_dto(language),
        "programmingLanguageId": language.id,
        "result": verdict_dto(verdict),
        "codeLength": submission.code_length,
        "createdAt": _time(submission.created_at),
        "__v": 0,
    }


def submission_dto(submission: Submission, shows_code: bool) -> shapes.Submission:
    body = submission_activity_dto(submission)
    if shows_code:
        body["code"] = submission.code
    return body


def puzzle_page_dto(found: PuzzleView) -> shapes.Puzzle:
    """A puzzle as its page shows it: validators and top-level comments, no solution."""
    comment_items = [comment_dto(c, found.reply_ids.get(c["id"], [])) for c in found.comments]
    return puzzle_dto(found.puzzle, found.validators, comment_items)


# --- games and rooms ----------------------------------------------------------------------------


def game_dto(view: GameView) -> shapes.Game:
    """A game as ``isGameDto`` reads it: players and owner populated, the puzzle as its id,
    the hand-ins best first with their code length and time from the start (never code)."""
    game = view.game
    return {
        "_id": game.id,
        "players": [user_dto(player) for player in view.players],
        "owner": user_dto(view.owner),
        "puzzle": game.puzzle_id,
        "startTime": _time(game.start_time),
        "endTime": _time(game.end_time),
        "createdAt": _time(game.created_at),
        "options": {
            "maxGameDurationInSeconds": game.max_duration_seconds,
            "visibility": game.visibility,
            "allowedLanguages": list(game.allowed_languages),
            "mode": game.mode,
            "rated": game.rated,
        },
        "playerSubmissions": [game_submission_dto(handed) for handed in view.handed_in],
        "status": lifecycle.wire_status(view.phase),
        "__v": 0,
    }


def game_submission_dto(handed: RankedHandIn) -> shapes.GameHandIn:
    submission, entry = handed.submission, handed.entry
    return {
        "_id": submission.id,
        "createdAt": _time(submission.created_at),
        "puzzle": submission.puzzle_id,
        "user": user_dto(submission.user),
        "programmingLanguage": language_dto(submission.programming_language),
        "result": {"result": submission.result, "successRate": submission.success_rate},
        "codeLength": submission.code_length,
        "timeSpent": max(0.0, entry.seconds),
        "score": entry.score,
        "rank": entry.rank,
        "__v": 0,
    }


def room_dto(room: RoomView) -> shapes.Room:
    users: list[shapes.RoomMember] = [
        {"userId": m.user_id, "username": m.username, "joinedAt": _time(m.joined_at)}
        for m in room.members
    ]
    body: shapes.Room = {"users": users, "owner": users[0], "roomId": room.id}
    if room.visibility == "private" and room.invite_code:
        body["inviteCode"] = room.invite_code
    return body


def rooms_dto(rooms: list[tuple[str, int]]) -> list[shapes.RoomListing]:
    return [{"roomId": room_id, "amountOfPlayersJoined": count} for room_id, count in rooms]


# --- moderation ---------------------------------------------------------------------------------


def review_item_dto(item: ReviewItem) -> shapes.ReviewItem:
    body: dict[str, Any] = {"id": item.id, "type": item.type, "title": item.title}
    body["createdAt"] = _time(item.created_at)
    body.update({key: value for key, value in item.fields.items() if value is not None})
    body["claimedBy"] = item.claimed_by
    return cast(shapes.ReviewItem, body)  # ``fields`` holds the item kind's optional keys


def evidence_dto(found: Evidence) -> shapes.ReportEvidence:
    offender = found.offender
    then = found.consequence
    ban = None
    if then is not None and then.ban is not None:
        days = then.ban.duration.days if then.ban.duration else None
        ban = {"type": "permanent" if days is None else "temporary", "days": days}
    return {
        "report": report_dto(found.report),
        "user": {"_id": offender.id, "username": offender.username} if offender else None,
        "upheldReports": found.upheld,
        "bans": [ban_dto(b) for b in found.bans],
        "recentChat": [
            {
                "_id": line.id,
                "gameId": line.game_id,
                "message": line.message,
                "createdAt": _time(line.created_at),
            }
            for line in found.recent_chat
        ],
        "consequence": {"upheld": then.upheld, "text": then.text, "ban": ban} if then else None,
    }


def ban_dto(ban: UserBan) -> shapes.Ban:
    banned_by = ban.banned_by if isinstance(ban.banned_by, User) else None
    return cast(
        shapes.Ban,
        _present(
            _id=ban.id,
            userId=ban.user_id,
            bannedBy={"_id": banned_by.id, "username": banned_by.username}
            if banned_by
            else ban.banned_by_id,
            banType=ban.ban_type,
            reason=ban.reason,
            startDate=_time(ban.start_date),
            endDate=_time(ban.end_date) if ban.end_date else None,
            isActive=ban.is_active,
            createdAt=_time(ban.created_at),
            updatedAt=_time(ban.updated_at),
            __v=0,
        ),
    )


def appeal_dto(appeal: BanAppeal) -> shapes.Appeal:
    return cast(
        shapes.Appeal,
        _present(
            _id=appeal.id,
            ban=appeal.ban_id,
            user=appeal.user_id,
            reason=appeal.reason,
            status=appeal.status,
            decidedBy=appeal.decided_by_id,
            decisionReason=appeal.decision_reason,
            decidedAt=_time(appeal.decided_at) if appeal.decided_at else None,
            createdAt=_time(appeal.created_at),
            updatedAt=_time(appeal.updated_at),
        ),
    )


def audit_dto(entry: AuditEntry, target_name: str | None = None) -> shapes.AuditEntry:
    actor = entry.actor if isinstance(entry.actor, User) else None
    return {
        "_id": entry.id,
        "action": entry.action,
        "actor": {"_id": actor.id if actor else entry.actor_id, "username": entry.actor_name},
        "targetType": entry.target_type,
        "targetId": entry.target_id,
        "targetName": target_name,
        "reason": entry.reason,
        "createdAt": _time(entry.created_at),
        "details": entry.details,
    }


def game_summary_dto(game: Game) -> shapes.AdminGameSummary:
    return {
        "_id": game.id,
        "mode": game.mode,
        "visibility": game.visibility,
        "status": lifecycle.wire_status(lifecycle.phase_of(game, utcnow())),
        "owner": game.owner_id,
        "puzzle": game.puzzle_id,
        "startTime": _time(game.start_time),
        "endTime": _time(game.end_time),
        "createdAt": _time(game.created_at),
        "rated": game.rated,
        "ratingsApplied": game.ratings_applied,
    }


def game_event_dto(event: GameEvent) -> shapes.GameEvent:
    user = event.user if isinstance(event.user, User) else None
    return {
        "_id": event.id,
        "kind": event.kind,
        "user": event.user_id,
        "username": user.username if user else None,
        "data": event.data,
        "createdAt": _time(event.created_at),
    }


# --- the admin API ------------------------------------------------------------------------------


def admin_user_dto(user: User, banned: bool) -> shapes.AdminUser:
    body = user_dto(user)
    return {
        **body,
        "isAdmin": user.is_admin,
        "banned": banned,
        "reportCount": user.report_count,
        "banCount": user.ban_count,
    }


def admin_user_detail_dto(found: UserDetail) -> shapes.AdminUserDetail:
    return {
        **admin_user_dto(found.user, found.banned),
        "bans": [ban_dto(b) for b in found.bans],
        "reports": [report_dto(r) for r in found.reports],
        "submissionCount": found.submissions,
    }


def admin_game_dto(record: GameRecord) -> shapes.AdminGame:
    return {
        **game_dto(record.view),
        "chat": [cast(shapes.ChatLine, chat_line(line)) for line in record.chat],
        "events": [game_event_dto(event) for event in record.events],
    }


def admin_room_dto(room: RoomView) -> shapes.AdminRoom:
    return {**room_dto(room), "visibility": cast(Literal["public", "private"], room.visibility)}
