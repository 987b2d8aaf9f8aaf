"""The puzzle list as SQL that fits its indexes.

A list is one or two *branches* of puzzles (everyone's approved ones; an author's own unapproved
ones beside them), each a set of conditions. A page's ids are read from the index on
(visibility[, difficulty], created_at, id) before anything is joined, and a branch whose only
conditions are on visibility and difficulty gets its total from ``puzzle_counts`` (kept exact by
triggers) instead of counting rows.
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


def _ids(statement: Statement, branch: Branch, limit: str, offset: str | None = None) -> str:
    text = f"SELECT id, created_at FROM puzzles WHERE {statement.where(branch)} ORDER BY {ORDER}"
    text += f" LIMIT {limit}"
    return text + (f" OFFSET {offset}" if offset else "")


def page_ids_sql(query: ListQuery) -> tuple[str, list[Any]]:
    """The page's ``(id, created_at)`` rows, newest first."""
    statement = Statement()
    limit, offset = statement.bind(query.limit), statement.bind(query.offset)
    if len(query.branches) == 1:
        return _ids(statement, query.branches[0], limit, offset), statement.params
    # Each branch contributes at most offset + limit rows, read in index order.
    depth = statement.bind(query.offset + query.limit)
    arms = [
        f"SELECT * FROM ({_ids(statement, branch, depth)}) AS arm{number}"
        for number, branch in enumerate(query.branches)
    ]
    text = (
        f"SELECT id, created_at FROM ({' UNION ALL '.join(arms)}) AS merged "
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
