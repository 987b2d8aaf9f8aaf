from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.accounts import activity
from codincod.accounts import service as accounts
from server.http import actor
from server.wire import (
    authenticated_info,
    puzzle_summary_dto,
    reply,
    submission_activity_dto,
    user_dto,
)

bp = Blueprint("users", url_prefix="/api/v1/user", strict_slashes=False)


@bp.get("/me")
async def me(request: Request) -> HTTPResponse:
    """Who the session belongs to; the role is read from the database."""
    return reply(authenticated_info(await actor(request)))


@bp.get("/<username:str>")
async def by_username(request: Request, username: str) -> HTTPResponse:
    user = await accounts.find_by_username(username)
    return reply({"user": user_dto(user), "message": "User was found"})


@bp.get("/<username:str>/isAvailable")
async def is_available(request: Request, username: str) -> HTTPResponse:
    return reply({"isAvailable": await accounts.is_username_available(username)})


@bp.get("/<username:str>/activity")
async def user_activity(request: Request, username: str) -> HTTPResponse:
    found = await activity.of_user(username)
    return reply(
        {
            "user": user_dto(found.user),
            "message": "User activity found",
            "activity": {
                "puzzles": [puzzle_summary_dto(puzzle) for puzzle in found.puzzles],
                "submissions": [submission_activity_dto(item) for item in found.submissions],
            },
        }
    )
