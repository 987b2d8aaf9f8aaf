"""Waiting rooms: hosting, joining (by id or invite code), leaving, chatting and starting a
game. Rooms live in the database, so any process serves any room and a restart loses none;
the rules come from ``codincod.games.lifecycle``. Every change is announced on the lobby
channel after it is committed (``codincod.games.events``).

A user is in at most one open room: hosting or joining another leaves the previous one. A
member whose sockets all closed keeps their place for a grace period (a reload, a blip, a
server restart), then leaves (``drop_if_gone``, ``sweep_absent``).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from tortoise.transactions import in_transaction

from codincod import db
from codincod.actors import Actor
from codincod.errors import DomainError, InvalidInput, NotFound
from codincod.games import events, lifecycle, play
from codincod.games.models import Game, GameEvent, GamePlayer, RoomMember, RoomMessage, WaitingRoom
from codincod.games.modes import MODES
from codincod.timeutil import utcnow
from codincod.validation import Schema

_ID = re.compile(r"[0-9a-fA-F]{24}")
INVITE_ALPHABET = string.ascii_uppercase + string.digits
INVITE_LENGTH = 6
MAX_MEMBERS = 50
CHAT_REPLAY = 50
NO_PUZZLES = "Create a puzzle and get it approved to play multiplayer"


class NoPuzzles(DomainError):
    """No approved puzzle that none of the players wrote: nothing to play."""

    status = 409


@dataclass(frozen=True)
class Timing:
    countdown_seconds: int
    min_duration_seconds: int


class RoomOptions(Schema):
    """``room:host`` options as the custom-game dialog sends them; every field optional.
    ``allowedLanguages`` holds ids or whole language objects (only the ids are kept)."""

    allowedLanguages: list[str | dict[str, Any]] = Field(default_factory=list, max_length=64)
    maxGameDurationInSeconds: Annotated[float, Field(ge=0, le=86_400)] | None = None
    visibility: Literal["public", "private"] = "public"
    mode: Literal[MODES] = "fastest"  # type: ignore[valid-type]
    rated: bool = True

    @field_validator("allowedLanguages")
    @classmethod
    def _language_ids(cls, value: list[str | dict[str, Any]]) -> list[str]:
        ids = [item.get("_id") if isinstance(item, dict) else item for item in value]
        if not all(isinstance(i, str) and _is_id(i) for i in ids):
            raise ValueError("allowedLanguages holds language ids")
        return list(dict.fromkeys(i.lower() for i in ids))  # type: ignore[union-attr]


def _is_id(value: str) -> bool:
    return _ID.fullmatch(value) is not None


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    user_id: str
    username: str
    joined_at: datetime


@dataclass(frozen=True)
class RoomView:
    id: str
    state: str
    visibility: str
    invite_code: str | None
    members: tuple[MemberView, ...]  # oldest first: the first is the host
    game_id: str | None
    game_start: datetime | None

    @property
    def owner(self) -> MemberView | None:
        return self.members[0] if self.members else None

    def has(self, user_id: str) -> bool:
        return any(member.user_id == user_id for member in self.members)

    def rule_view(self) -> lifecycle.Room:
        members = tuple(lifecycle.Member(m.user_id, m.joined_at) for m in self.members)
        return lifecycle.Room(lifecycle.RoomState(self.state), members)


_ROOM = """
SELECT r.id, r.state, r.visibility, r.invite_code, r.game_id, g.start_time AS game_start
FROM waiting_rooms r LEFT JOIN games g ON g.id = r.game_id WHERE r.id = $1
"""
_MEMBERS = """
SELECT m.user_id, u.username, m.joined_at FROM room_members m JOIN users u ON u.id = m.user_id
WHERE m.room_id = $1 ORDER BY m.joined_at, m.user_id
"""
_LOBBY = """
SELECT r.id, COUNT(m.id) AS members FROM waiting_rooms r JOIN room_members m ON m.room_id = r.id
WHERE r.state = 'open' AND r.visibility = 'public'
GROUP BY r.id, r.created_at ORDER BY r.created_at, r.id
"""


async def view(room_id: str) -> RoomView | None:
    rooms, members = await db.fetch_each([(_ROOM, (room_id,)), (_MEMBERS, (room_id,))])
    if not rooms:
        return None
    row = rooms[0]
    start = row["game_start"]
    return RoomView(
        id=row["id"],
        state=row["state"],
        visibility=row["visibility"],
        invite_code=row["invite_code"],
        members=tuple(
            MemberView(m["user_id"], m["username"], db.timestamp(m["joined_at"])) for m in members
        ),
        game_id=row["game_id"],
        game_start=db.timestamp(start) if start is not None else None,
    )


async def lobby() -> list[tuple[str, int]]:
    """Open public rooms, oldest first, with how many members each has."""
    return [(row["id"], int(row["members"])) for row in await db.fetch_all(_LOBBY)]


async def live_counts() -> tuple[int, int]:
    """Open waiting rooms, and games not over yet (for the operator's figures)."""
    games = await Game.filter(lifecycle.live(utcnow())).count()
    return await WaitingRoom.filter(state=lifecycle.RoomState.OPEN).count(), games


async def rooms_of(user_ids: list[str]) -> list[str]:
    """The rooms, open or started, these users are members of."""
    found = await RoomMember.filter(
        user_id__in=user_ids,
        room__state__in=(lifecycle.RoomState.OPEN, lifecycle.RoomState.STARTED),
    ).values_list("room_id", flat=True)
    return sorted({str(room_id) for room_id in found})


async def recent_chat(room_id: str) -> list[RoomMessage]:
    latest = await RoomMessage.filter(room_id=room_id).order_by("-created_at").limit(CHAT_REPLAY)
    return latest[::-1]


# --- changing -------------------------------------------------------------------------------


def not_found(room_id: str) -> NotFound:
    # The frontend drops ?roomId when an error names a "Room" that is "not found".
    return NotFound(f"Room {room_id} not found", title="Room not found")


@dataclass(frozen=True)
class Joined:
    room: RoomView
    member: bool  # False: the room had started, the joiner is sent to its game
    changed: bool  # whether the members changed (a rejoin keeps everything as it was)


async def host(actor: Actor, options: RoomOptions) -> RoomView:
    async with in_transaction():
        left = await _leave_open_rooms(actor.id)
        code = await _free_invite_code() if options.visibility == "private" else None
        room = await WaitingRoom.create(
            visibility=options.visibility,
            mode=options.mode,
            max_duration_seconds=_seconds(options.maxGameDurationInSeconds),
            allowed_languages=options.allowedLanguages,
            rated=options.rated,
            invite_code=code,
        )
        await RoomMember.create(room_id=room.id, user_id=actor.id)
    await _announce(room.id, *left, change="created")
    return await _view(room.id)


def _seconds(value: float | None) -> int | None:
    return None if value is None else int(value)


async def _free_invite_code() -> str:
    while True:  # 36^6 codes, freed when a room closes: a clash is rare, a loop is enough
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        if not await WaitingRoom.exists(invite_code=code):
            return code


async def join(actor: Actor, room_id: str, *, invited: bool = False) -> Joined:
    room_id = room_id.lower()
    if not _is_id(room_id):
        raise not_found(room_id)
    seated, left = False, []
    async with in_transaction():
        room = await WaitingRoom.filter(id=room_id).select_for_update().first()
        if room is None or room.state == lifecycle.RoomState.CLOSED:
            raise not_found(room_id)
        member = await RoomMember.get_or_none(room_id=room_id, user_id=actor.id)
        if member is None and room.visibility == "private" and not invited:
            raise not_found(room_id)  # a private room is joined with its code
        if room.state == lifecycle.RoomState.STARTED:
            seated = await _join_started_game(actor, room, room_id)
        else:
            left = await _enter(room_id, actor.id, member)
    if room.state == lifecycle.RoomState.STARTED:
        if seated and room.game_id:  # the other players see the newcomer
            await events.game(events.OVERVIEW, room.game_id)
        return Joined(await _view(room_id), member=False, changed=False)
    if member is None:
        await _announce(room_id, *left, change="joined")
    return Joined(await _view(room_id), member=True, changed=member is None)


async def _enter(room_id: str, user_id: str, member: RoomMember | None) -> list[str]:
    """A member is seen again; a newcomer leaves their other rooms and joins (the ids of the
    rooms they left)."""
    if member is not None:
        member.seen_at = utcnow()
        await member.save(update_fields=["seen_at"])
        return []
    if await RoomMember.filter(room_id=room_id).count() >= MAX_MEMBERS:
        raise InvalidInput("This room is full", title="Room full")
    left = await _leave_open_rooms(user_id)
    await RoomMember.create(room_id=room_id, user_id=user_id)
    return left


async def join_by_invite(actor: Actor, code: str) -> Joined:
    room = await WaitingRoom.get_or_none(invite_code=code)
    if room is None or room.state == lifecycle.RoomState.CLOSED:
        raise InvalidInput(f"Invalid invite code: {code}", title="Invalid invite code")
    return await join(actor, room.id, invited=True)


async def _join_started_game(actor: Actor, room: WaitingRoom, room_id: str) -> bool:
    """A started room sends whoever joins to its game while it is on; someone who joins
    during the countdown plays (unless they wrote the puzzle). Whether they got a seat."""
    game = await Game.get_or_none(id=room.game_id) if room.game_id else None
    if game is None:
        raise not_found(room_id)
    phase = lifecycle.phase_of(game, utcnow())
    if phase is lifecycle.GamePhase.OVER:
        raise not_found(room_id)
    if phase is not lifecycle.GamePhase.COUNTDOWN or await play.wrote_puzzle(actor.id, game):
        return False
    return await play.seat(game.id, actor.id, late=False)


async def leave(actor: Actor, room_id: str) -> None:
    room_id = room_id.lower()
    if not _is_id(room_id):
        return
    async with in_transaction():
        removed = await _remove_member(room_id, actor.id)
    if removed:
        await _announce(room_id)


async def _remove_member(room_id: str, user_id: str) -> bool:
    deleted = await RoomMember.filter(room_id=room_id, user_id=user_id).delete()
    if deleted:
        await _close_if_empty(room_id)
    return bool(deleted)


async def _close_if_empty(room_id: str) -> None:
    if not await RoomMember.exists(room_id=room_id):
        await WaitingRoom.filter(id=room_id, state=lifecycle.RoomState.OPEN).update(
            state=lifecycle.RoomState.CLOSED, invite_code=None, updated_at=utcnow()
        )


async def _leave_open_rooms(user_id: str) -> list[str]:
    """Take the user out of every open room they are in; the ids of those rooms."""
    room_ids = await RoomMember.filter(
        user_id=user_id, room__state=lifecycle.RoomState.OPEN
    ).values_list("room_id", flat=True)
    for room_id in room_ids:
        await _remove_member(room_id, user_id)  # type: ignore[arg-type]
    return list(room_ids)  # type: ignore[arg-type]


async def chat(actor: Actor, room_id: str, message: str) -> dict[str, Any]:
    room_id = room_id.lower()
    room = await WaitingRoom.get_or_none(id=room_id) if _is_id(room_id) else None
    if room is None or room.state == lifecycle.RoomState.CLOSED:
        raise not_found(room_id)
    if not await RoomMember.exists(room_id=room_id, user_id=actor.id):
        raise InvalidInput("You must be in the room to send messages", title="Not in the room")
    saved = await RoomMessage.create(
        room_id=room_id, user_id=actor.id, username=actor.username, message=message
    )
    line = chat_line(saved)
    await events.lobby(events.ROOM_CHAT, room=room_id, message=line)
    return line


def chat_line(message: RoomMessage) -> dict[str, Any]:
    return {
        "username": message.username,
        "message": message.message,
        "createdAt": message.created_at,
    }


async def start(actor: Actor, room_id: str, timing: Timing) -> Game:
    """Start the room's game: owner only, once, with a puzzle none of the players wrote."""
    room_id = room_id.lower()
    if not _is_id(room_id):
        raise not_found(room_id)
    async with in_transaction():
        room = await WaitingRoom.filter(id=room_id).select_for_update().first()
        current = await view(room_id) if room is not None else None
        if room is None or current is None or current.state == lifecycle.RoomState.CLOSED:
            raise not_found(room_id)
        decision = lifecycle.started(current.rule_view(), actor.id)
        if isinstance(decision, lifecycle.Refusal):
            raise InvalidInput(decision.value, title="Cannot start")
        players = [member.user_id for member in current.members]
        puzzle_id = await _draw_puzzle(players)
        if puzzle_id is None:
            raise NoPuzzles(NO_PUZZLES, title="Not enough puzzles")
        game = await _create_game(room, players, puzzle_id, timing)
        room.state = lifecycle.RoomState.STARTED
        room.game_id = game.id
        await room.save(update_fields=["state", "game_id", "updated_at"])
    game_url = f"/multiplayer/{game.id}"
    await events.lobby(events.ROOM_START, room=room_id, gameUrl=game_url, startTime=game.start_time)
    if room.visibility == "public":  # it leaves the lobby's list
        await events.lobby(events.ROOMS)
    return game


_DRAW = (
    "SELECT id FROM puzzles WHERE visibility = 'approved' AND author_id NOT IN ({authors})"
    " ORDER BY RANDOM() LIMIT 1"
)


async def _draw_puzzle(players: list[str]) -> str | None:
    """A random approved puzzle that none of the players wrote."""
    authors = ", ".join(f"${n}" for n in range(1, len(players) + 1))
    row = await db.fetch_one(_DRAW.format(authors=authors), players)
    return row["id"] if row else None


async def _create_game(
    room: WaitingRoom, players: list[str], puzzle_id: str, timing: Timing
) -> Game:
    now = utcnow()
    duration = lifecycle.duration_seconds(room.max_duration_seconds, timing.min_duration_seconds)
    start_time = now + timedelta(seconds=timing.countdown_seconds)
    game = await Game.create(
        owner_id=players[0],
        puzzle_id=puzzle_id,
        mode=lifecycle.concrete_mode(room.mode),
        visibility=room.visibility,
        max_duration_seconds=duration,
        allowed_languages=list(room.allowed_languages),
        rated=room.rated,
        status="in_progress",
        start_time=start_time,
        end_time=start_time + timedelta(seconds=duration),
        created_at=now,
    )
    await GamePlayer.bulk_create(
        [
            GamePlayer(game_id=game.id, user_id=user_id, position=n)
            for n, user_id in enumerate(players)
        ]
    )
    data = {"room": room.id, "players": players, "puzzle": puzzle_id, "mode": game.mode}
    await GameEvent.create(
        game_id=game.id, kind="start", user_id=players[0], data=data, created_at=now
    )
    return game


# --- presence -------------------------------------------------------------------------------


async def touch(user_ids: list[str]) -> None:
    """These users have a lobby socket open: their places are safe."""
    if user_ids:
        await RoomMember.filter(user_id__in=user_ids).update(seen_at=utcnow())


async def drop_if_gone(user_id: str, since: datetime) -> None:
    """The user's last lobby socket closed at ``since``: unless one opened again since (any
    process touches the member on connect and join), they leave their open room."""
    gone = await RoomMember.filter(
        user_id=user_id, seen_at__lt=since, room__state=lifecycle.RoomState.OPEN
    ).values_list("room_id", flat=True)
    await _drop(list(gone), user_id)  # type: ignore[arg-type]


async def sweep_absent(cutoff: datetime) -> None:
    """Members of open rooms not seen since ``cutoff`` (their process died) leave."""
    rows = await RoomMember.filter(
        seen_at__lt=cutoff, room__state=lifecycle.RoomState.OPEN
    ).values_list("room_id", "user_id")
    for room_id, user_id in rows:
        await _drop([room_id], user_id)


async def _drop(room_ids: list[str], user_id: str) -> None:
    changed = []
    for room_id in room_ids:
        async with in_transaction():
            if await _remove_member(room_id, user_id):
                changed.append(room_id)
    if changed:
        await _announce(*changed)


async def _announce(first: str, *others: str, change: str = "left") -> None:
    """``first`` changed by ``change`` (created, joined, left); ``others`` were left. A room
    that somebody left and that is now empty is announced as closed. The lobby's list of
    rooms is announced only when a public room changed: it lists no private room."""
    rooms = dict.fromkeys((first, *others))
    rows = await WaitingRoom.filter(id__in=list(rooms)).values_list("id", "state", "visibility")
    found = {str(room_id): (str(state), str(visibility)) for room_id, state, visibility in rows}
    for room_id in rooms:
        state, _ = found.get(room_id, (lifecycle.RoomState.CLOSED, "private"))
        told = change if room_id == first and change != "left" else _left_or_closed(state)
        await events.lobby(events.ROOM, room=room_id, change=told)
    if any(visibility == "public" for _, visibility in found.values()):
        await events.lobby(events.ROOMS)


def _left_or_closed(state: str) -> str:
    return "closed" if state == lifecycle.RoomState.CLOSED else "left"


async def _view(room_id: str) -> RoomView:
    found = await view(room_id)
    if found is None:
        raise not_found(room_id)
    return found
