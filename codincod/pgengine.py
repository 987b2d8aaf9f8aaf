"""Tortoise's asyncpg engine, without a reset round trip each time a connection goes back to
the pool: the one way codincod reaches PostgreSQL (ORM queries and ``db.fetch_all`` alike).

asyncpg resets a pooled connection on release (unlock advisory locks, close cursors, UNLISTEN,
RESET ALL): one more round trip for every query Tortoise runs, about a third of a simple
query's time. codincod takes only transaction-scoped advisory locks, keeps no cursors or
session settings and listens on a connection of its own (``codincod.bus``), so only an
unfinished transaction needs undoing.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


async def release_cleanly(connection: asyncpg.Connection) -> None:
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class LeanAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=release_cleanly, **kwargs)


client_class = LeanAsyncpgClient
