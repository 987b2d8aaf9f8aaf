"""What each socket of a game is told, decided in one call: the greeting when it opens, the
overview after a change, the chat so far, and who hears a chat line. The transport keeps the
sockets and encodes these messages; the rules of who sees what live here.

A socket's listener remembers what it was told (whether it plays, has had the puzzle, was told
the game is over); each call reads the game once for all the listeners it tells.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from codincod.actors import Actor
from codincod.games import events, lifecycle, play, rooms
from codincod.puzzles import service as puzzles
from codincod.puzzles.service import PuzzleView

log = logging.getLogger("codincod.games")
NOT_A_PLAYER = "User not in this game"


class Listener(Protocol):
    """One socket of a game, as the rules see it."""

    @property
    def user_id(self) -> str: ...

    plays: bool
    has_puzzle: bool
    told_finished: bool


L = TypeVar("L", bound=Listener)


# --- the messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    view: play.GameView
    puzzle: PuzzleView | None = None  # a player's first overview once the game runs


@dataclass(frozen=True)
class Finished:
    view: play.GameView


@dataclass(frozen=True)
class ChatLine:
    line: dict[str, Any]  # {_id, username, message, createdAt}


@dataclass(frozen=True)
class LanguageChosen:
    username: str
    language: str


@dataclass(frozen=True)
class Refused:
    message: str


Message = Overview | Finished | ChatLine | LanguageChosen | Refused


@dataclass(frozen=True)
class Greeting:
    messages: list[Message]
    # When this process should tell the game's sockets again: the countdown's end (the
    # players get the puzzle) and the end of the grace (the game is over).
    wake_at: dict[str, datetime] = field(default_factory=dict)


# --- the calls ------------------------------------------------------------------------------


async def greeting(game_id: str, listener: Listener) -> Greeting | None:
    """What a socket gets when it opens: the game (with the puzzle for a player once it
    runs), and for a player whose page is new, the chat so far and each player's language.
    A player's arrival is kept for replays. None: no such game."""
    view = await play.load(game_id)
    if view is None:
        return None
    listener.plays = view.plays(listener.user_id)
    replay = listener.plays and not await play.page_kept_its_chat(view.game.id, listener.user_id)
    if listener.plays:  # kept before anything is sent: the socket may go any moment
        await play.record_presence(view.game.id, listener.user_id, "join")
    messages = [message] if (message := await _State(view).of(listener)) else []
    if not listener.plays and view.phase is not lifecycle.GamePhase.OVER:
        messages.append(Refused(NOT_A_PLAYER))
    if replay:
        messages += await catch_up(view.game.id)
    return Greeting(messages, _wake_at(view))


def _wake_at(view: play.GameView) -> dict[str, datetime]:
    wake: dict[str, datetime] = {}
    if view.phase is lifecycle.GamePhase.COUNTDOWN:
        wake["start"] = view.game.start_time
    if view.phase is not lifecycle.GamePhase.OVER:
        wake["end"] = view.game.end_time + lifecycle.GRACE
    return wake


async def refresh(game_id: str, listeners: Sequence[L]) -> list[tuple[L, Message]]:
    """The game's state for each listener, read once: the overview (with the puzzle for a
    player who has not had it, once the game runs), or, once the game is over, the end
    (told once per socket)."""
    view = await play.load(game_id) if listeners else None
    if view is None:
        return []
    state = _State(view)
    told: list[tuple[L, Message]] = []
    for listener in listeners:
        if (message := await state.of(listener)) is not None:
            told.append((listener, message))
    return told


class _State:
    """A game's state as each of its sockets is told it, from one read: one object per
    message (the transport encodes each once), the puzzle read once for all the players."""

    def __init__(self, view: play.GameView) -> None:
        self.view = view
        self.overview, self.finished = Overview(view), Finished(view)
        self._with_puzzle: Overview | None = None
        self._puzzle_read = False

    async def of(self, listener: Listener) -> Message | None:
        if self.view.phase is lifecycle.GamePhase.OVER:
            if listener.told_finished:
                return None
            listener.told_finished = True
            return self.finished
        if _wants_puzzle(listener, self.view) and (with_puzzle := await self._puzzle()):
            listener.has_puzzle = True
            return with_puzzle
        return self.overview

    async def _puzzle(self) -> Overview | None:
        if not self._puzzle_read:
            self._puzzle_read = True
            puzzle = await _puzzle(self.view)
            self._with_puzzle = Overview(self.view, puzzle) if puzzle is not None else None
        return self._with_puzzle


def _wants_puzzle(listener: Listener, view: play.GameView) -> bool:
    running = lifecycle.accepts_hand_ins(view.phase)
    return running and not listener.has_puzzle and view.plays(listener.user_id)


async def _puzzle(view: play.GameView) -> PuzzleView | None:
    try:
        return await puzzles.view(None, view.game.puzzle_id)
    except Exception:  # taken down mid-game: the players keep the rest of the game
        log.warning("the puzzle of game %s cannot be shown", view.game.id)
        return None


