"""Logging an operator can read and a machine can parse: one format (text or JSON lines) for
the server, its access lines and Sanic itself. No line carries a password, token, cookie or
secret: access lines name the route and path without credentials (a token in a query string
is written ``[redacted]``), and no request header or body is ever logged."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import UTC, datetime
from typing import Any

import orjson
from sanic import Request

FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"
access_log = logging.getLogger("codincod.access")

# Query parameters whose values are credentials wherever they appear.
_SECRET_PARAMETER = re.compile(
    r"(?i)(^|&)((?:access_|auth_|id_|refresh_)?token|password|secret|key|code|jwt|session)=[^&]*"
)


def redacted_query(query: str) -> str:
    return _SECRET_PARAMETER.sub(r"\1\2=[redacted]", query)


def access(request: Request, status: int, seconds: float, route: str | None = None) -> None:
    """One access line: the client, the request, its status and time, the request id and the
    user where known."""
    query = redacted_query(request.query_string)
    target = f"{request.path}?{query}" if query else request.path
    actor = getattr(request.ctx, "actor", None)
    fields = {
        "request_id": getattr(request.ctx, "request_id", None),
        "client": getattr(request.ctx, "client", None),
        "method": request.method,
        "route": route,
        "path": target,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "user_id": actor.id if actor is not None else None,
    }
    access_log.info(
        '%s "%s %s" %s %.1fms rid=%s%s',
        fields["client"] or "-",
        request.method,
        target,
        status,
        fields["duration_ms"],
        fields["request_id"] or "-",
        f" user={fields['user_id']}" if fields["user_id"] else "",
        extra={"fields": fields},
    )


def logging_config(level: str, log_format: str = "text") -> dict[str, Any]:
    level = level.upper()
    formatter = "json" if log_format == "json" else "plain"
    handler = {
        "class": "logging.StreamHandler",
        "formatter": formatter,
        "stream": "ext://sys.stderr",
    }
    quiet = {"level": "WARNING", "handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": "server.logs.PlainFormatter", "format": FORMAT},
            "json": {"()": "server.logs.JsonFormatter"},
        },
        "handlers": {
            "console": handler,
            "access": {"()": "server.logs.BufferedStderrHandler", "formatter": formatter},
        },
        "loggers": {
            "codincod": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.root": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.error": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.server": {"level": level, "handlers": ["console"], "propagate": False},
            "codincod.access": {"level": level, "handlers": ["access"], "propagate": False},
            # Our own access log replaces Sanic's (it carries the request id).
            "sanic.access": quiet,
            "tortoise": quiet,
            "aiosqlite": quiet,
        },
        "root": {"level": "WARNING", "handlers": ["console"]},
    }


class PlainFormatter(logging.Formatter):
    """The standard formatter, with the timestamp text reused within each second (formatting
    it anew was a tenth of a cached request's time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._second = -1
        self._stamp = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            self._second, self._stamp = second, super().formatTime(record, datefmt).split(",")[0]
        return f"{self._stamp},{int(record.msecs):03d}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``message``, ``logger``,
    ``process``; an exception's traceback under ``exception``; access lines add their fields
    (request_id, client, method, route, path, status, duration_ms, user_id)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "process": record.process,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({key: value for key, value in fields.items() if value is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class BufferedStderrHandler(logging.StreamHandler):
    """Standard error through a 64 KiB buffer, flushed by the server's event loop every half
    second (``flush_buffered_logs``) and at exit.

    One write per access-log line cost about a third of a cached request's time; a flushing
    thread of its own made the slowest requests slower (GIL hand-offs). Access lines may trail
    other log lines by up to half a second.
    """

    def __init__(self) -> None:
        super().__init__(os.fdopen(os.dup(2), "w", buffering=1 << 16))

    def flush(self) -> None:
        """Called by ``emit`` after every record: do nothing, the loop flushes."""

    def flush_now(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if not self.stream.closed:
                self.stream.flush()

    def close(self) -> None:
        self.flush_now()
        super().close()


FLUSH_EVERY_SECONDS = 0.5


async def flush_buffered_logs() -> None:
    """Runs for the server's lifetime."""
    handlers = [
        handler
        for handler in logging.getLogger("codincod.access").handlers
        if isinstance(handler, BufferedStderrHandler)
    ]
    try:
        while True:
            await asyncio.sleep(FLUSH_EVERY_SECONDS)
            for handler in handlers:
                handler.flush_now()
    finally:
        for handler in handlers:
            handler.flush_now()
