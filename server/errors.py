"""Every failure becomes a JSON body the frontend can read: ``{error, message}``, plus
``details`` for broken rules, ``banDetails`` for bans and ``retryAfter`` for rate limits.
A 500 means a bug; it is logged with its request id and says nothing of its internals."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from asyncpg import CannotConnectNowError, ConnectionDoesNotExistError, PostgresConnectionError
from asyncpg import InterfaceError as PgInterfaceError
from asyncpg.exceptions import InternalClientError
from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse
from tortoise.exceptions import DBConnectionError, IntegrityError

from codincod.errors import Banned, DomainError, Held, RateLimited
from server.wire import reply

log = logging.getLogger("codincod.server")
_STATUSES = {status.value for status in HTTPStatus}


def domain_error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.label, "message": error.message}
    if error.details:
        body["details"] = error.details
    if isinstance(error, Banned):
        body["banDetails"] = error.ban
    if isinstance(error, Held):
        body["holder"] = error.holder
        body["expiresAt"] = error.expires_at
    if isinstance(error, RateLimited):
        body["statusCode"] = 429
        body["retryAfter"] = error.retry_after
    return body


def _sanic_error(request: Request, error: SanicException) -> HTTPResponse:
    status = getattr(error, "status_code", 500) or 500
    if status == 404:
        message = f"Route {request.method}:{request.path} not found"
        return reply({"message": message, "error": "Not Found", "statusCode": 404}, 404)
    if status == 405:
        message = f"Method {request.method} is not allowed on {request.path}"
        body = {"message": message, "error": "Method Not Allowed", "statusCode": 405}
        allowed = getattr(error, "allowed_methods", None) or []
        return reply(body, 405, {"Allow": ", ".join(sorted(set(allowed)))} if allowed else None)
    if status == 413 and "header" in str(error).lower():
        limit = request.app.config.REQUEST_MAX_HEADER_SIZE
        message = f"Request headers are larger than the limit of {limit} bytes"
        body = {"message": message, "error": "Request Header Fields Too Large", "statusCode": 431}
        return reply(body, 431)
    if status == 413:
        limit = request.app.config.REQUEST_MAX_SIZE
        message = f"Request body is larger than the limit of {limit} bytes"
        return reply({"message": message, "error": "Payload Too Large", "statusCode": 413}, 413)
    if status == 503:  # the response deadline: busy, not broken
        return _unavailable(request, "The server is busy; try again shortly", error)
    if status >= 500:
        return _internal(request, error)
    message = str(error) or "Bad request"
    label = HTTPStatus(status).phrase if status in _STATUSES else "Bad Request"
    return reply({"message": message, "error": label, "statusCode": status}, status)


def _internal(request: Request, error: BaseException) -> HTTPResponse:
    request_id = getattr(request.ctx, "request_id", "-") if request else "-"
    log.error(
        "unhandled error in %s %s [rid=%s]",
        request.method,
        request.path,
        request_id,
        exc_info=error,
    )
    body = {
        "error": "Internal Server Error",
        "message": f"Something went wrong on our side (request id {request_id}).",
        "statusCode": 500,
    }
    return reply(body, 500)


# What "the database cannot be reached" is: a failed or dropped connection, never a failed
# query (Tortoise's OperationalError is also the parent of DoesNotExist and SQL errors).
_CONNECTION_FAILURES = (
    DBConnectionError,
    ConnectionError,  # refused, reset, aborted, broken pipe
    TimeoutError,
    PostgresConnectionError,
    CannotConnectNowError,
    ConnectionDoesNotExistError,
    PgInterfaceError,
    # A pooled connection that PostgreSQL dropped while asyncpg still thought it busy:
    # "cannot switch to state 12; another operation is in progress".
    InternalClientError,
)


def is_connection_failure(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(5):  # the driver's error may be wrapped by the ORM's
        if seen is None:
            return False
        if isinstance(seen, _CONNECTION_FAILURES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def handle(request: Request, error: Exception) -> HTTPResponse:
    if isinstance(error, DomainError):
        headers = (
            {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
        )
        return reply(domain_error_body(error), error.status, headers)
    if isinstance(error, SanicException):
        return _sanic_error(request, error)
    if isinstance(error, IntegrityError):
        return reply({"error": "Conflict", "message": "This conflicts with existing data"}, 409)
    if is_connection_failure(error):
        return _unavailable(request, "The database cannot be reached; try again shortly", error)
    return _internal(request, error)


RETRY_AFTER_SECONDS = 5


def _unavailable(request: Request, message: str, error: BaseException) -> HTTPResponse:
    request_id = getattr(request.ctx, "request_id", "-")
    log.warning("503 for %s %s [rid=%s]: %r", request.method, request.path, request_id, error)
    body = {"error": "Service Unavailable", "message": message, "statusCode": 503}
    return reply(body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
