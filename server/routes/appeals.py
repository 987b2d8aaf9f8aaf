"""A banned user's appeal of their ban (banned users may call these)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.moderation import appeals
from server import shapes
from server.http import banned_actor, body_as
from server.openapi import described
from server.wire import appeal_dto, reply

bp = Blueprint("appeals", url_prefix="/api/v1/appeal", strict_slashes=False)


@bp.post("/")
@described({201: shapes.Appeal}, body=appeals.AppealCreate, auth="required")
async def file_appeal(request: Request) -> HTTPResponse:
    """Appeal one's current ban, once per ban."""
    who = await banned_actor(request)
    made = await appeals.file(who, body_as(request, appeals.AppealCreate).reason)
    return reply(appeal_dto(made), status=201)


@bp.get("/mine")
@described({200: shapes.Appeal}, auth="required")
async def my_appeal(request: Request) -> HTTPResponse:
    """One's latest appeal and where it stands."""
    return reply(appeal_dto(await appeals.mine(await banned_actor(request))))
