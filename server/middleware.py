"""Request ids, rate limits and the access log."""

from __future__ import annotations

import os
import re
import time

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

from codincod import ids, metrics
from codincod.accounts import service as accounts
from codincod.bus import bus
from codincod.errors import DomainError, Forbidden, InvalidInput, RateLimited, Unavailable
from server import logs
from server.http import client_address, session_token, settings_of
from server.ratelimit import Limit, Verdict, Windows, windows_for

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _rate_headers(verdict: Verdict) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(verdict.limit),
        "x-ratelimit-remaining": str(verdict.remaining),
        "x-ratelimit-reset": str(verdict.reset_seconds),
    }


UNADDRESSED = "(no client address)"


def _refuse_nul_in_url(request: Request) -> None:
    url = f"{request.path}?{request.query_string}".lower()
    if "%00" in url or "\x00" in url:
        raise InvalidInput(
            "The address contains a NUL character, which no id, name or query can hold",
            title="Bad Request",
        )


async def enforce(request: Request, limit: Limit, key: str) -> None:
    """Count this request against ``limit`` for ``key`` (once per deployment); a 429 once it
    is spent."""
    if not settings_of(request).rate_limit_enabled:
        return
    windows: Windows = request.app.ctx.rate_windows
    verdict = await windows.hit(limit, key)
    request.ctx.rate_headers = _rate_headers(verdict)
    if not verdict.allowed:
        raise RateLimited(
            f"Rate limit exceeded. Please try again in {verdict.reset_seconds} seconds.",
            title="Too Many Requests",
            retry_after=verdict.reset_seconds,
        )


def _check_origin(request: Request) -> None:
    """A socket may be opened from the frontend's origin(s), or by a client that sends none
    (not a browser); a page elsewhere cannot ride a user's cookie into their games."""
    origin = request.headers.get("origin")
    if origin is None or request.headers.get("upgrade", "").lower() != "websocket":
        return
    allowed = {item.strip().rstrip("/") for item in settings_of(request).frontend_url.split(",")}
    if origin.rstrip("/") not in allowed:
        raise Forbidden(f"Origin {origin[:100]} may not open sockets here", title="Forbidden")


def _refuse_sockets_while_draining(request: Request) -> None:
    """A stopping process takes no new socket: the client tries again, elsewhere or later."""
    if request.app.ctx.draining and request.headers.get("upgrade", "").lower() == "websocket":
        raise Unavailable("This server is shutting down: connect again", title="Draining")


def _screen_path_ids(request: Request) -> None:
    """Every ``*_id`` in a path goes through one check before any handler sees it: one that
    cannot be an id becomes an id no row has, so each route answers its own "not found"
    (404), the same as for an unknown id, and no raw segment reaches the database."""
    params = request.match_info
    for name, value in params.items():
        if name.endswith("_id") and isinstance(value, str):
            params[name] = ids.key(value)


READ_ONLY = "read-only session"


def _refuse_writes_of_read_only_sessions(request: Request) -> None:
    """A read-only session may look, not change: every write it sends is refused here, for
    every route at once, whatever the client (routes that start or end a session, marked
    ``ctx_any_session``, excepted)."""
    if request.method not in WRITES:
        return
    if request.route is not None and getattr(request.route.ctx, "any_session", False):
        return
    token = session_token(request)
    if token is None:
        return
    try:
        claims = accounts.claims_of(token, settings_of(request))
    except DomainError:
        return  # no session at all: the route answers as it does for anyone
    if claims.read_only:
        raise Forbidden(
            "This is a read-only session: it may look but not change anything", title=READ_ONLY
        )


async def on_request(request: Request) -> None:
    incoming = request.headers.get("x-request-id", "")
    request.ctx.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else os.urandom(8).hex()
    request.ctx.started = time.perf_counter()
    request.ctx.client, request.ctx.client_known = client_address(request)
    if request.method == "OPTIONS":
        return
    _screen_path_ids(request)
    _refuse_writes_of_read_only_sessions(request)
    _refuse_nul_in_url(request)
    _check_origin(request)
    _refuse_sockets_while_draining(request)
    settings = settings_of(request)
    if not request.ctx.client_known:
        # The frontend's server calls for every browser at once: one shared budget per route.
        shared = getattr(request.route.ctx, "unaddressed_limit", None) if request.route else None
        if shared is not None:
            await enforce(request, shared(settings), UNADDRESSED)
        return
    per_client = Limit("global", settings.rate_limit_per_minute, 60)
    await enforce(request, per_client, request.ctx.client)
    route_limit = getattr(request.route.ctx, "rate_limit", None) if request.route else None
    if route_limit is not None:
        await enforce(request, route_limit, request.ctx.client)


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _may_change_cached(request: Request) -> bool:
    """Routes that change nothing a cache follows (running code, submissions) say so with
    ``ctx_barrier=False``; they need not wait for the bus."""
    return request.route is None or getattr(request.route.ctx, "barrier", True)


async def on_response(request: Request, response: BaseHTTPResponse) -> None:
    if request.method in WRITES and bus.connected and _may_change_cached(request):
        # Read your own writes: the next request of this process sees what this one changed,
        # whatever its caches held (the change's notifications have arrived).
        await bus.barrier()
    request_id = getattr(request.ctx, "request_id", None)
    if request_id:
        response.headers["x-request-id"] = request_id
    for name, value in getattr(request.ctx, "rate_headers", {}).items():
        response.headers.setdefault(name, value)
    started = getattr(request.ctx, "started", None)
    seconds = time.perf_counter() - started if started else 0.0
    status, route = _status_for_the_log(request, response), route_of(request)
    metrics.request_answered(request.method, route, status, seconds)
    if request.app.ctx.settings.access_log:
        logs.access(request, status, seconds, route)


def route_of(request: Request) -> str:
    """The route's template (``/api/v1/puzzle/{id}``), never the path itself: ids stay out of
    the figures."""
    route = request.route
    if route is None:
        return "(no route)"
    template = _TEMPLATES.get(route.path)
    if template is None:
        template = _TEMPLATES[route.path] = "/" + _PARAMETER.sub(r"{\1}", route.path).strip("/")
    return template


_PARAMETER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)(?::[^>]*)?>")
_TEMPLATES: dict[str, str] = {}


def _status_for_the_log(request: Request, response: BaseHTTPResponse) -> int:
    """The status, or 499 (nginx's "client closed request") when the client went away before
    the answer: Sanic cancels the handler and counts it a 500, but nothing failed here."""
    transport = getattr(request, "transport", None)
    if response.status == 500 and (transport is None or transport.is_closing()):
        return 499
    return response.status


def install(app: Sanic) -> None:
    app.ctx.rate_windows = windows_for(app.ctx.settings)
    app.register_middleware(on_request, "request")
    app.register_middleware(on_response, "response")
