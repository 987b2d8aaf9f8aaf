"""The waiting-room socket (``/ws``): the lobby's room list, one's room, its chat and its
start. Each frame becomes one call of ``codincod.games.rooms``; what others must see arrives
through the bus (``server.realtime.hub``)."""

from __future__ import annotations

import asyncio
import logging

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod.games import rooms
from codincod.timeutil import utcnow
from server.http import settings_of
from server.realtime import frames
from server.realtime.connection import Connection
from server.realtime.hub import hub
from server.realtime.session import TOO_FAST, Handler, admit, may_chat, serve_frames
from server.wire import room_dto

log = logging.getLogger("codincod.realtime")


def timing(request: Request) -> rooms.Timing:
    settings = settings_of(request)
    return rooms.Timing(settings.game_countdown_seconds, settings.game_min_duration_seconds)


async def serve(request: Request, ws: WebsocketImplProtocol) -> None:
    conn = await admit(request, ws, tell=False)
    if conn is None:
        return
    actor = conn.actor
    hub.lobby[conn.id] = conn
    try:
        await rooms.touch([actor.id])  # back before the grace ran out: the place is kept
        await hub.send_rooms(conn)
        await serve_frames(request, conn, frames.LOBBY, _handler(request))
    finally:
        hub.lobby.pop(conn.id, None)
        hub.untrack(conn)
        await conn.finish()
        if not hub.in_lobby(actor.id):
            _leave_later(request, actor.id)


def _leave_later(request: Request, user_id: str) -> None:
    """The user's last lobby socket here closed: unless they are back (here or on another
    process) within the grace period, they leave their room."""
    grace = settings_of(request).room_reconnect_grace_seconds
    closed_at = utcnow()

    async def later() -> None:
        await asyncio.sleep(grace)
        if not hub.in_lobby(user_id):
            await rooms.drop_if_gone(user_id, closed_at)

    hub.spawn(later())


def _handler(request: Request) -> Handler:
    async def handle(conn: Connection, frame: frames.Frame) -> None:
        actor = conn.actor
        if isinstance(frame, frames.Host):
            await rooms.host(actor, frame.options or rooms.RoomOptions())
        elif isinstance(frame, frames.RoomChat):
            if not may_chat(actor.id):
                conn.send({"event": "error", "message": TOO_FAST})
                return
            await rooms.chat(actor, frame.roomId, frame.message)
        elif isinstance(frame, frames.ByInvite):
            await _answer_join(conn, await rooms.join_by_invite(actor, frame.inviteCode))
        elif frame.event == "room:join":
            await _answer_join(conn, await rooms.join(actor, frame.roomId))  # type: ignore[attr-defined]
        elif frame.event == "room:leave":
            await rooms.leave(actor, frame.roomId)  # type: ignore[attr-defined]
        elif frame.event == "game:start":
            await _start(conn, frame.roomId, timing(request))  # type: ignore[attr-defined]

    return handle


async def _answer_join(conn: Connection, joined: rooms.Joined) -> None:
    room = joined.room
    if not joined.member:  # a started room: off to its game
        url = f"/multiplayer/{room.game_id}"
        conn.send({"event": "game:start", "gameUrl": url, "startTime": room.game_start})
    elif not joined.changed:  # a rejoin (a reconnect): the page still has the chat
        conn.send({"event": "room:overview", "room": room_dto(room)})
    else:  # a newcomer (the room's overview reaches every member): what was said so far
        for line in await rooms.recent_chat(room.id):
            conn.send({"event": "room:chat-message", **rooms.chat_line(line)})


async def _start(conn: Connection, room_id: str, timing: rooms.Timing) -> None:
    try:
        await rooms.start(conn.actor, room_id, timing)
    except rooms.NoPuzzles as error:
        conn.send({"event": "rooms:not-enough", "message": error.message})
