"""``codincod import-mongo``: a mongodump folder into the configured database.

Two passes over the dump: the first learns what it holds (``Index``), the second maps each
document (``mapping``) and writes its rows in batches, parents before what points at them,
in one transaction. The ids written are kept with the run's number (``imported_batches``),
so a later run on a newer dump removes what Mongo no longer has, and writes only what changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from codincod import db
from codincod.config import Settings
from codincod.importers.mongo import dump
from codincod.importers.mongo.known import Known, hex_id
from codincod.importers.mongo.mapping import (
    COLLECTIONS,
    MAPPERS,
    READ_ONLY,
    Index,
    Mapped,
    Row,
    invented_languages,
    settle_comments,
)
from codincod.importers.report import Report
from codincod.importers.tables import Connection, Table, dangling_references, fit, tables

Progress = Callable[[str, int, int], None]  # (collection, documents done, documents in it)
MAIN_TABLE = {
    "programminglanguages": "programming_languages",
    "users": "users",
    "preferences": "preferences",
    "puzzles": "puzzles",
    "userbans": "user_bans",
    "submissions": "submissions",
    "comments": "comments",
    "uservotes": "comment_votes",
    "games": "games",
    "chatmessages": "chat_messages",
    "reports": "reports",
    "usermetrics": "user_mode_metrics",
}
BATCH_ROWS = 20000
LEDGER = Table(
    "imported_batches",
    ("id", "table_name", "run", "row_ids"),
    frozenset(),
    frozenset(),
    frozenset(),
    {},
    True,
)


def _quiet(collection: str, done: int, total: int) -> None:
    pass


async def import_dump(
    settings: Settings, folder: Path, *, dry_run: bool = False, progress: Progress = _quiet
) -> Report:
    started = time.monotonic()
    report = Report(str(folder), dry_run)
    present = dump.collections(folder)
    for name in present:
        counted = dump.count(folder / f"{name}.bson")
        report.collection(name).in_dump = counted.documents
    index = _index(folder, present, report, progress)
    await db.init_db(settings)
    try:
        async with Connection(settings) as connection:
            importer = _Importer(connection, tables(), index, report, progress)
            await importer.run(folder, present)
            report.dangling_references = await dangling_references(connection)
            # A reference pointing nowhere would be a bug of the import: nothing is kept then.
            keep = not dry_run and not report.dangling_references
            await (connection.commit() if keep else connection.rollback())
    finally:
        await db.close_db()
    report.seconds = time.monotonic() - started
    return report


def _index(folder: Path, present: list[str], report: Report, progress: Progress) -> Index:
    index = Index(Known())
    for name in Index.AHEAD:
        if name in present:
            total = report.collection(name).in_dump
            for done, (_, document) in enumerate(_documents(folder, name, report), 1):
                index.see(name, document)
                if done % 20000 == 0:
                    progress(f"{name} (reading)", done, total)
    index.finish()
    return index


def _documents(folder: Path, name: str, report: Report) -> Iterator[tuple[int, dict[str, Any]]]:
    """The documents that can be read; where a file goes bad is reported, the rest goes on."""
    try:
        yield from dump.documents(folder / f"{name}.bson")
    except dump.Corrupt as corrupt:
        report.collection(name).corrupt = {"offset": corrupt.offset, "reason": corrupt.reason}


class _Importer:
    def __init__(
        self,
        connection: Connection,
        info: dict[str, Table],
        index: Index,
        report: Report,
        progress: Progress,
    ) -> None:
        self.connection, self.info, self.index = connection, info, index
        self.known = index.known
        self.report, self.progress = report, progress
        self.waiting: dict[str, list[Row]] = {}
        self.languages_written: set[str] = set()
        self.batches = 0
        self.writing: asyncio.Future[None] | None = None
        self.run_number = 0

    async def run(self, folder: Path, present: list[str]) -> None:
        try:
            await self._run(folder, present)
        finally:
            if self.writing is not None:  # failed while a batch was in flight: let it go
                self.writing.cancel()

    async def _run(self, folder: Path, present: list[str]) -> None:
        found = await self.connection.fetch("SELECT max(run) AS last FROM imported_batches")
        self.run_number = int(found[0]["last"] or 0) + 1
        await self._delete_absent(present)
        for name in COLLECTIONS:
            if name in present:
                await self._collection(folder, name)
            await self._flush()
        for name in present:
            if name not in MAPPERS:
                self.report.collection(name).note = (
                    "read, not imported" if name in READ_ONLY else "not a CodinCod collection"
                )
                self.report.collection(name).read = sum(
                    1 for _ in _documents(folder, name, self.report)
                )
        await self._drain()
        await self._delete_stale()

    async def _collection(self, folder: Path, name: str) -> None:
        report = self.report.collection(name)
        mapper, settled, ahead = MAPPERS[name], [], name in Index.AHEAD
        for done, (_, document) in enumerate(_documents(folder, name, self.report), 1):
            if not ahead:
                self.index.see(name, document)
            report.read = done
            own = hex_id(document.get("_id"))
            if own is None:
                report.skip(str(document.get("_id")), "its _id is not an ObjectId")
                continue
            mapped = mapper(document, self.known)
            if name == "comments":
                settled.append((own, mapped))  # replies wait for their parents
            else:
                await self._take(name, own, mapped)
            if done % 500 == 0:
                await asyncio.sleep(0)  # the batch being written moves on
            if done % 20000 == 0:
                self.progress(name, done, report.in_dump)
        for own, mapped in settle_comments(settled, self.known) if name == "comments" else ():
            await self._take(name, own, mapped, kept=True)
        self.progress(name, report.read, report.in_dump)

    async def _take(self, name: str, own: str, mapped: Mapped, *, kept: bool = False) -> None:
        report = self.report.collection(name)
        if mapped.skip is not None:
            report.skip(own, mapped.skip)
            return
        if not kept:
            self.known.keep(name, own)
        repairs = list(mapped.repairs)
        for table, row in mapped.rows:
            repairs += fit(self.info[table], row)
            self._add(table, row)
        if repairs:
            report.repair(own, repairs)
        report.imported += 1
        if sum(len(rows) for rows in self.waiting.values()) >= BATCH_ROWS:
            await self._flush()

    def _add(self, table: str, row: Row) -> None:
        self.waiting.setdefault(table, []).append(row)

    async def _flush(self) -> None:
        """Hand the waiting rows over to be written while mapping goes on (PostgreSQL works
        on one batch while the next is mapped). One batch at a time, tables in the order
        first met: what rows point at is always written before them."""
        batch: list[tuple[str, list[Row]]] = []
        for row in invented_languages(self.known):  # named by legacy references, made once
            if row["id"] not in self.languages_written:
                self.languages_written.add(row["id"])
                self.known.keep("programminglanguages", row["id"])
                batch.append(("programming_languages", [row]))
        batch += self.waiting.items()
        self.waiting = {}
        await self._drain()
        self.writing = asyncio.ensure_future(self._write_batch(batch))

    async def _drain(self) -> None:
        """Wait for the batch being written (an error in it surfaces here)."""
        writing, self.writing = self.writing, None
        if writing is not None:
            await writing

    async def _write_batch(self, batch: list[tuple[str, list[Row]]]) -> None:
        for table, rows in batch:
            await self._write_rows(table, rows)

    async def _write_rows(self, table: str, rows: list[Row]) -> None:
        if rows:
            written = await self.connection.upsert(self.info[table], rows)
            counts = self.report.table(table)
            counts.new += len(written.new)
            counts.changed += len(written.changed)
            counts.unchanged += written.unchanged
            self.batches += 1
            ids = orjson.dumps([row["id"] for row in rows]).decode()
            batch = f"{self.run_number}:{table}:{self.batches}"
            await self.connection.write(LEDGER, [(batch, table, self.run_number, ids)])

    async def _written(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The ids earlier runs wrote and the ids this run wrote, by table."""
        earlier: dict[str, set[str]] = {}
        current: dict[str, set[str]] = {}
        for row in await self.connection.fetch(
            "SELECT table_name, run, row_ids FROM imported_batches"
        ):
            into = current if row["run"] == self.run_number else earlier
            into.setdefault(row["table_name"], set()).update(orjson.loads(row["row_ids"]))
        return earlier, current

    async def _delete_absent(self, present: list[str]) -> None:
        """Before writing: accounts imported earlier that the dump no longer holds (a new
        account may carry a deleted one's name or email). The rest goes in ``_delete_stale``."""
        if "users" not in present:
            return  # a dump without the collection says nothing about it
        earlier = (await self._written())[0].get("users", set())
        gone = sorted(earlier - self.known.present.get("users", set()))
        await self._remove("users", gone, "users")

    async def _delete_stale(self) -> None:
        """After writing: rows an earlier run wrote and this one did not (skipped now, or a
        seat, test case or event its document no longer has)."""
        earlier, current = await self._written()
        order = [MAIN_TABLE[name] for name in COLLECTIONS]
        extra = sorted(set(self.info) - set(order))
        for table in reversed(order + extra):
            owner = next((n for n, t in MAIN_TABLE.items() if t == table), None)
            stale = earlier.get(table, set()) - current.get(table, set())
            await self._remove(table, sorted(stale), owner)
        await self.connection.execute(
            "DELETE FROM imported_batches WHERE run < $1", self.run_number
        )

    async def _remove(self, table: str, ids: list[str], collection: str | None) -> None:
        if not ids:
            return
        removed = 0
        for start in range(0, len(ids), BATCH_ROWS):
            chunk = ids[start : start + BATCH_ROWS]
            removed += await self.connection.delete(table, chunk)
        self.report.table(table).deleted += removed  # rows a cascade took already: not counted
        if collection is not None:
            report = self.report.collection(collection)
            report.deleted += len(ids)
            report.deleted_ids += ids
