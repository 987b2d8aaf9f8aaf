"""The life of waiting rooms and games as plain functions: what phase a game is in, what a room
becomes after each event, and who may do what. No storage, no clock of its own (callers pass
``now``), so every caller decides the same way and the rules have table tests.

Game phases, by the clock::

    countdown --start_time--> running --end_time--> grace --+10 s--> over
                                   (the server ends it: finished, at most 15 s after end_time)

"Over" is decided here in every form: for one game in memory (``phase_of``) and as the query
filters of the game lists, the sweeper and the live figures (``over``, ``live``, ``due``).

Room states::

    open --start (owner only, once)--> started        open --last member leaves--> closed
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, Protocol

from codincod.games.modes import MODES

if TYPE_CHECKING:
    from tortoise.expressions import Q

# A submission judged at the buzzer may reach the server a little after end_time (the
# frontend hands in automatically when its clock passes it).
GRACE = timedelta(seconds=10)
MAX_DURATION_SECONDS = 3600
CONCRETE_MODES = tuple(mode for mode in MODES if mode != "random")


class GamePhase(StrEnum):
    COUNTDOWN = "countdown"
    RUNNING = "running"
    GRACE = "grace"
    OVER = "over"


def game_phase(
    start: datetime, end: datetime, now: datetime, *, finished: bool = False
) -> GamePhase:
    if finished or now >= end + GRACE:
        return GamePhase.OVER
    if now < start:
        return GamePhase.COUNTDOWN
    return GamePhase.RUNNING if now < end else GamePhase.GRACE


class Timed(Protocol):
    """What the phase of a game is read from (a ``Game`` row)."""

    start_time: datetime
    end_time: datetime
    status: str


def phase_of(game: Timed, now: datetime) -> GamePhase:
    return game_phase(game.start_time, game.end_time, now, finished=game.status == "finished")


# The same phases as query filters: a game is over once marked finished or past its grace,
# whichever comes first (the sweeper marks it within a second of the grace). The ORM is
# imported when a filter is made, so the rules above load nothing heavy.


def over(now: datetime) -> Q:
    from tortoise.expressions import Q

    return Q(status="finished") | Q(end_time__lte=now - GRACE)


def live(now: datetime) -> Q:
    """Not over: the countdown, running and the grace."""
    from tortoise.expressions import Q

    return ~Q(status="finished") & Q(end_time__gt=now - GRACE)


def with_wire_status(status: str, now: datetime) -> Q:
    """The games that ``wire_status`` shows as ``status`` at ``now`` (the grace shows as
    finished: nobody can play any more)."""
    from tortoise.expressions import Q

    if status == "waiting":
        return live(now) & Q(start_time__gt=now)
    if status == "in_progress":
        return ~Q(status="finished") & Q(start_time__lte=now, end_time__gt=now)
    return Q(status="finished") | Q(end_time__lte=now)


def due(now: datetime) -> Q:
    """Past the grace but not yet marked finished: the sweeper's work."""
    from tortoise.expressions import Q

    return ~Q(status="finished") & Q(end_time__lte=now - GRACE)


# A watcher may take a seat until the game's clock runs out.
JOINABLE = (GamePhase.COUNTDOWN, GamePhase.RUNNING)


def accepts_hand_ins(phase: GamePhase) -> bool:
    return phase in (GamePhase.RUNNING, GamePhase.GRACE)


WireStatus = Literal["waiting", "in_progress", "finished"]


def wire_status(phase: GamePhase) -> WireStatus:
    """The status the API shows: ``waiting``, ``in_progress`` or ``finished``."""
    if phase is GamePhase.COUNTDOWN:
        return "waiting"
    return "in_progress" if phase is GamePhase.RUNNING else "finished"


def duration_seconds(requested: int | None, minimum: int, default: int = 900) -> int:
    """A room's ``maxGameDurationInSeconds``, kept between the configured minimum and an hour."""
    wanted = default if requested is None else requested
    return max(minimum, min(MAX_DURATION_SECONDS, wanted))


def concrete_mode(mode: str, chooser: random.Random | None = None) -> str:
    """``random`` becomes one of the real modes when the game starts; others stay."""
    if mode != "random":
        return mode
    return (chooser or random.SystemRandom()).choice(CONCRETE_MODES)


# --- waiting rooms --------------------------------------------------------------------------


class RoomState(StrEnum):
    OPEN = "open"
    STARTED = "started"
    CLOSED = "closed"


@dataclass(frozen=True)
class Member:
    user_id: str
    joined_at: datetime


@dataclass(frozen=True)
class Room:
    state: RoomState
    members: tuple[Member, ...]

    @property
    def owner(self) -> Member | None:
        """The member who has been there longest (ties: the smaller id)."""
        return min(self.members, key=lambda m: (m.joined_at, m.user_id), default=None)

    def has(self, user_id: str) -> bool:
        return any(member.user_id == user_id for member in self.members)


class Refusal(StrEnum):
    """Why a room event is refused; the values are what the user is told."""

    NOT_OPEN = "This room is no longer open"
    NOT_A_MEMBER = "You must be in the room to do that"
    NOT_THE_OWNER = "Only the host can start the game"


def joined(room: Room, user_id: str, now: datetime) -> Room | Refusal:
    """A join keeps an existing member's place (the host stays host when they rejoin)."""
    if room.state is not RoomState.OPEN:
        return Refusal.NOT_OPEN
    if room.has(user_id):
        return room
    return replace(room, members=(*room.members, Member(user_id, now)))


def left(room: Room, user_id: str) -> Room:
    """The next-longest member becomes host; an empty open room closes."""
    members = tuple(member for member in room.members if member.user_id != user_id)
    state = RoomState.CLOSED if not members and room.state is RoomState.OPEN else room.state
    return Room(state, members)


def started(room: Room, user_id: str) -> Room | Refusal:
    """Only the host starts, once; a room of one may start."""
    if room.state is not RoomState.OPEN:
        return Refusal.NOT_OPEN
    if not room.has(user_id):
        return Refusal.NOT_A_MEMBER
    owner = room.owner
    if owner is None or owner.user_id != user_id:
        return Refusal.NOT_THE_OWNER
    return replace(room, state=RoomState.STARTED)


def listed_in_lobby(room: Room, visibility: str) -> bool:
    """The lobby lists open public rooms; a started or private room is not there."""
    return room.state is RoomState.OPEN and visibility == "public" and bool(room.members)
