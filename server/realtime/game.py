"""The game socket (``/ws/game/:id``). Anyone signed in may watch; players chat and change
language, watchers may ``game:join`` while the game is on. Each frame becomes one call of
``codincod.games.api``; what the others see arrives through the bus."""

from __future__ import annotations

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod.games import api as games
from server.realtime import frames
from server.realtime.connection import Connection
from server.realtime.hub import Hub
from server.realtime.session import POLICY, TOO_FAST, Handler, admit, how_it_ended, serve_frames

GAME_NOT_FOUND = "Game not found"


async def serve(request: Request, ws: WebsocketImplProtocol, game_id: str) -> None:
    hub: Hub = request.app.ctx.hub
    conn = await admit(request, ws)
    if conn is None:
        return
    game_id = game_id.lower()
    hub.enter_game(conn, game_id)  # first: no event after the greeting's read is missed
    try:
        if not await hub.greet(conn, game_id):
            conn.send({"event": "game:nonexistent", "message": GAME_NOT_FOUND})
            await conn.close(POLICY, GAME_NOT_FOUND)
            return
        await serve_frames(request, conn, frames.GAME, _handler(hub, game_id))
    finally:
        if conn.plays:  # on its own task: this one is cancelled when the connection goes
            ended = how_it_ended(ws)
            hub.spawn(games.record_presence(game_id, conn.user_id, "leave", ended))
        hub.leave_game(conn, game_id)
        hub.untrack(conn)
        await conn.finish()


def _handler(hub: Hub, game_id: str) -> Handler:
    async def handle(conn: Connection, frame: frames.Frame) -> None:
        actor = conn.actor
        if isinstance(frame, frames.GameChat):
            if not await hub.may_chat(actor.id):
                conn.send({"event": "error", "message": TOO_FAST})
                return
            await games.chat(actor, game_id, frame.chatMessage.message, known_player=conn.plays)
        elif isinstance(frame, frames.Language):
            if frame.language:
                await games.change_language(actor, game_id, frame.language, known_player=conn.plays)
        elif isinstance(frame, frames.GameJoin):
            hub.tell(conn, await games.join_pressed(actor, game_id, conn))
        elif isinstance(frame, frames.Submitted):
            # The hand-in itself came over HTTP and every socket of the game got the new
            # standings then; this socket may have missed them while reconnecting.
            await hub.refresh_game(game_id, only=conn)

    return handle
