"""What rooms and games announce, through the bus, once a change is committed.

Two channels: the lobby's (rooms listed, a room's members, its chat, a start) and the games'
(an overview to re-read, a chat line, a language, the finish). Payloads stay small: ids and
short texts. Whoever holds sockets reads anything larger from the database, once per process.
Every game event names its game, so a process hands it only to that game's sockets.
"""

from __future__ import annotations

from typing import Any

import orjson

from codincod.bus import bus

LOBBY = "codincod_lobby"
GAMES = "codincod_games"

# kinds on LOBBY
ROOMS = "rooms"  # the list of open public rooms changed
ROOM = "room"  # a room's members changed: {room}
ROOM_CHAT = "room-chat"  # {room, message: {username, message, createdAt}}
ROOM_START = "room-start"  # {room, gameUrl, startTime}

# kinds on GAMES
OVERVIEW = "overview"  # players or hand-ins changed: {game}
CHAT = "chat"  # {game, message: {_id, username, message, createdAt}}
LANGUAGE = "language"  # {game, username, language}
FINISHED = "finished"  # {game}


def encode(kind: str, **fields: Any) -> str:
    return orjson.dumps({"kind": kind, **fields}, option=orjson.OPT_UTC_Z).decode()


def decode(payload: str) -> dict[str, Any] | None:
    try:
        event = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return event if isinstance(event, dict) and isinstance(event.get("kind"), str) else None


async def lobby(kind: str, **fields: Any) -> None:
    await bus.publish(LOBBY, encode(kind, **fields))


async def game(kind: str, game_id: str, **fields: Any) -> None:
    await bus.publish(GAMES, encode(kind, game=game_id, **fields))
