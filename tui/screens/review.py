"""``2`` Review queue: puzzles waiting for review. Enter claims the selected puzzle and shows
its statement, validators and solution; ``a`` approves, ``r`` sends it back with a reason."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui.dialogs import Confirm, Reason
from tui.screens.base import Row, Sheet, TableScreen, short_time
from tui.screens.claims import ClaimsMixin
from tui.text import esc


def _claimed(row: Row) -> str:
    holder = row.get("claimedBy")
    return holder["username"] if holder else ""


def puzzle_text(puzzle: dict[str, Any]) -> str:
    statement = esc(puzzle.get("statement") or "(no statement)")
    lines = [f"[b]{esc(puzzle.get('title', ''))}[/b]", "", statement]
    lines += ["", "[b]Validators[/b]"]
    for number, case in enumerate(puzzle.get("validators") or [], 1):
        given, wanted = repr(case.get("input", "")), repr(case.get("output", ""))
        lines.append(f"{number}. in: {esc(given)}  out: {esc(wanted)}")
    solution = puzzle.get("solution") or {}
    lines += ["", "[b]Solution[/b]", esc(solution.get("code") or "(none)")]
    return "\n".join(lines)


class ReviewQueue(ClaimsMixin, TableScreen):
    TITLE = "Review queue"
    KIND = "puzzle"
    COLUMNS = ("Title", "Author", "State", "Claimed by", "Created")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("enter", "open", "Open (claim)"),
        Binding("a", "approve", "Approve", id="approve"),
        Binding("r", "revise", "Revision", id="revise"),
    ]

    async def fetch(self, number: int) -> Sheet:
        page = await self.client.queue("pending_puzzle", number)
        return Sheet(page.items, page.total_pages)

    def cells(self, row: Row) -> tuple[Any, ...]:
        return (
            row["title"],
            row.get("authorName", ""),
            row.get("visibility", ""),
            _claimed(row),
            short_time(row["createdAt"]),
        )

    def describe(self, row: Row) -> str:
        return self.opened_text.get(row["id"]) or (
            f"[b]{esc(row['title'])}[/b]\n\n{esc(row.get('description') or '')}\n\n"
            "Enter: open and claim"
        )

    async def load_detail(self, row: Row) -> str:
        return puzzle_text(await self.client.puzzle(row["id"]))

    def action_approve(self) -> None:
        row = self.selected
        if row is None or not self.may_write():
            return
        self._approve(row)

    @work
    async def _approve(self, row: Row) -> None:
        if await self.app.push_screen_wait(Confirm(f"Approve '{row['title']}'?")):
            await self.perform(lambda: self.client.approve(row["id"]), "Puzzle approved")

    def action_revise(self) -> None:
        row = self.selected
        if row is None or not self.may_write():
            return
        self._revise(row)

    @work
    async def _revise(self, row: Row) -> None:
        reason = await self.app.push_screen_wait(Reason(f"Why does '{row['title']}' need work?"))
        if reason:
            await self.perform(
                lambda: self.client.revise(row["id"], reason), "Puzzle sent back for revision"
            )
