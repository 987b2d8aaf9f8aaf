from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod import db
from codincod.execution.choice import describe, reachable
from server import shapes
from server.openapi import described
from server.wire import reply

bp = Blueprint("health", url_prefix="/api/v1/health", strict_slashes=False)


@bp.get("/")
@described({200: shapes.Health})
async def liveness(request: Request) -> HTTPResponse:
    """The process is up (no dependency is checked)."""
    return reply({"status": "OK"})


@bp.get("/live")
@described({200: shapes.Health})
async def live(request: Request) -> HTTPResponse:
    """The process answers (no dependency is checked): for an orchestrator's liveness probe."""
    return reply({"status": "OK"})


@bp.get("/ready")
@described({200: shapes.Readiness, 503: shapes.Readiness})
async def readiness(request: Request) -> HTTPResponse:
    """The process takes new clients: it is not stopping, the database answers and the
    executor can run code. A load balancer sends clients only to ready processes."""
    if getattr(request.app.ctx, "draining", False):
        return reply({"status": "draining"}, 503)
    try:
        await db.ping()
    except Exception as error:  # any failure to reach the database means "not ready"
        body = {"status": "unavailable", "database": "unreachable", "error": type(error).__name__}
        return reply(body, 503)
    executor = request.app.ctx.executor
    runner = describe(executor)
    if not await reachable(executor):
        return reply({"status": "unavailable", "database": "OK", "executor": runner}, 503)
    return reply({"status": "OK", "database": "OK", "executor": runner})
