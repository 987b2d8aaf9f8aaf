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

import asyncio
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


class FairPool(asyncpg.Pool):  # type: ignore[misc]
    """asyncpg's pool, handing connections out first come, first served. Its queue lets a
    newcomer take a connection that was just handed to a waiter, and the waiter goes to the
    back: under load, some requests waited seconds while others got a connection at once.
    A semaphore of the pool's size (fair since Python 3.11.1) orders them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns = asyncio.Semaphore(self._maxsize)

    async def _acquire(self, timeout: float | None) -> Any:
        await self._turns.acquire()
        try:
            return await super()._acquire(timeout)
        except BaseException:
            self._turns.release()
            raise

    async def release(self, connection: Any, *, timeout: float | None = None) -> None:
        if getattr(connection, "_con", None) is None:
            await super().release(connection, timeout=timeout)  # released already
            return
        try:
            await super().release(connection, timeout=timeout)
        finally:
            self._turns.release()


_POOL_DEFAULTS: dict[str, Any] = {
    "max_queries": 50_000,
    "max_inactive_connection_lifetime": 300.0,
    "loop": None,
    "connection_class": asyncpg.Connection,
    "record_class": asyncpg.Record,
}


class LeanAsyncpgClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        options = {**_POOL_DEFAULTS, **kwargs}
        return await FairPool(None, reset=release_cleanly, **options)

    def _in_transaction(self) -> TransactionContext:
        return _GuardedTransaction(TransactionWrapper(self), self._pool_init_lock)


client_class = LeanAsyncpgClient
