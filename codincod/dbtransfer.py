"""``codincod db transfer --to URL``: the whole configured database copied into another, empty
one (SQLite to PostgreSQL as an install outgrows one process, or back), ids kept.

The target is migrated first and must hold no data. Tables are copied parents first, rows of
a table that points at itself parents first too; PostgreSQL takes them through ``COPY``.
Tallies kept by triggers (``puzzle_counts``) are copied as they are, not recounted. Serial
ids continue after the copied ones. Then a checksum of every table's canonical rows
(``codincod checksum``) must be the same on both sides, or the command fails.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from codincod import db, dbmigrate
from codincod.config import Settings
from codincod.errors import Conflict, InvalidInput
from codincod.importers.tables import Connection, Row, Table, checksums, data_models, tables

Progress = Callable[[str, int, int], None]
BATCH = 5000
TALLIES = "puzzle_counts"  # kept by triggers on the puzzles: replaced by the source's own


@dataclass
class Moved:
    target: Settings
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    migrated: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def transfer(source: Settings, target_url: str, progress: Progress) -> Moved:
    target = source.model_copy(update={"database_url": target_url})
    if target.resolved_database_url == source.resolved_database_url:
        raise InvalidInput("The target is the configured database itself: name another one")
    _ = target.dialect  # an unknown scheme raises ValueError here, before anything is done
    moved = Moved(target, migrated=await dbmigrate.upgrade(target))
    started = time.monotonic()
    await db.init_db(source)  # the models' tables and columns
    try:
        async with Connection(source) as reading, Connection(target) as writing:
            await _refuse_data(writing)
            await _copy_all(reading, writing, moved, progress)
            await writing.commit()
            moved.seconds = time.monotonic() - started
            if await checksums(reading) != await checksums(writing):
                raise Conflict("The copy differs from the original: nothing should use it")
    finally:
        await db.close_db()
    return moved


async def _refuse_data(writing: Connection) -> None:
    for name in tables():
        if name != TALLIES and await writing.fetch(f"SELECT 1 AS one FROM {name} LIMIT 1"):
            raise Conflict(
                f"The target already holds data ({name}): transfer into an empty database"
            )


async def _copy_all(
    reading: Connection, writing: Connection, moved: Moved, progress: Progress
) -> None:
    every = tables()
    for name in _parents_first():
        if name != TALLIES:
            moved.rows[name] = await _copy(reading, writing, every[name], progress)
    await writing.execute(f"DELETE FROM {TALLIES}")  # what the triggers counted meanwhile
    moved.rows[TALLIES] = await _copy(reading, writing, every[TALLIES], progress)
    if writing.dialect == "postgres":
        await _continue_serials(writing, every.values())


async def _copy(reading: Connection, writing: Connection, table: Table, progress: Progress) -> int:
    total = (await reading.fetch(f"SELECT count(*) AS n FROM {table.name}"))[0]["n"]
    done, batch = 0, []
    convert = _for_postgres if writing.dialect == "postgres" else _for_sqlite
    async for row in _ordered(reading, table):
        batch.append(convert(table, row))
        if len(batch) == BATCH:
            done += await _write(writing, table, batch)
            batch = []
            progress(table.name, done, total)
    done += await _write(writing, table, batch)
    progress(table.name, done, total)
    return done


async def _write(writing: Connection, table: Table, values: list[tuple[Any, ...]]) -> int:
    if values:
        if writing.dialect == "postgres":
            await writing.insert(table, values)
        else:
            await writing.write(table, values)
    return len(values)


async def _ordered(reading: Connection, table: Table) -> AsyncIterator[Row]:
    """The rows in id order; in a table that points at itself (replies), parents first."""
    parent = _self_reference(table.name)
    if parent is None:
        async for row in reading.rows(table, BATCH):
            yield row
        return
    waiting: dict[str, list[Row]] = {}
    seen: set[str] = set()
    async for row in reading.rows(table, BATCH):
        up = row.get(parent)
        if up is not None and up not in seen:
            waiting.setdefault(up, []).append(row)
            continue
        for ready in _with_children(row, waiting):
            seen.add(ready["id"])
            yield ready
    for orphans in waiting.values():  # a parent that is not there: the copy says so
        for row in orphans:
            yield row


def _with_children(row: Row, waiting: dict[str, list[Row]]) -> list[Row]:
    out, todo = [], [row]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += waiting.pop(current["id"], [])
    return out


def _parents_first() -> list[str]:
    """Table names, each after the tables its rows point at."""
    needs: dict[str, set[str]] = {}
    for model in data_models():
        meta = model._meta
        parents = {
            meta.fields_map[name].related_model._meta.db_table
            for name in (*meta.fk_fields, *meta.o2o_fields)
        }
        needs[meta.db_table] = parents - {meta.db_table}
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, parents in needs.items() if not parents - set(ordered))
        if not ready:
            raise RuntimeError(f"tables point at each other: {sorted(needs)}")
        ordered += ready
        for name in ready:
            del needs[name]
    known = tables()
    return [name for name in ordered if name in known]


def _self_reference(table_name: str) -> str | None:
    for model in data_models():
        meta = model._meta
        if meta.db_table != table_name:
            continue
        for name in meta.fk_fields:
            if meta.fields_map[name].related_model._meta.db_table == table_name:
                return str(meta.fields_db_projection[f"{name}_id"])
    return None


def _for_postgres(table: Table, row: Row) -> tuple[Any, ...]:
    """SQLite's values as asyncpg's COPY takes them: times as aware datetimes, flags as
    booleans, JSON as text."""
    values = []
    for column in table.columns:
        value = row.get(column)
        if value is not None:
            if column in table.times and isinstance(value, str):
                value = datetime.fromisoformat(value)
                value = value if value.tzinfo else value.replace(tzinfo=UTC)
            elif column in table.flags:
                value = bool(value)
        values.append(value)
    return tuple(values)


def _for_sqlite(table: Table, row: Row) -> tuple[Any, ...]:
    """PostgreSQL's values as Tortoise keeps them in SQLite (times as ISO text, in UTC)."""
    return tuple(
        value.astimezone(UTC) if isinstance(value, datetime) else value
        for value in (row.get(column) for column in table.columns)
    )


async def _continue_serials(writing: Connection, every: Any) -> None:
    """Integer ids go on after the largest copied one."""
    for table in every:
        if table.keyed or "id" not in table.columns:
            continue
        await writing.execute(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table.name}), 1), "
            f"(SELECT max(id) FROM {table.name}) IS NOT NULL)"
        )
