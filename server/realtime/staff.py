"""``/ws/admin``: the moderators' live feed of rooms, games, chat, reports, bans and appeals.
Read-only: frames from the client are answered with an error."""

from __future__ import annotations

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from server.realtime.connection import Connection
from server.realtime.hub import hub
from server.realtime.session import refuse, who

MODERATORS_ONLY = "Moderators only"


async def serve(request: Request, ws: WebsocketImplProtocol) -> None:
    actor, why = await who(request)
    if actor is None or not actor.is_moderator:
        await refuse(ws, why or MODERATORS_ONLY, tell=True)
        return
    conn = Connection(ws, actor, None)
    hub.staff[conn.id] = conn
    try:
        conn.send({"event": "feed:open", "username": actor.username})
        while (raw := await ws.recv()) is not None:
            del raw
            conn.send({"event": "error", "message": "This feed is read-only"})
    finally:
        hub.staff.pop(conn.id, None)
        await conn.finish()
