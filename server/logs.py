"""Logging an operator can read: one format for the server, access lines and Sanic itself."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"


def logging_config(level: str) -> dict[str, Any]:
    level = level.upper()
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    quiet = {"level": "WARNING", "handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"()": "server.logs.PlainFormatter", "format": FORMAT}},
        "handlers": {
            "console": handler,
            "access": {"()": "server.logs.BufferedStderrHandler", "formatter": "plain"},
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
