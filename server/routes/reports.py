from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.moderation import reports
from codincod.moderation.reports import ReportCreate
from server import shapes
from server.http import actor, body_as
from server.openapi import described
from server.wire import reply, report_dto

bp = Blueprint("reports", url_prefix="/api/v1/report", strict_slashes=False)


@bp.post("/")
@described({201: shapes.Report}, body=ReportCreate, auth="required")
async def create_report(request: Request) -> HTTPResponse:
    """Report a puzzle, user, comment or chat message to the moderators."""
    who = await actor(request)
    report = await reports.create(who, body_as(request, ReportCreate))
    return reply(report_dto(report), status=201)
