"""Tables as plain rows, fast, on both dialects: what a table's columns are (from the models),
the canonical form of a row (the same value however a driver hands it over), batched
upserts that write only what is new or changed, and a checksum per table.

The import, the export and the round trip all go through here, so "the same data" means one
thing everywhere: equal canonical rows."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
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
_SKIPPED_TABLES = {"aerich", "imported_rows"}  # bookkeeping, not data

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


def _models() -> list[Any]:
    apps = Tortoise.apps
    return list(apps[db.APP].values()) if apps is not None else []


def tables() -> dict[str, Table]:
    """Every data table of the models (Tortoise must be initialised)."""
    found: dict[str, Table] = {}
    for model in _models():
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


def stored(table: Table, row: Row, dialect: str) -> tuple[Any, ...]:
    """The row's values as a driver takes them (JSON as text)."""
    values = []
    for column in table.columns:
        value = row.get(column)
        if column in table.jsons and value is not None:
            value = orjson.dumps(value).decode()
        values.append(value)
    return tuple(values)


def fit(table: Table, row: Row) -> list[str]:
    """Texts longer than their column are cut to it; what was cut is said."""
    cut = []
    for column, limit in table.limits.items():
        value = row.get(column)
        if isinstance(value, str) and len(value) > limit:
            row[column] = value[:limit]
            cut.append(f"{column} cut to {limit} characters (was {len(value)})")
    return cut


@dataclass
class Written:
    new: list[str]
    changed: list[str]
    unchanged: int


class Connection:
    """One raw connection to the configured database, in one transaction until ``commit``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dialect = settings.dialect
        self._pg: asyncpg.Connection | None = None
        self._lite: sqlite3.Connection | None = None
        self._staged: set[str] = set()

    async def __aenter__(self) -> Connection:
        url = self.settings.resolved_database_url
        if self.dialect == "postgres":
            self._pg = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            await self._pg.execute("BEGIN")
        else:
            self._lite = sqlite3.connect(Path(url.removeprefix("sqlite://")), isolation_level=None)
            self._lite.execute("PRAGMA foreign_keys = ON")
            self._lite.execute("PRAGMA busy_timeout = 30000")
            self._lite.execute("BEGIN IMMEDIATE")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pg is not None and not self._pg.is_closed():
            await self._pg.close()  # an open transaction ends with the connection: rolled back
        if self._lite is not None:
            if exc[0] and self._lite.in_transaction:
                self._lite.execute("ROLLBACK")
            self._lite.close()

    async def commit(self) -> None:
        if self._pg is not None:
            await self._pg.execute("COMMIT")
            await self._pg.execute("BEGIN")
        if self._lite is not None:
            self._lite.execute("COMMIT")
            self._lite.execute("BEGIN IMMEDIATE")

    async def rollback(self) -> None:
        if self._pg is not None:
            await self._pg.execute("ROLLBACK")
            await self._pg.execute("BEGIN")
        if self._lite is not None:
            self._lite.execute("ROLLBACK")
            self._lite.execute("BEGIN IMMEDIATE")

    # --- reading ---------------------------------------------------------------------------------

    async def fetch(self, query: str, *params: Any) -> list[Row]:
        """Rows of a query written with ``$n`` placeholders."""
        if self._pg is not None:
            return [dict(r) for r in await self._pg.fetch(query, *params)]
        assert self._lite is not None
        cursor = self._lite.execute(_lite_sql(query), params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    async def execute(self, query: str, *params: Any) -> None:
        if self._pg is not None:
            await self._pg.execute(query, *params)
        else:
            assert self._lite is not None
            self._lite.execute(_lite_sql(query), params)

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
        columns = ", ".join(table.columns)
        if self._pg is not None:
            found = await self.fetch(
                f"SELECT {columns} FROM {table.name} WHERE id = ANY($1::text[])", list(ids)
            )
        else:
            found = await self.fetch(
                f"SELECT {columns} FROM {table.name} WHERE id IN (SELECT value FROM json_each($1))",
                orjson.dumps(list(ids)).decode(),
            )
        return {row["id"]: table.canonical(row) for row in found}

    # --- writing ---------------------------------------------------------------------------------

    async def upsert(self, table: Table, rows: list[Row]) -> Written:
        """Write the rows that are new or differ from what is stored; say which were which."""
        unique: dict[str, Row] = {row["id"]: row for row in rows}
        before = await self.existing(table, list(unique))
        new, changed, writing = [], [], []
        for row_id, row in unique.items():
            old = before.get(row_id)
            if old is None:
                new.append(row_id)
            elif old != table.canonical(row):
                changed.append(row_id)
            else:
                continue
            writing.append(stored(table, row, self.dialect))
        if writing:
            await self.write(table, writing)
        return Written(new, changed, len(unique) - len(writing))

    async def write(self, table: Table, values: list[tuple[Any, ...]]) -> None:
        """Insert the rows, replacing those with the same id (no comparison)."""
        columns = ", ".join(table.columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in table.columns if c != "id")
        if self._pg is not None:
            staging = f"staging_{table.name}"
            if staging not in self._staged:
                await self._pg.execute(
                    f"CREATE TEMP TABLE {staging} (LIKE {table.name}) ON COMMIT DROP"
                )
                self._staged.add(staging)
            await self._pg.copy_records_to_table(staging, records=values, columns=table.columns)
            await self._pg.execute(
                f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {staging} "
                f"ON CONFLICT (id) DO UPDATE SET {updates}; TRUNCATE {staging}"
            )
            return
        assert self._lite is not None
        marks = ", ".join("?" for _ in table.columns)
        self._lite.executemany(
            f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}",
            values,
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
        cursor = self._lite.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(list(ids)).decode(),),
        )
        return cursor.rowcount


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
    for model in _models():
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
