"""The one database access path: raw reads see what the current transaction sees, on both
dialects (PostgreSQL used to read through a pool of its own, outside the transaction)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from codincod import db


@pytest.fixture
async def probe_table(orm: Any) -> Any:
    await db.connection().execute_script("CREATE TABLE IF NOT EXISTS db_path_probe (n INTEGER)")
    await db.connection().execute_script("DELETE FROM db_path_probe")
    yield
    await db.connection().execute_script("DROP TABLE db_path_probe")


async def _numbers() -> list[int]:
    return [row["n"] for row in await db.fetch_all("SELECT n FROM db_path_probe ORDER BY n")]


async def test_reads_inside_a_transaction_see_its_writes(probe_table: Any) -> None:
    async with in_transaction() as transaction:
        await transaction.execute_query(db.sql("INSERT INTO db_path_probe (n) VALUES ($1)"), [7])
        assert await _numbers() == [7]
        assert await db.fetch_one("SELECT COUNT(*) AS c FROM db_path_probe") == {"c": 1}
    assert await _numbers() == [7]


async def test_a_rolled_back_write_is_never_read(probe_table: Any) -> None:
    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with in_transaction() as transaction:
            insert = db.sql("INSERT INTO db_path_probe (n) VALUES ($1)")
            await transaction.execute_query(insert, [8])
            assert await _numbers() == [8]
            raise Undo
    assert await _numbers() == []


async def test_several_reads_at_once_see_the_transaction_too(probe_table: Any) -> None:
    count = ("SELECT COUNT(*) AS c FROM db_path_probe WHERE n >= $1", (0,))
    listed = ("SELECT n FROM db_path_probe ORDER BY n", ())
    async with in_transaction() as transaction:
        await transaction.execute_query(db.sql("INSERT INTO db_path_probe (n) VALUES ($1)"), [9])
        assert await db.fetch_each([count, listed]) == [[{"c": 1}], [{"n": 9}]]
    assert await db.fetch_each([listed]) == [[{"n": 9}]]


async def test_a_transaction_cancelled_as_it_begins_gives_its_connection_back(orm: Any) -> None:
    """A request cancelled (its client hung up) while its transaction's BEGIN is on the way
    gives the connection back to the pool, rolled back: nothing stays "idle in transaction"
    and the pool keeps its size."""
    if db.dialect() != "postgres":
        pytest.skip("SQLite has no pool")
    import asyncio

    await db.connection().execute_query("SELECT 1")
    pool = db.connection()._pool

    async def short_transaction() -> None:
        async with in_transaction() as connection:
            await connection.execute_query("SELECT 1")

    for turns in range(12):  # cancelled at every step of acquire, BEGIN and the query
        for _ in range(5):
            task = asyncio.create_task(short_transaction())
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    await asyncio.sleep(0.3)
    assert pool._queue.qsize() == pool._maxsize  # every holder free again
    rows = await db.fetch_all(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database()"
        " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
    )
    assert rows[0]["n"] == 0
