"""The two sockets of the frontend, outside the REST prefix as it expects: ``/ws`` (lobby and
waiting room) and ``/ws/game/:id``. Origin and upgrade rate limit are checked before the
upgrade (``server.middleware``); the session right after it, so a refusal is a 1008 close
that the frontend does not retry."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from server.ratelimit import WS_UPGRADE
from server.realtime import game, lobby, staff

bp = Blueprint("sockets", url_prefix="/ws", strict_slashes=False)


@bp.websocket("/", ctx_rate_limit=WS_UPGRADE)
async def lobby_socket(request: Request, ws: WebsocketImplProtocol) -> None:
    await lobby.serve(request, ws)


@bp.websocket("/game/<game_id:str>", ctx_rate_limit=WS_UPGRADE)
async def game_socket(request: Request, ws: WebsocketImplProtocol, game_id: str) -> None:
    await game.serve(request, ws, game_id)


@bp.websocket("/admin", ctx_rate_limit=WS_UPGRADE)
async def staff_socket(request: Request, ws: WebsocketImplProtocol) -> None:
    await staff.serve(request, ws)