async def catch_up(game_id: str) -> list[Message]:
    """The chat so far and each player's language: what a player's new page is missing."""
    lines: list[Message] = [ChatLine(line) for line in await play.recent_chat(game_id)]
    chosen = await play.languages(game_id)
    return lines + [LanguageChosen(name, language) for name, language in chosen.items()]


def hears_talk(listener: Listener) -> bool:
    """Chat and languages are the players' own: watchers see the game, not its talk."""
    return listener.plays


async def join_pressed(actor: Actor, game_id: str, listener: Listener) -> list[Message]:
    """A socket's ``game:join``: a watcher takes a seat while the game is on and gets the chat
    so far, once; a player pressing it again gets the standings."""
    added = await play.join_late(actor, game_id)
    was_playing, listener.plays = listener.plays, True
    messages = await catch_up(game_id) if added or not was_playing else []
    if not added:
        messages += [message for _, message in await refresh(game_id, [listener])]
    return messages


# --- the lobby ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomList:
    rooms: list[tuple[str, int]]  # open public rooms with their member counts


@dataclass(frozen=True)
class RoomOverview:
    room: rooms.RoomView


@dataclass(frozen=True)
class RoomChatLine:
    line: dict[str, Any]  # {username, message, createdAt}


@dataclass(frozen=True)
class GameStarting:
    game_url: str
    start_time: Any  # a datetime, or its text as the bus carried it


LobbyMessage = RoomList | RoomOverview | RoomChatLine | GameStarting


async def room_list() -> RoomList:
    return RoomList(await rooms.lobby())


async def room_news(
    kind: str, room_id: str, event: dict[str, Any]
) -> tuple[set[str], LobbyMessage] | None:
    """Who of a room hears one of its events (its members), and what; None: nobody."""
    room = await rooms.view(room_id)
    if room is None or not room.members:
        return None
    audience = {member.user_id for member in room.members}
    if kind == events.ROOM and room.state == lifecycle.RoomState.OPEN:
        return audience, RoomOverview(room)
    if kind == events.ROOM_CHAT:
        return audience, RoomChatLine(event["message"])
    if kind == events.ROOM_START:
        return audience, GameStarting(event["gameUrl"], event["startTime"])
    return None


async def missed_in_lobby(
    user_ids: list[str], since: datetime
) -> list[tuple[set[str], LobbyMessage]]:
    """What lobby users who heard nothing since ``since`` (their process lost its events) are
    told: each open room they are in afresh, and the games their rooms started meanwhile."""
    news: list[tuple[set[str], LobbyMessage]] = []
    for room_id in await rooms.rooms_of(user_ids):
        room = await rooms.view(room_id)
        if room is None or not room.members:
            continue
        audience = {member.user_id for member in room.members}
        if room.state == lifecycle.RoomState.OPEN:
            news.append((audience, RoomOverview(room)))
        elif room.game_id and room.game_start is not None and room.game_start >= since:
            news.append((audience, GameStarting(f"/multiplayer/{room.game_id}", room.game_start)))
    return news


async def on_joining(joined: rooms.Joined) -> list[LobbyMessage]:
    """What the joiner's socket is told: a started room sends them to its game; a rejoin (a
    reconnect) gets the room (the page still has the chat); a newcomer gets what was said so
    far (the room's overview reaches every member through the room's news)."""
    room = joined.room
    if not joined.member:
        return [GameStarting(f"/multiplayer/{room.game_id}", room.game_start)]
    if not joined.changed:
        return [RoomOverview(room)]
    return [RoomChatLine(rooms.chat_line(line)) for line in await rooms.recent_chat(room.id)]


# --- what the bus brings --------------------------------------------------------------------


def talk_in(event: dict[str, Any]) -> Message | None:
    """A game event that only the players hear (``hears_talk``), as it is told; None for the
    others."""
    if event["kind"] == events.CHAT:
        return ChatLine(event["message"])
    if event["kind"] == events.LANGUAGE:
        return LanguageChosen(event["username"], event["language"])
    return None


def changes_game(event: dict[str, Any]) -> bool:
    """Whether every socket of the game is to be told its state again (``refresh``)."""
    return event["kind"] in (events.OVERVIEW, events.FINISHED)


def changes_room_list(event: dict[str, Any]) -> bool:
    return bool(event["kind"] == events.ROOMS)


_STAFF_NAMES = {
    events.ROOM: "room:changed",
    events.ROOMS: "rooms:changed",
    events.ROOM_START: "game:started",
    events.OVERVIEW: "game:changed",
    events.CHAT: "chat:message",
    events.FINISHED: "game:finished",
}
_ROOM_CHANGES = {
    "created": "room:created",
    "joined": "player:joined",
    "left": "player:left",
    "closed": "room:closed",
}


def staff_news(event: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """What moderators watching the live feed hear of a room or game event: its name there
    and its fields; None: nothing (a language change is the players' own)."""
    name = _STAFF_NAMES.get(event["kind"])
    if event["kind"] == events.ROOM:
        name = _ROOM_CHANGES.get(event.get("change", ""), name)
    if name is None:
        return None
    return name, {key: value for key, value in event.items() if key != "kind"}
