"""``GET /metrics``: the Prometheus figures of every process of this server, for a scraper
holding the operator's token (off, 404, when no token is configured)."""

from __future__ import annotations

import hmac

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from codincod import metrics
from codincod.errors import NotFound, Unauthenticated
from codincod.games import api as games
from server.http import settings_of
from server.openapi import described

bp = Blueprint("metrics", url_prefix="/metrics", strict_slashes=False)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@bp.get("/")
@described({200: bytes})
async def scrape(request: Request) -> HTTPResponse:
    """Prometheus's text format; needs ``Authorization: Bearer`` with the metrics token."""
    token = settings_of(request).metrics_token
    if not token:
        raise NotFound(
            "Metrics are off: set CODINCOD_METRICS_TOKEN to serve them", title="Not Found"
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), token):
        raise Unauthenticated(
            "Send Authorization: Bearer <the metrics token>", title="Unauthorized"
        )
    rooms, live = await games.live_counts()
    return raw(metrics.scrape(rooms, live), content_type=CONTENT_TYPE)
