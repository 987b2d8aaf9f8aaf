"""Running code: languages, the play page's "run" and submissions."""

from __future__ import annotations

import time

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.execution import languages, runs
from codincod.execution.executor import Executor, Limits
from codincod.execution.schemas import ExecuteRequest
from codincod.games import api as games
from codincod.submissions import service as submissions
from codincod.submissions.service import SubmissionCreate
from server import shapes
from server.http import actor, body_as
from server.openapi import described
from server.ratelimit import EXECUTE, SUBMIT
from server.wire import execution_dto, language_dto, reply, submission_dto, submitted_dto

bp = Blueprint("execution", url_prefix="/api/v1", strict_slashes=False)


def executor_of(request: Request) -> Executor:
    return request.app.ctx.executor


def limits_of(request: Request) -> Limits:
    return request.app.ctx.run_limits


@bp.get("/programming-language")
@described({200: shapes.Languages})
async def list_languages(request: Request) -> HTTPResponse:
    """The languages code can run in now, by name, newest version first."""
    rows = await languages.installed(executor_of(request))
    return reply({"languages": [language_dto(row) for row in rows]})


@bp.get("/programming-language/<language_id:str>")
@described({200: shapes.Language})
async def get_language(request: Request, language_id: str) -> HTTPResponse:
    return reply(language_dto(await languages.find(language_id)))


@bp.post("/execute", ctx_rate_limit=EXECUTE, ctx_barrier=False)
@described({200: shapes.Execution}, body=ExecuteRequest, auth="required")
async def execute(request: Request) -> HTTPResponse:
    """Run code on one test input; nothing is stored."""
    acting = await actor(request)
    wanted = body_as(request, ExecuteRequest)
    ran = await runs.run_test(executor_of(request), wanted, limits_of(request), owner=acting.id)
    return reply(execution_dto(ran.execution, ran.verdict))


@bp.post("/submission", ctx_rate_limit=SUBMIT, ctx_barrier=False)
@described({201: shapes.Submitted}, body=SubmissionCreate, auth="required")
async def submit(request: Request) -> HTTPResponse:
    """Judge code against every validator of a puzzle and keep the result."""
    who = await actor(request)
    data = body_as(request, SubmissionCreate)
    done = await submissions.submit(who, data, executor_of(request), limits_of(request))
    total_ms = (time.perf_counter() - request.ctx.started) * 1000
    # How long the executor took, and everything else: the overhead is app minus exec.
    timing = f"exec;dur={done.executor_ms:.2f}, app;dur={total_ms:.2f}"
    body = submitted_dto(done.submission, done.language, done.verdict)
    return reply(body, status=201, headers={"Server-Timing": timing})


@bp.post("/submission/game", ctx_barrier=False)
@described({201: shapes.HandedIn}, body=games.HandIn, auth="required")
async def hand_in_to_game(request: Request) -> HTTPResponse:
    """Hand a judged submission in to a running game the actor plays in."""
    who = await actor(request)
    done = await games.hand_in(who, body_as(request, games.HandIn))
    body = {
        "success": True,
        "message": "Submission successfully added to game",
        "game": {"id": done.game.id, "status": done.status, "playerCount": done.player_count},
    }
    if done.position is not None:
        body["leaderboardPosition"] = done.position
    return reply(body, status=201)


@bp.get("/submission/<submission_id:str>")
@described({200: shapes.Submission}, auth="required")
async def get_submission(request: Request, submission_id: str) -> HTTPResponse:
    found = await games.view_submission(await actor(request), submission_id)
    return reply(submission_dto(found.submission, found.shows_code))
