"""Programming languages: the rows submissions refer to, matched with the executor's runtimes.

A language row is kept forever once created (submissions and puzzle solutions point at it);
``sync`` adds rows for new runtimes and refreshes aliases, and the public list shows only the
rows the executor can run now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from codincod.errors import NotFound
from codincod.execution.executor import Executor, Runtime, UnsupportedLanguage
from codincod.execution.models import ProgrammingLanguage
from codincod.ids import is_valid_id

NOT_FOUND = "Programming language not found"


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sorts "3.10.0" after "3.9.4": numbers compare as numbers."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"[.\-+]", version)
    )


def _sorted(rows: list[ProgrammingLanguage]) -> list[ProgrammingLanguage]:
    newest_first = sorted(rows, key=lambda row: version_key(row.version), reverse=True)
    return sorted(newest_first, key=lambda row: row.language)


async def installed(executor: Executor) -> list[ProgrammingLanguage]:
    """Stored languages the executor runs now: by name, newest version first. A runtime
    without a row yet (installed since the last sync) gets one here."""
    runtimes = {
        (runtime.language, runtime.version): runtime for runtime in await executor.runtimes()
    }
    rows = [
        row for row in await ProgrammingLanguage.all() if (row.language, row.version) in runtimes
    ]
    if len(rows) < len(runtimes):
        known = {(row.language, row.version) for row in rows}
        for key, runtime in runtimes.items():
            if key not in known:
                await _add(runtime)
        rows = [
            row
            for row in await ProgrammingLanguage.all()
            if (row.language, row.version) in runtimes
        ]
    return _sorted(rows)


async def find(language_id: str) -> ProgrammingLanguage:
    if not is_valid_id(language_id):
        raise NotFound(NOT_FOUND)
    row = await ProgrammingLanguage.get_or_none(id=language_id.lower())
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    unchanged: int


async def sync(executor: Executor) -> SyncReport:
    """Make a row for every runtime; existing rows keep their ids."""
    added = updated = unchanged = 0
    for runtime in await executor.runtimes():
        row = await ProgrammingLanguage.get_or_none(
            language=runtime.language, version=runtime.version
        )
        if row is None:
            if await _add(runtime):
                added += 1
            continue
        aliases = list(runtime.aliases)
        if row.aliases == aliases and row.runtime == runtime.runtime:
            unchanged += 1
            continue
        row.aliases, row.runtime = aliases, runtime.runtime
        await row.save()
        updated += 1
    return SyncReport(added, updated, unchanged)


async def _add(runtime: Runtime) -> bool:
    try:
        await ProgrammingLanguage.create(
            language=runtime.language,
            version=runtime.version,
            aliases=list(runtime.aliases),
            runtime=runtime.runtime,
        )
    except IntegrityError:
        return False  # another worker added it a moment ago
    return True


def _newest(runtimes: list[Runtime]) -> Runtime | None:
    return max(runtimes, key=lambda runtime: version_key(runtime.version), default=None)


def runtime_named(runtimes: list[Runtime], name: str) -> Runtime:
    """The runtime for a language name as the play page sends it ("python"), or an alias."""
    found = _newest([r for r in runtimes if r.language == name]) or _newest(
        [r for r in runtimes if name in r.aliases]
    )
    if found is None:
        raise UnsupportedLanguage(
            "At the moment we don't support this language.", title="Unsupported language"
        )
    return found


def runtime_of(runtimes: list[Runtime], row: ProgrammingLanguage) -> Runtime:
    """The runtime for a stored language: its exact version, else the newest of its name."""
    for runtime in runtimes:
        if runtime.language == row.language and runtime.version == row.version:
            return runtime
    found = _newest([r for r in runtimes if r.language == row.language])
    if found is None:
        raise UnsupportedLanguage(
            f"Unsupported language: {row.language}", title="Unsupported language"
        )
    return found
