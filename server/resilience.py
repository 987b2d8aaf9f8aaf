"""A request whose database connection drops under it (PostgreSQL restarted, a connection
killed) is run again once, on a fresh connection, where running it twice is safe: reads, and
the writes a route declares idempotent (``ctx_idempotent=True``: logout). Anything else, or a
second failure, answers 503 (``server.errors``), never 500, and never a success that did not
happen."""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from sanic import Request, Sanic

from codincod import db
from server.errors import is_connection_failure

log = logging.getLogger("codincod.server")
SAFE_METHODS = frozenset({"GET", "HEAD"})


def _may_run_twice(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return True
    return bool(request.route and getattr(request.route.ctx, "idempotent", False))


def _retrying(handler: Any) -> Any:
    @wraps(handler)
    async def run(request: Request, *args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(request, *args, **kwargs)
        except Exception as error:
            if not (is_connection_failure(error) and _may_run_twice(request)):
                raise
            log.info(
                "database connection dropped under %s %s [rid=%s]; running it again",
                request.method,
                request.path,
                getattr(request.ctx, "request_id", "-"),
            )
            await db.forget_pooled_connections()
            return await handler(request, *args, **kwargs)

    return run


def retry_dropped_connections(app: Sanic) -> None:
    """Wrap every HTTP route's handler (sockets keep their own error handling)."""
    for route in app.router.routes:
        if not route.extra.websocket:
            route.handler = _retrying(route.handler)
