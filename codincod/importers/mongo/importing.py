"""``codincod import-mongo``: a mongodump folder into the configured database.

Two passes over the dump: the first learns what it holds (``Index``), the second maps each
document (``mapping``) and writes its rows in batches, parents before what points at them,
in one transaction. Every row written is noted with the run's number (``imported_rows``), so
a later run on a newer dump removes what Mongo no longer has, and writes only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
BATCH_ROWS = 5000
LEDGER = Table(
    "imported_rows",
    ("id", "table_name", "row_id", "run"),
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
    known = _index(folder, present, report, progress)
    await db.init_db(settings)
    try:
        async with Connection(settings) as connection:
            importer = _Importer(connection, tables(), known, report, progress)
            await importer.run(folder, present)
            report.dangling_references = await dangling_references(connection)
            await (connection.rollback() if dry_run else connection.commit())
    finally:
        await db.close_db()
    report.seconds = time.monotonic() - started
    return report


def _index(folder: Path, present: list[str], report: Report, progress: Progress) -> Known:
    index = Index(Known())
    for name in COLLECTIONS:
        if name in present:
            total = report.collection(name).in_dump
            for done, (_, document) in enumerate(_documents(folder, name, report), 1):
                index.see(name, document)
                if done % 20000 == 0:
                    progress(f"{name} (reading)", done, total)
    return index.finish()


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
        known: Known,
        report: Report,
        progress: Progress,
    ) -> None:
        self.connection, self.info, self.known = connection, info, known
        self.report, self.progress = report, progress
        self.waiting: dict[str, list[Row]] = {}
        self.run_number = 0

    async def run(self, folder: Path, present: list[str]) -> None:
        found = await self.connection.fetch("SELECT max(run) AS last FROM imported_rows")
        self.run_number = int(found[0]["last"] or 0) + 1
        await self._delete_absent(present)
        for name in COLLECTIONS:
            if name == "programminglanguages":
                for row in invented_languages(self.known):
                    self.known.keep(name, row["id"])
                    self._add("programming_languages", row)
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
        await self._delete_stale()

    async def _collection(self, folder: Path, name: str) -> None:
        report = self.report.collection(name)
        mapper, settled = MAPPERS[name], []
        for done, (_, document) in enumerate(_documents(folder, name, self.report), 1):
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
        waiting, self.waiting = self.waiting, {}
        for table, rows in waiting.items():  # in the order first met: parents first
            written = await self.connection.upsert(self.info[table], rows)
            counts = self.report.table(table)
            counts.new += len(written.new)
            counts.changed += len(written.changed)
            counts.unchanged += written.unchanged
            await self.connection.write(
                LEDGER,
                [(f"{table}:{r['id']}", table, r["id"], self.run_number) for r in rows],
            )

    async def _delete_absent(self, present: list[str]) -> None:
        """Before writing: accounts imported earlier that the dump no longer holds (a new
        account may carry a deleted one's name or email). The rest goes in ``_delete_stale``."""
        if "users" not in present:
            return  # a dump without the collection says nothing about it
        rows = await self.connection.fetch(
            "SELECT row_id FROM imported_rows WHERE table_name = 'users'"
        )
        ids = self.known.present.get("users", set())
        await self._remove("users", [r["row_id"] for r in rows if r["row_id"] not in ids], "users")

    async def _delete_stale(self) -> None:
        """After writing: rows an earlier run wrote and this one did not (skipped now, or a
        seat, test case or event its document no longer has)."""
        order = [MAIN_TABLE[name] for name in COLLECTIONS]
        extra = sorted(set(self.info) - set(order))
        for table in reversed(order + extra):
            rows = await self.connection.fetch(
                "SELECT row_id FROM imported_rows WHERE table_name = $1 AND run < $2",
                table,
                self.run_number,
            )
            owner = next((n for n, t in MAIN_TABLE.items() if t == table), None)
            await self._remove(table, [r["row_id"] for r in rows], owner)

    async def _remove(self, table: str, ids: list[str], collection: str | None) -> None:
        if not ids:
            return
        removed = 0
        for start in range(0, len(ids), BATCH_ROWS):
            chunk = ids[start : start + BATCH_ROWS]
            removed += await self.connection.delete(table, chunk)
            await self.connection.delete("imported_rows", [f"{table}:{i}" for i in chunk])
        self.report.table(table).deleted += removed  # rows a cascade took already: not counted
        if collection is not None:
            report = self.report.collection(collection)
            report.deleted += len(ids)
            report.deleted_ids += ids
