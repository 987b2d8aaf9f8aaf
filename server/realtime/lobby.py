"""The waiting-room socket (``/ws``): the lobby's room list, one's room, its chat and its
start. Each frame becomes one call of ``codincod.games.api``; what others must see arrives
through the bus (``server.realtime.hub``)."""

from __future__ import annotations

import asyncio
import logging

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod.games import api as games
from codincod.timeutil import utcnow
from server.http import settings_of
from server.realtime import frames
from server.realtime.connection import Connection
from server.realtime.hub import Hub
from server.realtime.outgoing import lobby_frame
from server.realtime.session import TOO_FAST, Handler, admit, serve_frames

log = logging.getLogger("codincod.realtime")


def timing(request: Request) -> games.Timing:
    settings = settings_of(request)
    return games.Timing(settings.game_countdown_seconds, settings.game_min_duration_seconds)


async def serve(request: Request, ws: WebsocketImplProtocol) -> None:
    hub: Hub = request.app.ctx.hub
    conn = await admit(request, ws, tell=False)
    if conn is None:
        return
    actor = conn.actor
    hub.lobby[conn.id] = conn
    try:
        await games.touch([actor.id])  # back before the grace ran out: the place is kept
        await hub.send_rooms(conn)
        await serve_frames(request, conn, frames.LOBBY, _handler(request, hub))
    finally:
        hub.lobby.pop(conn.id, None)
        hub.untrack(conn)
        await conn.finish()
        if not hub.in_lobby(actor.id):
            _leave_later(request, hub, actor.id)


def _leave_later(request: Request, hub: Hub, user_id: str) -> None:
    """The user's last lobby socket here closed: unless they are back (here or on another
    process) within the grace period, they leave their room."""
    grace = settings_of(request).room_reconnect_grace_seconds
    closed_at = utcnow()

    async def later() -> None:
        await asyncio.sleep(grace)
        if not hub.in_lobby(user_id):
            await games.drop_if_gone(user_id, closed_at)

    hub.spawn(later())


def _handler(request: Request, hub: Hub) -> Handler:
    async def handle(conn: Connection, frame: frames.Frame) -> None:
        actor = conn.actor
        if isinstance(frame, frames.Host):
            await games.host(actor, frame.options or games.RoomOptions())
        elif isinstance(frame, frames.RoomChat):
            if not await hub.may_chat(actor.id):
                conn.send({"event": "error", "message": TOO_FAST})
                return
            await games.room_chat(actor, frame.roomId, frame.message)
        elif isinstance(frame, frames.ByInvite):
            await _answer_join(conn, await games.join_by_invite(actor, frame.inviteCode))
        elif isinstance(frame, frames.RoomJoin):
            await _answer_join(conn, await games.join(actor, frame.roomId))
        elif isinstance(frame, frames.RoomLeave):
            await games.leave(actor, frame.roomId)
        elif isinstance(frame, frames.GameStart):
            await _start(conn, frame.roomId, timing(request))

    return handle


async def _answer_join(conn: Connection, joined: games.Joined) -> None:
    for message in await games.on_joining(joined):
        conn.send(lobby_frame(message))


async def _start(conn: Connection, room_id: str, timing: games.Timing) -> None:
    try:
        await games.start(conn.actor, room_id, timing)
    except games.NoPuzzles as error:
        conn.send({"event": "rooms:not-enough", "message": error.message})
