"""Tables as plain rows, fast, on both dialects: what a table's columns are (from the models),
the canonical form of a row (the same value however a driver hands it over), batched
upserts that write only what is new or changed, and a checksum per table.

The import, the export and the round trip all go through here, so "the same data" means one
thing everywhere: equal canonical rows."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from tortoise import Tortoise, fields

from codincod import db
from codincod.config import Settings

Row = dict[str, Any]
_SKIPPED_TABLES = {"aerich", "imported_batches"}  # bookkeeping, not data

# Tortoise keeps SQLite times as ISO text written this way; rows written here must match.
sqlite3.register_adapter(datetime, lambda value: value.isoformat(" "))


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    times: frozenset[str]
    flags: frozenset[str]
    jsons: frozenset[str]
    limits: dict[str, int]  # text column -> its maximum length
    keyed: bool  # a 24-hex ``id`` primary key (else rows are compared by all their columns)

    def canonical(self, row: Row) -> tuple[Any, ...]:
        """The row's values in one form whatever the driver: times as UTC ISO text, flags as
        booleans, JSON as sorted compact text."""
        return tuple(self._value(column, row.get(column)) for column in self.columns)

    def _value(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        if column in self.times:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
            return moment.astimezone(UTC).isoformat(timespec="microseconds")
        if column in self.flags:
            return bool(value)
        if column in self.jsons:
            parsed = orjson.loads(value) if isinstance(value, str | bytes) else value
            return orjson.dumps(parsed, option=orjson.OPT_SORT_KEYS).decode()
        return value


def data_models() -> list[Any]:
    apps = Tortoise.apps
    return list(apps[db.APP].values()) if apps is not None else []


def tables() -> dict[str, Table]:
    """Every data table of the models (Tortoise must be initialised)."""
    found: dict[str, Table] = {}
    for model in data_models():
        meta = model._meta
        if meta.db_table in _SKIPPED_TABLES:
            continue
        columns, times, flags, jsons, limits = [], set(), set(), set(), {}
        for name, column in meta.fields_db_projection.items():
            field = meta.fields_map[name]
            columns.append(column)
            if isinstance(field, fields.DatetimeField):
                times.add(column)
            elif isinstance(field, fields.BooleanField):
                flags.add(column)
            elif isinstance(field, fields.JSONField):
                jsons.add(column)
            elif isinstance(field, fields.CharField):
                limits[column] = field.max_length
        keyed = meta.pk_attr == "id" and isinstance(meta.pk, fields.CharField)
        found[meta.db_table] = Table(
            meta.db_table,
            tuple(columns),
            frozenset(times),
            frozenset(flags),
            frozenset(jsons),
            limits,
            keyed,
        )
    return found


def stored(table: Table, row: Row) -> tuple[Any, ...]:
    """The row's values as a driver takes them (JSON as text)."""
    if not table.jsons:
        return tuple(map(row.get, table.columns))  # most tables: nothing to convert
    return tuple(
        orjson.dumps(value).decode()
        if column in table.jsons and (value := row.get(column)) is not None
        else row.get(column)
        for column in table.columns
    )


def fit(table: Table, row: Row) -> list[str]:
    """Texts longer than their column are cut to it; what was cut is said."""
    cut = []
    for column, limit in table.limits.items():
        value = row.get(column)
        if value.__class__ is str and len(value) > limit:
            row[column] = value[:limit]
            cut.append(f"{column} cut to {limit} characters (was {len(value)})")
    return cut


@dataclass
class Written:
    new: list[str]
    changed: list[str]
    unchanged: int


