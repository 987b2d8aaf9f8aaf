"""Tortoise's asyncpg engine, without a reset round trip each time a connection goes back to
the pool, and without losing a connection to a cancelled transaction: the one way codincod
reaches PostgreSQL (ORM queries and ``db.fetch_all`` alike).

asyncpg resets a pooled connection on release (unlock advisory locks, close cursors, UNLISTEN,
RESET ALL): one more round trip for every query Tortoise runs, about a third of a simple
query's time. codincod takes only transaction-scoped advisory locks, keeps no cursors or
session settings and listens on a connection of its own (``codincod.bus``), so only an
unfinished transaction needs undoing.
"""

from __future__ import annotations

import contextlib
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled
from tortoise.connection import get_connections


async def release_cleanly(connection: asyncpg.Connection) -> None:
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class _GuardedTransaction(TransactionContextPooled):
    """Tortoise's pooled transaction, giving its connection back when the transaction cannot
    begin: a request cancelled while ``BEGIN`` is on its way (its client hung up) otherwise
    keeps the connection for ever, "idle in transaction", and the pool is one smaller."""

    async def __aenter__(self) -> Any:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            connection = self.client._connection
            with contextlib.suppress(Exception):  # a connection in a bad state is replaced
                if connection.is_in_transaction():
                    await connection.execute("ROLLBACK")
            await pool.release(connection)
            raise
        return self.client


class LeanAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=release_cleanly, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return _GuardedTransaction(TransactionWrapper(self), self._pool_init_lock)


client_class = LeanAsyncpgClient
