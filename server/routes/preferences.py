from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.accounts import preferences
from codincod.accounts.preferences import PreferencesChange
from server import shapes
from server.http import actor, body_as
from server.openapi import described
from server.wire import no_content, preferences_dto, reply

bp = Blueprint("preferences", url_prefix="/api/v1/account/preferences", strict_slashes=False)


@bp.get("/")
@described({200: shapes.Preferences}, auth="required")
async def get_preferences(request: Request) -> HTTPResponse:
    return reply(preferences_dto(await preferences.get(await actor(request))))


@bp.route("/", methods=["PUT", "PATCH"])
@described({200: shapes.Preferences}, body=PreferencesChange, auth="required")
async def change_preferences(request: Request) -> HTTPResponse:
    """Set the named preferences (created on first use); keys left out keep their values."""
    who = await actor(request)
    change = body_as(request, PreferencesChange)
    return reply(preferences_dto(await preferences.update(who, change)))


@bp.delete("/")
@described({204: None}, auth="required")
async def delete_preferences(request: Request) -> HTTPResponse:
    await preferences.delete(await actor(request))
    return no_content()
