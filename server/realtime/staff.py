"""``/ws/admin``: the moderators' live feed of rooms, games, chat, reports, bans and appeals.
Read-only: frames from the client are answered with an error."""

from __future__ import annotations

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from server.realtime.hub import Hub
from server.realtime.session import admit


async def serve(request: Request, ws: WebsocketImplProtocol) -> None:
    hub: Hub = request.app.ctx.hub
    conn = await admit(request, ws, staff=True)
    if conn is None:
        return
    hub.staff[conn.id] = conn
    try:
        conn.send({"event": "feed:open", "username": conn.actor.username})
        while (raw := await ws.recv()) is not None:
            del raw
            conn.send({"event": "error", "message": "This feed is read-only"})
    finally:
        hub.staff.pop(conn.id, None)
        hub.untrack(conn)
        await conn.finish()
