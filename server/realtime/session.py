"""What every socket does: authenticate when it opens, read frames until it closes, check the
session again for every frame (a ban, a logout or an expiry ends the socket at once), and
answer every refusal with an error frame rather than a traceback."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from sanic import Request
from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod.accounts import service as accounts
from codincod.actors import Actor
from codincod.errors import Banned, DomainError
from codincod.games.api import ENDED_BY_PAGE, ENDED_BY_SERVER, LOST
from server.http import session_token, settings_of
from server.realtime import frames
from server.realtime.connection import Connection, Session, close_reason
from server.realtime.hub import MODERATORS_ONLY, Hub, text

log = logging.getLogger("codincod.realtime")
POLICY = 1008  # the frontend stops reconnecting on 1008
AUTH_REQUIRED = "Authentication required"

Handler = Callable[[Connection, frames.Frame], Awaitable[None]]


async def who(request: Request) -> tuple[Actor | None, str]:
    """The socket's user, or None and why not."""
    try:
        return await accounts.authenticate(session_token(request), settings_of(request)), ""
    except Banned as error:
        return None, error.message
    except DomainError:
        return None, AUTH_REQUIRED


READ_ONLY = "read-only session: it may look but not change anything"


def too_many(limit: int) -> str:
    return f"Too many open connections for this account (at most {limit}): close some tabs"


async def admit(
    request: Request, ws: WebsocketImplProtocol, *, staff: bool = False, tell: bool = True
) -> Connection | None:
    """The socket's connection once its session holds (a moderator's, for the staff feed)
    and its user has room for one more socket; else it is closed with 1008 and the reason
    (``tell``: an error frame first) and None."""
    actor, why = await who(request)
    if actor is not None and staff and not actor.is_moderator:
        actor, why = None, MODERATORS_ONLY
    if actor is None:
        await refuse(ws, why, tell=tell or why != AUTH_REQUIRED)
        return None
    hub: Hub = request.app.ctx.hub
    limit = settings_of(request).sockets_per_user
    if hub.open_sockets(actor.id) >= limit:
        await refuse(ws, too_many(limit), tell=True)
        return None
    claims = accounts.claims_of(session_token(request) or "", settings_of(request))
    session = Session(claims.token_id, claims.expires_at, staff, claims.read_only)
    conn = Connection(ws, actor, session)
    hub.track(conn)
    return conn


async def refuse(ws: WebsocketImplProtocol, reason: str, *, tell: bool) -> None:
    """Close with 1008; ``tell`` sends the reason as an error frame first (the game page
    shows it)."""
    if tell:
        await ws.send(text("error", message=reason))
    await ws.close(code=POLICY, reason=close_reason(reason))


RECHECK_SECONDS = 1.0


async def still_allowed(request: Request, conn: Connection) -> bool:
    """The session behind the socket still holds (checked again when a frame comes more
    than a second after the last check); otherwise the socket is closed."""
    if time.monotonic() - conn.checked_at < RECHECK_SECONDS:
        return True
    actor, why = await who(request)
    if actor is not None and actor.id == conn.actor.id:
        conn.actor = actor  # a new name or role applies at once
        conn.checked_at = time.monotonic()
        return True
    conn.send({"event": "error", "message": why or AUTH_REQUIRED})
    await conn.close(POLICY, why or AUTH_REQUIRED)
    return False


async def serve_frames(
    request: Request, conn: Connection, schemas: dict[str, type[frames.Frame]], handle: Handler
) -> None:
    while True:
        raw = await conn.ws.recv()
        if raw is None or conn.closed:
            return
        if not conn.frames.take():
            conn.send({"event": "error", "message": "Too many messages: slow down"})
            continue
        try:
            frame = frames.parse(raw, schemas)
        except frames.Refused as refused:
            conn.send({"event": "error", "message": refused.message})
            continue
        if not await still_allowed(request, conn):
            return
        if conn.session.read_only and frame.event not in frames.READS:
            conn.send({"event": "error", "message": READ_ONLY})
            continue
        try:
            await handle(conn, frame)
        except DomainError as error:
            conn.send({"event": "error", "message": error.message})
        except Exception:
            log.exception("socket event %s of %s failed", frame.event, conn.actor.username)
            conn.send({"event": "error", "message": "Something went wrong; try again"})


TOO_FAST = "You are sending messages too fast: wait a moment"


def how_it_ended(ws: WebsocketImplProtocol) -> str:
    """Who closed the socket: the page (a close frame first from the browser), the server,
    or nobody (the connection was lost)."""
    protocol = ws.ws_proto
    if protocol.close_rcvd is not None and protocol.close_rcvd_then_sent:
        return ENDED_BY_PAGE
    if protocol.close_sent is not None:
        return ENDED_BY_SERVER
    return LOST
