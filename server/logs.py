"""Logging an operator can read: one format for the server, access lines and Sanic itself."""

from __future__ import annotations

from typing import Any

FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"


def logging_config(level: str) -> dict[str, Any]:
    level = level.upper()
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    quiet = {"level": "WARNING", "handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": {"console": handler},
        "loggers": {
            "codincod": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.root": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.error": {"level": level, "handlers": ["console"], "propagate": False},
            "sanic.server": {"level": level, "handlers": ["console"], "propagate": False},
            # Our own access log replaces Sanic's (it carries the request id).
            "sanic.access": quiet,
            "tortoise": quiet,
            "aiosqlite": quiet,
        },
        "root": {"level": "WARNING", "handlers": ["console"]},
    }
