"""What the admin API reads: the platform's figures, users and games in depth (a finished game
with its kept events, so it can be replayed), and role changes (admins only, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field
from tortoise.transactions import in_transaction

from codincod.accounts import service as accounts
from codincod.accounts.models import User, UserBan
from codincod.actors import Actor, admins_only, moderators_only
from codincod.errors import Forbidden, InvalidInput, NotFound
from codincod.execution.choice import describe, reachable
from codincod.execution.executor import Executor
from codincod.games import api as game_api
from codincod.games import lifecycle
from codincod.games.models import ChatMessage, Game, GameEvent, WaitingRoom
from codincod.moderation import audit, banning
from codincod.moderation.models import BanAppeal, Report
from codincod.pagination import Page, PageQuery
from codincod.puzzles.models import PuzzleCount
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow


async def stats(actor: Actor, executor: Executor) -> dict[str, Any]:
    """Users, puzzles by visibility, live rooms and games, recent submissions, what waits for
    moderators, and where code runs (and whether it can now)."""
    moderators_only(actor)
    now = utcnow()
    puzzles: dict[str, int] = {}
    for visibility, count in await PuzzleCount.all().values_list("visibility", "n"):
        if count:  # the triggers' tallies: no scan of the puzzles
            puzzles[visibility] = puzzles.get(visibility, 0) + count
    live = Game.filter(lifecycle.live(now))
    return {
        "users": await User.all().count(),
        "puzzles": puzzles,
        "reportsPending": await Report.filter(status="pending").count(),
        "appealsPending": await BanAppeal.filter(status="pending").count(),
        "liveRooms": await WaitingRoom.filter(state="open").count(),
        "liveGames": await live.count(),
        "submissionsLastHour": await Submission.filter(
            created_at__gte=now - timedelta(hours=1)
        ).count(),
        "executor": {"kind": describe(executor)["kind"], "healthy": await reachable(executor)},
    }


class UserQuery(PageQuery):
    query: Annotated[str, Field(max_length=64)] | None = None
    role: Literal["user", "moderator"] | None = None
    banned: bool | None = None


@dataclass(frozen=True)
class UserRow:
    user: User
    banned: bool


async def users(actor: Actor, query: UserQuery) -> Page[UserRow]:
    moderators_only(actor)
    found = User.all()
    if query.query:
        found = found.filter(username__icontains=query.query)
    if query.role:
        found = found.filter(role=query.role)
    banned_ids = {
        str(user_id)
        for user_id in await UserBan.filter(is_active=True).values_list("user_id", flat=True)
    }  # bans in force are few; their ids are read once
    if query.banned is True:
        found = found.filter(id__in=list(banned_ids))
    elif query.banned is False:
        found = found.exclude(id__in=list(banned_ids))
    total = await found.count()
    rows = await found.order_by("username").offset(query.offset).limit(query.pageSize)
    items = [UserRow(user, user.id in banned_ids) for user in rows]
    return Page(items, query.page, query.pageSize, total)


@dataclass(frozen=True)
class UserDetail:
    user: User
    bans: list[UserBan]
    reports: list[Report]  # against the user
    submissions: int

    @property
    def banned(self) -> bool:
        return any(banning.in_force(ban) for ban in self.bans)


async def user_detail(actor: Actor, user_id: str) -> UserDetail:
    moderators_only(actor)
    user = await User.get_or_none(id=user_id.lower())
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    bans = await UserBan.filter(user_id=user.id).order_by("-created_at").select_related("banned_by")
    reports = await Report.filter(reported_user_id=user.id).order_by("-created_at")
    count = await Submission.filter(user_id=user.id).count()
    return UserDetail(user, list(bans), list(reports), count)


class GameQuery(PageQuery):
    status: Literal["waiting", "in_progress", "finished"] | None = None


async def games(actor: Actor, query: GameQuery) -> Page[Game]:
    """Games newest first; the status is the life cycle's, by the clock."""
    moderators_only(actor)
    now = utcnow()
    found = Game.all()
    if query.status is not None:
        found = found.filter(lifecycle.with_wire_status(query.status, now))
    total = await found.count()
    rows = await found.order_by("-created_at", "-id").offset(query.offset).limit(query.pageSize)
    return Page(list(rows), query.page, query.pageSize, total)


@dataclass(frozen=True)
class GameRecord:
    view: game_api.GameView
    chat: list[ChatMessage]
    events: list[GameEvent]  # in order: a replay


async def game_record(actor: Actor, game_id: str) -> GameRecord:
    moderators_only(actor)
    view = await game_api.view(game_id)
    if view is None:
        raise NotFound("Game not found", title="Game not found")
    chat = await ChatMessage.filter(game_id=game_id.lower()).order_by("created_at", "id")
    events = (
        await GameEvent.filter(game_id=game_id.lower())
        .order_by("created_at", "id")
        .select_related("user")
    )
    return GameRecord(view, list(chat), list(events))


async def set_role(actor: Actor, user_id: str, role: str, reason: str | None = None) -> User:
    """Admins (and the operator at the command line): make a user a moderator or a plain user
    (a plain user is no admin); audited, and it applies to the user's next request and open
    sockets."""
    admins_only(actor)
    user = await _user(user_id)
    if user.id == actor.id:
        raise Forbidden("Admins do not change their own role", title="Forbidden")
    async with in_transaction():
        before = user.role
        user.role = role
        if role != "moderator":
            user.is_admin = False
        await user.save(update_fields=["role", "is_admin", "updated_at"])
        await audit.record(actor, "set_role", "user", user.id, reason, previous=before, role=role)
    await accounts.session_changed(user_id=user.id)
    return user


async def set_admin(actor: Actor, user_id: str, admin: bool) -> User:
    """Admins: let a moderator also change roles and run migrations (or take that back)."""
    admins_only(actor)
    user = await _user(user_id)
    if admin and user.role != "moderator":
        raise InvalidInput(
            f"{user.username} is not a moderator: "
            f"`codincod user set-role {user.username} moderator` first"
        )
    async with in_transaction():
        user.is_admin = admin
        await user.save(update_fields=["is_admin", "updated_at"])
        await audit.record(actor, "set_role", "user", user.id, None, admin=admin)
    await accounts.session_changed(user_id=user.id)
    return user


async def _user(user_id: str) -> User:
    user = await User.get_or_none(id=user_id.lower())
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    return user


async def recalculate_ratings(actor: Actor) -> dict[str, int]:
    """Moderators: rebuild every rating from the finished games (the same result each time);
    audited. The games rated, per mode."""
    moderators_only(actor)
    processed = await game_api.recalculate()
    async with in_transaction():
        await audit.record(actor, "recalculate", "ratings", "all", None, processed=processed)
    return processed


ROOMS_SHOWN = 200


async def open_rooms(actor: Actor) -> list[game_api.RoomView]:
    """Every open waiting room, public or private, newest first, with its members (the host
    first)."""
    moderators_only(actor)
    ids = (
        await WaitingRoom.filter(state="open")
        .order_by("-created_at")
        .limit(ROOMS_SHOWN)
        .values_list("id", flat=True)
    )
    found = [await game_api.room(str(room_id)) for room_id in ids]
    return [room for room in found if room is not None and room.members]
