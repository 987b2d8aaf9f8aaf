"""The two sockets of the frontend, outside the REST prefix as it expects: ``/ws`` (lobby and
waiting room) and ``/ws/game/:id``, and the staff feed ``/ws/admin``. Origin and upgrade rate
limit are checked before the upgrade (``server.middleware``); the session right after it, so a
refusal is a 1008 close that the frontend does not retry. Each socket counts in ``/metrics``
while open and gets an access line (status 101, its whole life's duration) when it ends."""

from __future__ import annotations

import time
from collections.abc import Awaitable

from sanic import Blueprint, Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod import metrics
from server import logs
from server.http import settings_of
from server.middleware import route_of
from server.ratelimit import WS_UPGRADE
from server.realtime import game, lobby, staff

bp = Blueprint("sockets", url_prefix="/ws", strict_slashes=False)
SWITCHED = 101


async def _served(request: Request, kind: str, serving: Awaitable[None]) -> None:
    started = time.perf_counter()
    try:
        with metrics.socket_open(kind):
            await serving
    finally:
        seconds, route = time.perf_counter() - started, route_of(request)
        metrics.request_answered(request.method, route, SWITCHED, seconds)
        if settings_of(request).access_log:
            logs.access(request, SWITCHED, seconds, route)


@bp.websocket("/", ctx_rate_limit=WS_UPGRADE)
async def lobby_socket(request: Request, ws: WebsocketImplProtocol) -> None:
    await _served(request, "lobby", lobby.serve(request, ws))


@bp.websocket("/game/<game_id:str>", ctx_rate_limit=WS_UPGRADE)
async def game_socket(request: Request, ws: WebsocketImplProtocol, game_id: str) -> None:
    await _served(request, "game", game.serve(request, ws, game_id))


@bp.websocket("/admin", ctx_rate_limit=WS_UPGRADE)
async def staff_socket(request: Request, ws: WebsocketImplProtocol) -> None:
    await _served(request, "admin", staff.serve(request, ws))
