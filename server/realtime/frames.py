"""Incoming frames: one JSON object per frame with an ``event`` naming what the client asks,
validated against that event's schema. Anything else is answered with an error frame naming
what was wrong (the frontend only logs it); nothing a client sends raises."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import Field, ValidationError

from codincod.games.api import RoomOptions
from codincod.validation import Schema, issues
from server.http import refuse_nul

PARSE_FAILED = "parsing message failed"
MAX_FRAME_BYTES = 64 * 1024  # a frame is one small JSON object


class Frame(Schema):
    event: str


class Host(Frame):
    options: RoomOptions | None = None


class InRoom(Frame):
    # Any short text: a malformed id is "Room <id> not found", which makes the frontend drop
    # the ?roomId it keeps sending on every reconnect.
    roomId: Annotated[str, Field(min_length=1, max_length=64)]


class RoomJoin(InRoom):
    pass


class RoomLeave(InRoom):
    pass


class GameStart(InRoom):
    pass


class ByInvite(Frame):
    inviteCode: Annotated[str, Field(pattern=r"^[A-Z0-9]{6}$")]


class RoomChat(InRoom):
    message: Annotated[str, Field(min_length=1, max_length=500)]


class ChatLine(Schema):
    message: Annotated[str, Field(min_length=1, max_length=160)]


class GameChat(Frame):
    chatMessage: ChatLine


class Language(Frame):
    language: Annotated[str, Field(max_length=64)]


class GameJoin(Frame):
    """A watcher takes a seat (or a player asks for the standings again)."""


class Submitted(Frame):
    """The page handed in over HTTP: it asks for the standings again."""


LOBBY: dict[str, type[Frame]] = {
    "room:host": Host,
    "room:join": RoomJoin,
    "room:join-by-invite": ByInvite,
    "room:leave": RoomLeave,
    "game:start": GameStart,
    "room:chat-message": RoomChat,
}
GAME: dict[str, type[Frame]] = {
    "game:join": GameJoin,
    "language:change": Language,
    "message:send": GameChat,
    "player:submitted": Submitted,
}


# What a read-only session may still send: asking again for what it already sees.
READS = frozenset({"player:submitted"})


class Refused(Exception):
    """A frame that cannot be served; ``message`` is what the client is told."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse(raw: str | bytes, schemas: dict[str, type[Frame]]) -> Frame:
    if len(raw) > MAX_FRAME_BYTES:
        raise Refused(f"{PARSE_FAILED}: a frame is at most {MAX_FRAME_BYTES} bytes")
    data = _json(raw)
    event = data.get("event")
    schema = schemas.get(event) if isinstance(event, str) else None
    if schema is None:
        raise Refused(f"{PARSE_FAILED}: unknown event {str(event)[:64]!r}")
    try:
        refuse_nul(data)
        return schema.model_validate(data)
    except ValidationError as error:
        first = issues(error)[0]
        raise Refused(f"{PARSE_FAILED}: {first['path']}: {first['message']}") from error
    except Exception as error:  # NUL in a text: InvalidInput
        raise Refused(f"{PARSE_FAILED}: {error}") from error


def _json(raw: str | bytes) -> dict[str, Any]:
    if isinstance(raw, bytes | bytearray):  # Node read binary frames as UTF-8 too
        try:
            raw = bytes(raw).decode()
        except UnicodeDecodeError as error:
            raise Refused("unable to convert, unsupported raw message type") from error
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise Refused(f"{PARSE_FAILED}: not JSON ({error.msg} at {error.pos})") from error
    if not isinstance(data, dict):
        raise Refused(f"{PARSE_FAILED}: a frame is a JSON object with an event")
    return data