class _Sqlite:
    """The SQLite side of ``Connection``: plain calls (an import is the process's only work)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)

    async def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        return work(self._db)

    async def open(self) -> None:
        db = self._db
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 30000")
        # Rows land all over the indexes (derived ids are random): a cache that holds them
        # saves reading pages again for every batch.
        db.execute("PRAGMA cache_size = -262144")  # 256 MiB
        db.execute("BEGIN IMMEDIATE")

    async def close(self, *, failed: bool) -> None:
        if failed and self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._db.close()

    async def fetch(self, query: str, params: Sequence[Any]) -> list[Row]:
        return _dicts(self._db.execute(_lite_sql(query), tuple(params)))

    async def execute(self, query: str, params: Sequence[Any] = ()) -> int:
        return int(self._db.execute(_lite_sql(query), tuple(params)).rowcount)


class Connection:
    """One raw connection to the configured database, in one transaction until ``commit``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dialect = settings.dialect
        self._pg: asyncpg.Connection | None = None
        self._lite: _Sqlite | None = None
        self._staged: set[str] = set()
        self._empty: dict[str, bool] = {}

    async def __aenter__(self) -> Connection:
        url = self.settings.resolved_database_url
        if self.dialect == "postgres":
            self._pg = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            await self._pg.execute("BEGIN")
        else:
            self._lite = _Sqlite(Path(url.removeprefix("sqlite://")))
            await self._lite.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pg is not None and not self._pg.is_closed():
            await self._pg.close()  # an open transaction ends with the connection: rolled back
        if self._lite is not None:
            await self._lite.close(failed=exc[0] is not None)

    async def commit(self) -> None:
        await self._end("COMMIT")

    async def rollback(self) -> None:
        await self._end("ROLLBACK")

    async def _end(self, how: str) -> None:
        """End the transaction and begin the next one."""
        if self._pg is not None:
            await self._pg.execute(how)
            await self._pg.execute("BEGIN")
        if self._lite is not None:
            await self._lite.execute(how)
            await self._lite.execute("BEGIN IMMEDIATE")

    # --- reading ---------------------------------------------------------------------------------

    async def fetch(self, query: str, *params: Any) -> list[Row]:
        """Rows of a query written with ``$n`` placeholders."""
        if self._pg is not None:
            return [dict(r) for r in await self._pg.fetch(query, *params)]
        assert self._lite is not None
        return await self._lite.fetch(query, params)

    async def execute(self, query: str, *params: Any) -> None:
        if self._pg is not None:
            await self._pg.execute(query, *params)
        else:
            assert self._lite is not None
            await self._lite.execute(query, params)

    async def rows(self, table: Table, batch: int = 5000) -> AsyncIterator[Row]:
        """Every row of ``table`` in id order (keyed tables) or as stored, page by page."""
        columns = ", ".join(table.columns)
        if not table.keyed:
            for row in await self.fetch(f"SELECT {columns} FROM {table.name}"):
                yield row
            return
        after = ""
        while True:
            page = await self.fetch(
                f"SELECT {columns} FROM {table.name} WHERE id > $1 ORDER BY id LIMIT {batch}",
                after,
            )
            for row in page:
                yield row
            if len(page) < batch:
                return
            after = page[-1]["id"]

    async def existing(self, table: Table, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The stored rows with these ids, canonical."""
        if self._lite is not None:
            return dict(await self._lite.run(lambda db: _lite_existing(db, table, ids)))
        found = await self.fetch(
            f"SELECT {', '.join(table.columns)} FROM {table.name} WHERE id = ANY($1::text[])",
            list(ids),
        )
        return {row["id"]: table.canonical(row) for row in found}

    # --- writing ---------------------------------------------------------------------------------

    async def upsert(self, table: Table, rows: list[Row]) -> Written:
        """Write the rows that are new or differ from what is stored; say which were which."""
        unique: dict[str, Row] = {row["id"]: row for row in rows}
        if self._lite is not None:
            written: Written = await self._lite.run(lambda db: _lite_upsert(db, table, unique))
            return written
        if await self._was_empty(table):  # nothing to compare with: every row is new
            values = [stored(table, row) for row in unique.values()]
            await self.insert(table, values)
            return Written(list(unique), [], 0)
        written, values = _compared(table, unique, await self.existing(table, list(unique)))
        if values and not written.changed:
            await self.insert(table, values)  # all new (a first import): the fast way in
        elif values:
            await self.write(table, values)
        return written

    async def _was_empty(self, table: Table) -> bool:
        """Whether ``table`` had no rows when this connection first wrote to it (its rows
        since are all this run's, each written once)."""
        if table.name not in self._empty:
            found = await self.fetch(f"SELECT 1 AS one FROM {table.name} LIMIT 1")
            self._empty[table.name] = not found
        return self._empty[table.name]

    async def insert(self, table: Table, values: list[tuple[Any, ...]]) -> None:
        """Rows known to be new, copied straight into the table."""
        assert self._pg is not None
        await self._pg.copy_records_to_table(table.name, records=values, columns=table.columns)

    async def write(self, table: Table, values: list[tuple[Any, ...]]) -> None:
        """Insert the rows, replacing those with the same id (no comparison)."""
        if self._lite is not None:
            await self._lite.run(lambda db: db.executemany(_lite_upsert_sql(table), values))
            return
        assert self._pg is not None
        columns = ", ".join(table.columns)
        staging = f"staging_{table.name}"
        if staging not in self._staged:
            await self._pg.execute(
                f"CREATE TEMP TABLE {staging} (LIKE {table.name}) ON COMMIT DROP"
            )
            self._staged.add(staging)
        await self._pg.copy_records_to_table(staging, records=values, columns=table.columns)
        await self._pg.execute(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {staging} "
            f"ON CONFLICT (id) DO UPDATE SET {_updates(table)}; TRUNCATE {staging}"
        )

    async def delete(self, table: str, ids: Sequence[str]) -> int:
        """Delete the rows with these ids (what hangs off them goes by cascade); how many."""
        if not ids:
            return 0
        if self._pg is not None:
            status = await self._pg.execute(
                f"DELETE FROM {table} WHERE id = ANY($1::text[])", list(ids)
            )
            return int(status.split()[-1])
        assert self._lite is not None
        return await self._lite.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(list(ids)).decode(),),
        )


