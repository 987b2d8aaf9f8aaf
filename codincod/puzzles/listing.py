"""The puzzle list as SQL that fits its indexes.

A list is one or two *branches* of puzzles (everyone's approved ones; an author's own unapproved
ones beside them), each a set of conditions. A page's ids are read from an index in the list's
order before anything is joined, and a branch whose only conditions are on visibility and
difficulty gets its total from ``puzzle_counts`` (kept exact by triggers) instead of counting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ORDER = "created_at DESC, id DESC"


@dataclass(frozen=True)
class Condition:
    """SQL with ``{}`` where each of ``values`` goes: ``Condition("author_id = {}", (id,))``."""

    text: str
    values: tuple[Any, ...] = ()


@dataclass
class Branch:
    """Puzzles matching every condition: ``equal`` on tallied columns, ``other`` beside."""

    equal: dict[str, str] = field(default_factory=dict)
    other: list[Condition] = field(default_factory=list)

    def narrowed(self, column: str, value: str) -> Branch | None:
        """This branch with ``column = value`` (``None``: it already wants another value)."""
        if self.equal.get(column, value) != value:
            return None
        return Branch({**self.equal, column: value}, list(self.other))


@dataclass
class ListQuery:
    branches: list[Branch]
    offset: int
    limit: int


class Statement:
    """SQL with ``$n`` placeholders and their values, numbered as they are added."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def where(self, branch: Branch) -> str:
        conditions = [f"{column} = {self.bind(value)}" for column, value in branch.equal.items()]
        for condition in branch.other:
            conditions.append(condition.text.format(*map(self.bind, condition.values)))
        return " AND ".join(conditions) or "1 = 1"


def page_ids_sql(query: ListQuery) -> tuple[str, list[Any]]:
    """The page's ``(id, created_at)`` rows, newest first: one walk down the index on
    (created_at, id, visibility, author_id), which holds every column a branch tests, so
    several branches cost no sort (a UNION of ordered branches made SQLite sort each)."""
    statement = Statement()
    limit, offset = statement.bind(query.limit), statement.bind(query.offset)
    where = " OR ".join(f"({statement.where(branch)})" for branch in query.branches)
    text = (
        f"SELECT id, created_at FROM puzzles WHERE {where} "
        f"ORDER BY {ORDER} LIMIT {limit} OFFSET {offset}"
    )
    return text, statement.params


def total_sql(query: ListQuery) -> tuple[str, list[Any]]:
    """How many puzzles the list holds: tallies where they can answer, counts elsewhere."""
    statement = Statement()
    parts = []
    for branch in query.branches:
        where = statement.where(branch)
        if branch.other:
            parts.append(f"(SELECT COUNT(*) FROM puzzles WHERE {where})")
        else:
            parts.append(f"(SELECT COALESCE(SUM(n), 0) FROM puzzle_counts WHERE {where})")
    return f"SELECT {' + '.join(parts)} AS total", statement.params
