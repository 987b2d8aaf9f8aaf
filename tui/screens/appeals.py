"""``6`` Appeals: banned users' appeals of bans still in force. Enter claims one; ``a``
accepts (the ban ends), ``j`` rejects; both with a reason."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui.dialogs import Reason
from tui.screens.base import Row, Sheet, TableScreen, short_time
from tui.screens.claims import ClaimsMixin
from tui.text import esc


class Appeals(ClaimsMixin, TableScreen):
    TITLE = "Appeals"
    KIND = "appeal"
    COLUMNS = ("User", "Ban", "Appeal", "Claimed by", "Filed")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("enter", "open", "Open (claim)"),
        Binding("a", "accept", "Accept", id="accept"),
        Binding("j", "reject", "Reject", id="reject"),
    ]

    async def fetch(self, number: int) -> Sheet:
        page = await self.client.queue("ban_appeal", number)
        return Sheet(page.items, page.total_pages)

    def cells(self, row: Row) -> tuple[Any, ...]:
        holder = row.get("claimedBy")
        return (
            row.get("reportedUserName", ""),
            row.get("banReason", "")[:40],
            (row.get("description") or "")[:50],
            holder["username"] if holder else "",
            short_time(row["createdAt"]),
        )

    async def load_detail(self, row: Row) -> str:
        bans = await self.client.ban_history(row["reportedUserId"])
        lines = [self.describe(row), "", "[b]Bans[/b]"]
        for ban in bans:
            by = ban.get("bannedBy")
            who = esc(by.get("username", "?")) if isinstance(by, dict) else "?"
            until = short_time(ban["endDate"]) if ban.get("endDate") else "for good"
            state = "in force" if ban.get("isActive") else "ended"
            lines.append(f"  {short_time(ban['startDate'])} to {until} by {who} ({state})")
        return "\n".join(lines)

    def describe(self, row: Row) -> str:
        if row["id"] in self.opened_text:
            return self.opened_text[row["id"]]
        return (
            f"[b]Appeal from {esc(row.get('reportedUserName', ''))}[/b]\n\n"
            f"Ban: {esc(row.get('banReason', ''))}\n\nAppeal: {esc(row.get('description', ''))}"
        )

    def action_accept(self) -> None:
        if (row := self.selected) is not None and self.may_write():
            self._decide(row, accept=True)

    def action_reject(self) -> None:
        if (row := self.selected) is not None and self.may_write():
            self._decide(row, accept=False)

    @work
    async def _decide(self, row: Row, accept: bool) -> None:
        verb = "Accept" if accept else "Reject"
        reason = await self.app.push_screen_wait(Reason(f"{verb} this appeal: the reason"))
        if reason:
            await self.perform(
                lambda: self.client.decide_appeal(row["id"], accept, reason),
                "Appeal accepted: the ban has ended" if accept else "Appeal rejected",
            )