def _updates(table: Table) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in table.columns if c != "id")


def _compared(
    table: Table, unique: dict[str, Row], before: dict[str, tuple[Any, ...]]
) -> tuple[Written, list[tuple[Any, ...]]]:
    """Which rows are new, which changed, and the stored values of both, to write."""
    new, changed, writing = [], [], []
    for row_id, row in unique.items():
        old = before.get(row_id)
        if old is None:
            new.append(row_id)
        elif old != table.canonical(row):
            changed.append(row_id)
        else:
            continue
        writing.append(stored(table, row))
    return Written(new, changed, len(unique) - len(writing)), writing


def _lite_upsert_sql(table: Table) -> str:
    marks = ", ".join("?" for _ in table.columns)
    return (
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks}) "
        f"ON CONFLICT (id) DO UPDATE SET {_updates(table)}"
    )


def _lite_existing(
    db: sqlite3.Connection, table: Table, ids: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    cursor = db.execute(
        f"SELECT {', '.join(table.columns)} FROM {table.name} "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (orjson.dumps(list(ids)).decode(),),
    )
    return {row["id"]: table.canonical(row) for row in _dicts(cursor)}


def _dicts(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _lite_upsert(db: sqlite3.Connection, table: Table, unique: dict[str, Row]) -> Written:
    written, values = _compared(table, unique, _lite_existing(db, table, list(unique)))
    if values and not written.changed:  # all new (a first import): a plain insert
        marks = ", ".join("?" for _ in table.columns)
        columns = ", ".join(table.columns)
        db.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)
    elif values:
        db.executemany(_lite_upsert_sql(table), values)
    return written


def _lite_sql(query: str) -> str:
    for number in range(9, 0, -1):
        query = query.replace(f"${number}", f"?{number}")
    return query


# --- checks --------------------------------------------------------------------------------------


async def checksums(connection: Connection) -> dict[str, str]:
    """A SHA-256 of every data table's canonical rows, in id order."""
    sums: dict[str, str] = {}
    for name, table in sorted(tables().items()):
        digest = hashlib.sha256()
        canonical = [table.canonical(row) async for row in connection.rows(table)]
        if not table.keyed:  # e.g. counters with a serial id: compared by their other columns
            keep = [n for n, column in enumerate(table.columns) if column != "id"]
            canonical = sorted(tuple(r[n] for n in keep) for r in canonical)
        for values in canonical:
            digest.update(orjson.dumps(values))
        sums[name] = digest.hexdigest()
    return sums


async def dangling_references(connection: Connection) -> dict[str, int]:
    """Every foreign key that points at no row, counted per ``table.column`` (none: empty)."""
    found: dict[str, int] = {}
    for model in data_models():
        meta = model._meta
        if meta.db_table in _SKIPPED_TABLES:
            continue
        for name in meta.fk_fields:
            field = meta.fields_map[name]
            column = meta.fields_db_projection[f"{name}_id"]
            parent = field.related_model._meta.db_table
            rows = await connection.fetch(
                f"SELECT count(*) AS n FROM {meta.db_table} child WHERE child.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = child.{column})"
            )
            if rows[0]["n"]:
                found[f"{meta.db_table}.{column}"] = int(rows[0]["n"])
    return found
