"""The admin API the console stands on (moderators; some actions admins only)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.moderation import admin, upgrades
from codincod.validation import Schema, parse
from server import shapes
from server.http import actor, body_as, query_args, settings_of
from server.openapi import described
from server.wire import (
    admin_game_dto,
    admin_room_dto,
    admin_user_detail_dto,
    admin_user_dto,
    game_summary_dto,
    page_dto,
    reply,
)

bp = Blueprint("admin", url_prefix="/api/v1/admin", strict_slashes=False)


@bp.get("/stats")
@described({200: shapes.AdminStats}, auth="required")
async def stats(request: Request) -> HTTPResponse:
    """Users, puzzles by visibility, live rooms and games, recent submissions, what waits for
    moderators, and where code runs."""
    return reply(await admin.stats(await actor(request), request.app.ctx.executor))


@bp.get("/users")
@described({200: shapes.AdminUserPage}, query=admin.UserQuery, auth="required")
async def users(request: Request) -> HTTPResponse:
    """Users by name; filters: query (part of the name), role, banned."""
    page = await admin.users(await actor(request), parse(admin.UserQuery, query_args(request)))
    return reply(page_dto(page, [admin_user_dto(row.user, row.banned) for row in page.items]))


@bp.get("/users/<user_id:str>")
@described({200: shapes.AdminUserDetail}, auth="required")
async def user(request: Request, user_id: str) -> HTTPResponse:
    """One user with their bans, the reports against them and their submission count."""
    return reply(admin_user_detail_dto(await admin.user_detail(await actor(request), user_id)))


class RoleChange(Schema):
    role: Literal["user", "moderator"]
    reason: Annotated[str, Field(max_length=500)] | None = None


@bp.post("/users/<user_id:str>/role")
@described({200: shapes.AdminUser}, body=RoleChange, auth="required")
async def set_role(request: Request, user_id: str) -> HTTPResponse:
    """Admins: make a user a moderator or a plain user."""
    change = body_as(request, RoleChange)
    changed = await admin.set_role(await actor(request), user_id, change.role, change.reason)
    return reply(admin_user_dto(changed, False))


@bp.get("/games")
@described({200: shapes.AdminGamePage}, query=admin.GameQuery, auth="required")
async def games(request: Request) -> HTTPResponse:
    """Games newest first; filter: status (waiting, in_progress, finished)."""
    page = await admin.games(await actor(request), parse(admin.GameQuery, query_args(request)))
    return reply(page_dto(page, [game_summary_dto(g) for g in page.items]))


@bp.get("/games/<game_id:str>")
@described({200: shapes.AdminGame}, auth="required")
async def game(request: Request, game_id: str) -> HTTPResponse:
    """A game with its players, hand-ins, chat and kept events in order (a replay)."""
    return reply(admin_game_dto(await admin.game_record(await actor(request), game_id)))


@bp.get("/rooms")
@described({200: shapes.AdminRooms}, auth="required")
async def open_rooms(request: Request) -> HTTPResponse:
    """Open waiting rooms, public and private, with their host and members."""
    found = await admin.open_rooms(await actor(request))
    return reply({"rooms": [admin_room_dto(room) for room in found]})


@bp.get("/migrations")
@described({200: shapes.Migrations}, auth="required")
async def migrations(request: Request) -> HTTPResponse:
    """The dialect and the applied and pending migrations."""
    settings = settings_of(request)
    migrations = upgrades.from_a_running_server(settings)
    state = await upgrades.status(await actor(request), migrations)
    return reply({"dialect": settings.dialect, "applied": state.applied, "pending": state.pending})


@bp.post("/migrations/upgrade")
@described({200: shapes.Upgraded}, auth="required")
async def upgrade(request: Request) -> HTTPResponse:
    """Admins: back the database up, then apply the pending migrations."""
    settings = settings_of(request)
    migrations = upgrades.from_a_running_server(settings)
    done = await upgrades.upgrade(await actor(request), settings, migrations)
    backup = str(done.backup) if done.backup else None
    return reply({"applied": done.applied, "backup": backup, "pending": done.pending})
