"""Password checks over HTTP, for logins and for banned users' appeals: how they are limited,
and the device proof that keeps an account's owner from being locked out.

Guessing stays slow: 5 tries a minute per address, and 10 a minute per account shared by
every caller without a device proof for it. A client that logged in to the account before got
a device cookie (OWASP's "device cookies"); its tries skip the shared budget and have 10 a
minute of their own, so others failing against the account cannot lock its owner out. The
frontend's server logs in for browsers without an address (and without their cookies): its
tries have a per-account budget of their own, apart from direct callers'.
"""

from __future__ import annotations

import base64
import binascii

from sanic import Request

from codincod.accounts import service as accounts
from codincod.accounts import tokens
from codincod.accounts.schemas import Credentials
from codincod.errors import Unauthenticated
from codincod.validation import parse
from server.http import settings_of
from server.middleware import enforce
from server.ratelimit import LOGIN_PER_ACCOUNT, LOGIN_PER_DEVICE

DEVICE_COOKIE = "codincod_device"
DEVICE_MAX_AGE = 180 * 24 * 3600


async def limit_tries(request: Request, identifier: str) -> None:
    """Count a password try against the account ``identifier`` reaches, however it is spelt
    (name, email, letter case): one budget per account (the per-address limit is the
    route's own)."""
    account = await accounts.account_key(identifier)
    secret = settings_of(request).jwt_secret or ""
    nonce = tokens.device_nonce(request.cookies.get(DEVICE_COOKIE), account, secret)
    if nonce is not None:
        await enforce(request, LOGIN_PER_DEVICE, nonce)
        return
    callers = "direct" if request.ctx.client_known else "frontend"
    await enforce(request, LOGIN_PER_ACCOUNT, f"{callers}:{account}")


def device_cookie(request: Request, account: str) -> str | None:
    """A device proof for a client that just logged in, where the client itself will keep it
    (the frontend's server keeps only the session cookie)."""
    if not request.ctx.client_known:
        return None
    settings = settings_of(request)
    proof = tokens.issue_device_proof(account, settings.jwt_secret or "")
    attributes = ["Path=/api/v1", "HttpOnly", f"Max-Age={DEVICE_MAX_AGE}"]
    attributes += ["Secure", "SameSite=Strict"] if settings.production else ["SameSite=Lax"]
    return "; ".join([f"{DEVICE_COOKIE}={proof}", *attributes])


def basic_credentials(request: Request) -> Credentials:
    """``Authorization: Basic`` (username or email, password), or 401 saying what to send."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated(
            "Log in, or send your username (or email) and password as HTTP Basic",
            title="Unauthorized",
        )
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise Unauthenticated("Malformed Basic credentials", title="Unauthorized") from error
    identifier, _, password = decoded.partition(":")
    return parse(Credentials, {"identifier": identifier, "password": password})
