from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.accounts import service as accounts
from codincod.pagination import PageQuery
from codincod.profiles import activity
from codincod.puzzles import service as puzzles
from codincod.validation import parse
from server import shapes
from server.http import actor, optional_actor, query_args
from server.openapi import described
from server.wire import (
    authenticated_info,
    page_dto,
    puzzle_dto,
    puzzle_summary_dto,
    reply,
    submission_activity_dto,
    user_dto,
)

bp = Blueprint("users", url_prefix="/api/v1/user", strict_slashes=False)


@bp.get("/me")
@described({200: shapes.Session}, auth="required")
async def me(request: Request) -> HTTPResponse:
    """Who the session belongs to; the role is read from the database."""
    return reply(authenticated_info(await actor(request)))


@bp.get("/<username:str>")
@described({200: shapes.UserFound})
async def by_username(request: Request, username: str) -> HTTPResponse:
    user = await accounts.find_by_username(username)
    return reply({"user": user_dto(user), "message": "User was found"})


@bp.get("/<username:str>/isAvailable")
@described({200: shapes.Availability})
async def is_available(request: Request, username: str) -> HTTPResponse:
    return reply({"isAvailable": await accounts.is_username_available(username)})


@bp.get("/<username:str>/activity")
@described({200: shapes.Activity})
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


@bp.get("/<username:str>/puzzle")
@described({200: shapes.PuzzlePage}, query=PageQuery, auth="optional")
async def user_puzzles(request: Request, username: str) -> HTTPResponse:
    """A user's puzzles: approved ones for everyone, all of them for the user and moderators."""
    page = parse(PageQuery, query_args(request))
    found = await puzzles.puzzles_of_user(await optional_actor(request), username, page)
    return reply(page_dto(found, [puzzle_dto(p) for p in found.items]))
