"""A banned user's appeal of their ban. A ban refuses its user a session, so besides a session
(banned or not), both routes take the account's credentials: in the body to appeal, as HTTP
Basic to follow it; checked and limited as a login (``server.logins``)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.accounts import service as accounts
from codincod.accounts.schemas import Credentials
from codincod.actors import Actor
from codincod.moderation import appeals
from codincod.validation import parse
from server import logins, shapes
from server.http import banned_actor, json_body, session_token
from server.middleware import enforce
from server.openapi import described
from server.ratelimit import LOGIN
from server.wire import appeal_dto, reply

bp = Blueprint("appeals", url_prefix="/api/v1/appeal", strict_slashes=False)


async def _by_credentials(request: Request, credentials: Credentials) -> Actor:
    if request.ctx.client_known:  # the login's own per-address budget
        await enforce(request, LOGIN, request.ctx.client)
    await logins.limit_tries(request, credentials.identifier)
    return accounts.actor_of(await accounts.check_credentials(credentials))


@bp.post("/")
@described({201: shapes.Appeal}, body=appeals.AppealWithCredentials, auth="optional")
async def file_appeal(request: Request) -> HTTPResponse:
    """Appeal one's current ban, once per ban: with a session (``{reason}``), or without one
    as ``{identifier, password, reason}`` (401 for wrong credentials)."""
    body = json_body(request)
    with_credentials = isinstance(body, dict) and ("identifier" in body or "password" in body)
    if not with_credentials:  # a session's appeal (none: 401 saying what to send)
        who = await banned_actor(request)
        reason = parse(appeals.AppealCreate, body).reason
    else:
        wanted = parse(appeals.AppealWithCredentials, body)
        who = await _by_credentials(
            request, Credentials(identifier=wanted.identifier, password=wanted.password)
        )
        reason = wanted.reason
    return reply(appeal_dto(await appeals.file(who, reason)), status=201)


@bp.get("/mine")
@described({200: shapes.Appeal}, auth="optional")
async def my_appeal(request: Request) -> HTTPResponse:
    """One's latest appeal and where it stands: with a session, or with HTTP Basic
    (username or email, password)."""
    if session_token(request) is not None:
        who = await banned_actor(request)
    else:
        who = await _by_credentials(request, logins.basic_credentials(request))
    return reply(appeal_dto(await appeals.mine(who)))
