"""Tortoise ORM wiring: one configuration for every entry point, one connection pool, and the
raw-SQL helpers for the hot paths where the model layer costs too much (measured: about 45 % of
throughput). Every dialect difference in SQL lives here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from codincod.bus import bus
from codincod.config import Settings, ensure_private_dir, load_settings

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
    "codincod.importers.models",
)


def tortoise_url(settings: Settings) -> str:
    url = settings.resolved_database_url
    scheme, rest = url.split(":", 1)
    if scheme.lower() == "postgresql":
        url = "postgres:" + rest
    if settings.dialect == "sqlite":
        ensure_private_dir(settings.data_dir, tighten=True)
        path = url.removeprefix("sqlite://")
        if path not in ("", ":memory:"):
            ensure_private_dir(Path(path).parent)
    return url


def _connection_config(settings: Settings) -> str | dict[str, Any]:
    url = tortoise_url(settings)
    if settings.dialect != "postgres":
        config = expand_db_url(url)
        # WAL (Tortoise's default) with NORMAL sync: a commit is safe from a crash of the
        # process, and fsyncs only at checkpoints: game chat commits hundreds of times a
        # second. (FULL would also survive a power cut, at a few ms per commit.)
        config["credentials"].setdefault("synchronous", "NORMAL")
        # A second process on the same file (a CLI command) waits for a lock, not fails.
        config["credentials"].setdefault("busy_timeout", 5000)
        return config
    config = expand_db_url(url)
    config["engine"] = "codincod.pgengine"
    # Tortoise's default of 5 leaves requests queueing for a connection while the database
    # idles: a connection is mostly held across the event loop's other work, not queries.
    config["credentials"].setdefault("maxsize", settings.database_pool_size)
    return config


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": _connection_config(settings)},
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


async def init_db(settings: Settings, *, listen: bool = False) -> None:
    """Connect to the database; ``listen`` also joins the cross-process event bus (servers)."""
    # Global fallback: request handlers run outside the context that called init.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    if listen and settings.dialect == "postgres":
        await bus.start(tortoise_url(settings).split("?", 1)[0])


async def close_db() -> None:
    await bus.stop()
    # Must run: an open aiosqlite connection keeps the interpreter alive at exit.
    await Tortoise.close_connections()


def connection() -> Any:
    return connections.get("default")


def dialect() -> str:
    return str(connection().capabilities.dialect)


def sql(query: str) -> str:
    """Write queries with ``$1, $2`` placeholders; SQLite gets its numbered ``?1, ?2``."""
    if dialect() == "sqlite":
        return _PLACEHOLDER.sub(r"?\1", query)
    return query


async def fetch_all(query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run a query written with ``$n`` placeholders, inside the current transaction if there
    is one (on both dialects: Tortoise hands out the transaction's connection)."""
    rows: list[dict[str, Any]] = await connection().execute_query_dict(sql(query), list(params))
    return rows


async def fetch_each(
    statements: Sequence[tuple[str, Sequence[Any]]],
) -> list[list[dict[str, Any]]]:
    """Several queries, in order, on one connection: one trip to the pool for all of them."""
    client = connection()
    async with client.acquire_connection() as raw:  # the transaction's, inside one
        if dialect() == "postgres":
            return [[dict(row) for row in await raw.fetch(q, *params)] for q, params in statements]
        # aiosqlite runs each call in its thread, ~80 us a hop: all of them in one hop.
        numbered = [(sql(q), tuple(params)) for q, params in statements]
        fetched: list[list[dict[str, Any]]] = await raw._execute(
            _sqlite_fetch_each, raw._conn, numbered
        )
        return fetched


def _sqlite_fetch_each(
    database: Any, statements: list[tuple[str, tuple[Any, ...]]]
) -> list[list[dict[str, Any]]]:
    """In aiosqlite's thread: run the statements on the sqlite3 connection (rows are
    ``sqlite3.Row``, as Tortoise configured it)."""
    return [
        [dict(row) for row in database.execute(q, params).fetchall()] for q, params in statements
    ]


async def fetch_one(query: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    rows = await fetch_all(query, params)
    return rows[0] if rows else None


async def ping() -> None:
    await connection().execute_query("SELECT 1")


async def forget_pooled_connections() -> None:
    """After a dropped connection: every pooled connection is replaced before its next use
    (PostgreSQL restarted or killed them all, and the pool may not have noticed yet)."""
    pool = getattr(connection(), "_pool", None)
    if pool is not None:
        await pool.expire_connections()


def pool_figures() -> tuple[int, int]:
    """Connections the pool holds open, and how many of them are lent out now (SQLite: one
    connection, never counted as lent)."""
    pool = getattr(connection(), "_pool", None)
    if pool is None:
        return 1, 0
    return pool.get_size(), pool.get_size() - pool.get_idle_size()


async def lock_name(transaction: Any, name: str) -> None:
    """Serialise the transactions that name the same thing (e.g. a new username), until the
    transaction ends; call it first in the transaction.

    SQLite runs one write transaction at a time: this takes its write lock at once (a write
    that changes nothing). Otherwise a transaction that reads before it writes fails at the
    write with "database is locked", without waiting, when another process (a second server,
    a CLI command) committed in between."""
    if dialect() == "postgres":
        await transaction.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [name])
    else:
        await transaction.execute_query("UPDATE users SET id = id WHERE 0")


# --- dialect differences in SQL and in the values rows carry -------------------------------------


def timestamp(value: datetime | str) -> datetime:
    """A stored time as an aware datetime: asyncpg gives one, SQLite keeps ISO text."""
    return datetime.fromisoformat(value) if type(value) is str else value  # type: ignore[return-value]


def json_value(value: Any) -> Any:
    """A JSON column's value: both drivers hand JSON over as text."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def like_pattern(text: str) -> str:
    """``text`` anywhere, with LIKE's wildcards in it taken literally (escaped with ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_text(column: str, placeholder: str) -> str:
    """``column`` contains the ``like_pattern`` in ``placeholder``, ignoring case."""
    operator = "ILIKE" if dialect() == "postgres" else "LIKE"  # SQLite's LIKE ignores case
    return f"{column} {operator} {placeholder} ESCAPE '\\'"


def one_of(column: str, placeholder: str) -> str:
    """``column`` equals one of the values of the list in ``placeholder`` (``list_value``)."""
    if dialect() == "postgres":
        return f"{column} = ANY({placeholder}::text[])"
    return f"{column} IN (SELECT value FROM json_each({placeholder}))"


def list_value(values: Sequence[str]) -> Any:
    """A list of texts as one query parameter, for ``one_of``."""
    return list(values) if dialect() == "postgres" else orjson.dumps(list(values)).decode()


def json_list_has(column: str, placeholder: str) -> str:
    """The JSON list in ``column`` holds the string in ``placeholder``."""
    if dialect() == "postgres":
        return f"{column} ? {placeholder}"
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {placeholder})"
