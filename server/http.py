"""Request plumbing shared by every route: reading bodies, the client address, the session
cookie and the acting user."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import orjson
from pydantic import BaseModel
from sanic import Request

from codincod.accounts import service as accounts
from codincod.actors import Actor
from codincod.config import Settings
from codincod.errors import DomainError, InvalidInput
from codincod.validation import parse

M = TypeVar("M", bound=BaseModel)
COOKIE = "token"


def settings_of(request: Request) -> Settings:
    return request.app.ctx.settings


# --- bodies ------------------------------------------------------------------------------------


def json_body(request: Request, *, allow_empty: bool = False) -> Any:
    """The body as JSON whatever its content type: the frontend's play and moderation pages
    POST JSON as text/plain (and ``curl -d`` labels JSON as a form). Real form bodies are
    accepted too, as the Node server did."""
    raw = request.body or b""
    if not raw.strip():
        if allow_empty:
            return {}
        raise InvalidInput("Request body is empty; send a JSON object", title="Bad Request")
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        content_type = (request.content_type or "").split(";", 1)[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise InvalidInput(
                f"Body is not valid JSON: {error.msg} at position {error.pos}", title="Bad Request"
            ) from error
        parsed = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    refuse_nul(parsed)
    return parsed


def refuse_nul(value: Any, where: str = "body") -> None:
    """PostgreSQL cannot store NUL in text, so no text may hold one, on any database."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput(
                f"{where} contains a NUL character, which text cannot hold",
                title="Bad Request",
                details=[{"field": where, "message": "NUL characters are not allowed"}],
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, f"{where}.{key}" if where != "body" else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, f"{where}[{index}]")


def body_as(request: Request, model: type[M], *, allow_empty: bool = False) -> M:
    return parse(model, json_body(request, allow_empty=allow_empty))


# --- the client ----------------------------------------------------------------------------------


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_address(request: Request) -> tuple[str, bool]:
    """The real client's address and whether it is known.

    ``X-Forwarded-For`` counts only when the peer is a configured proxy, read from the right
    past every trusted hop. A trusted peer that forwards no address (the frontend's own server
    making server-side calls) leaves the client unknown.
    """
    peer = request.conn_info.client_ip if request.conn_info else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    return _resolve_client(peer, forwarded, settings_of(request).trusted_networks)


@lru_cache(maxsize=4096)
def _resolve_client(peer: str, forwarded: str, trusted: tuple[Any, ...]) -> tuple[str, bool]:
    peer_address = _address(peer)
    if peer_address is None or not any(peer_address in net for net in trusted):
        return peer, True
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer, True  # garbage in the header: trust only what we saw
        if not any(address in net for net in trusted):
            return str(address), True
    return (str(_address(hops[0])) if hops else peer), False


# --- the session ---------------------------------------------------------------------------------


def session_token(request: Request) -> str | None:
    """``Authorization: Bearer`` first (console, API clients), else the ``token`` cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return _plausible(value.strip())
    return _plausible(request.cookies.get(COOKIE) or "")


def _plausible(token: str) -> str | None:
    """A token is printable ASCII of a sane length; anything else is no session at all."""
    if 0 < len(token) <= 4096 and token.isascii() and token.isprintable():
        return token
    return None


async def actor(request: Request) -> Actor:
    """The authenticated, unbanned user making this request (or a 401/403)."""
    cached = getattr(request.ctx, "actor", None)
    if cached is not None:
        return cached
    found = await accounts.authenticate(session_token(request), settings_of(request))
    request.ctx.actor = found
    return found


async def banned_actor(request: Request) -> Actor:
    """The authenticated user, banned or not (a banned user may appeal)."""
    return await accounts.authenticate(
        session_token(request), settings_of(request), banned_too=True
    )


async def optional_actor(request: Request) -> Actor | None:
    """The acting user when a valid session comes with the request; anyone else, including a
    banned user or a stale token, browses anonymously."""
    if session_token(request) is None:
        return None
    try:
        return await actor(request)
    except DomainError:
        return None


def query_args(request: Request) -> dict[str, str]:
    """Query parameters, one value each (repeated keys are joined with commas)."""
    args = request.get_args(keep_blank_values=True)
    return {key: ",".join(values) for key, values in args.items()}


def _cookie_attributes(settings: Settings) -> list[str]:
    attributes = ["Path=/", "HttpOnly"]
    if settings.production:
        attributes += ["Secure", "SameSite=None"]
    else:
        attributes.append("SameSite=Lax")
    if settings.frontend_host:
        attributes.append(f"Domain={settings.frontend_host}")
    return attributes


def session_cookie(settings: Settings, token: str) -> str:
    # Written by hand: the frontend copies the text before the first "; " and splits it on "=",
    # so the value must be first, unquoted and free of "=" (a JWT is).
    return "; ".join(
        [
            f"{COOKIE}={token}",
            f"Max-Age={settings.jwt_expiry_seconds}",
            *_cookie_attributes(settings),
        ]
    )


def cleared_cookie(settings: Settings) -> str:
    return "; ".join(
        [
            f"{COOKIE}=",
            "Max-Age=0",
            "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            *_cookie_attributes(settings),
        ]
    )
