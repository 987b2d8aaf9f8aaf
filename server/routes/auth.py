from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.accounts import service as accounts
from codincod.accounts.schemas import Credentials, Registration
from server import logins, shapes
from server.http import (
    actor,
    body_as,
    cleared_cookie,
    session_cookie,
    session_token,
    settings_of,
)
from server.openapi import described
from server.ratelimit import LOGIN, REGISTER, register_unaddressed
from server.wire import reply

bp = Blueprint("auth", url_prefix="/api/v1", strict_slashes=False)


@bp.post(
    "/register",
    ctx_rate_limit=REGISTER,
    ctx_unaddressed_limit=register_unaddressed,
    ctx_any_session=True,
)
@described({200: shapes.Message}, body=Registration)
async def register(request: Request) -> HTTPResponse:
    """Create an account and start a session (``Set-Cookie: token=...``)."""
    settings = settings_of(request)
    user = await accounts.register(body_as(request, Registration), settings)
    token = accounts.issue_token(user, settings)
    return reply(
        {"message": "User registered successfully"},
        headers={"Set-Cookie": session_cookie(settings, token)},
    )


@bp.post("/login", ctx_rate_limit=LOGIN, ctx_any_session=True)
@described({200: shapes.Message}, body=Credentials)
async def login(request: Request) -> HTTPResponse:
    """Start a session with a username or email and a password (``"scope": "read"``: a
    read-only session). A banned user is told so (403 with ``banDetails``) and how to
    appeal."""
    settings = settings_of(request)
    credentials = body_as(request, Credentials)
    await logins.limit_tries(request, credentials.identifier)
    user = await accounts.login(credentials, settings)
    token = accounts.issue_token(user, settings, read_only=credentials.scope == "read")
    response = reply(
        {"message": "Login successful"}, headers={"Set-Cookie": session_cookie(settings, token)}
    )
    device = logins.device_cookie(request, user.id)
    if device is not None:  # after the session cookie: the frontend reads the first one
        response.headers.add("Set-Cookie", device)
    return response


@bp.post("/logout", ctx_idempotent=True, ctx_any_session=True)
@described({200: shapes.Message}, auth="optional")
async def logout(request: Request) -> HTTPResponse:
    """End the session: the token is refused from now on and the cookie is cleared."""
    settings = settings_of(request)
    await accounts.logout(session_token(request), settings)
    return reply({"message": "Logout successful"}, headers={"Set-Cookie": cleared_cookie(settings)})


@bp.get("/token/read-only")
@described({200: shapes.IssuedToken}, auth="required")
async def read_only_token(request: Request) -> HTTPResponse:
    """A read-only token for the acting user (``codincod console --readonly`` with a full
    token): the same user, who may look but change nothing."""
    settings = settings_of(request)
    token = await accounts.read_only_token(await actor(request), settings)
    return reply({"token": token}, headers={"Cache-Control": "no-store"})
