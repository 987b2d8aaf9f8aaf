"""``3`` Reports: every pending report, whatever it is about. Enter claims it and shows the
evidence: the reported chat line with the lines around it, the reported user's upheld reports,
bans and recent chat, and what upholding it would do. ``x`` upholds (after saying what the
escalation rule will do), ``j`` rejects, ``b`` bans the reported user."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui.client import Evidence
from tui.dialogs import Confirm, TemporaryBanDialog
from tui.screens.base import Row, Sheet, TableScreen, short_time
from tui.screens.claims import ClaimsMixin
from tui.text import esc

KINDS = ("reported_game_chat", "reported_user", "reported_comment", "reported_puzzle")
PER_KIND = 25  # a page of at most 100 rows: filtering and drawing stay within a frame or two


def evidence_text(row: Row, evidence: Evidence) -> str:
    lines = [f"[b]{esc(row['title'])}[/b]", "", esc(row.get("reportExplanation", ""))]
    context = row.get("contextMessages") or []
    if context:
        lines += ["", "[b]Chat around it[/b]"]
        for line in context:
            mark = ">>" if line.get("isReported") else "  "
            lines.append(f"{mark} {esc(line['username'])}: {esc(line['message'])}")
    if evidence.user is not None:
        plural = "" if evidence.upheld == 1 else "s"
        name = esc(evidence.user.username)
        lines += ["", f"[b]{name}[/b]: {evidence.upheld} upheld report{plural}"]
        for ban in evidence.bans[:5]:
            state = "active" if ban.get("isActive") else "ended"
            lines.append(f"  ban {ban['banType']} ({state}): {esc(ban['reason'])}")
        for chat in evidence.recent_chat[:5]:
            lines.append(f"  said: {esc(chat['message'])}")
    if evidence.consequence:
        lines += ["", f"If upheld: [b]{esc(evidence.consequence)}[/b]"]
    return "\n".join(lines)


class Reports(ClaimsMixin, TableScreen):
    TITLE = "Reports"
    KIND = "report"
    COLUMNS = ("Kind", "About", "Reported user", "By", "Claimed by", "Filed")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("enter", "open", "Open (claim)"),
        Binding("x", "resolve", "Uphold", id="resolve"),
        Binding("j", "reject", "Reject", id="reject"),
        Binding("b", "ban", "Ban user", id="ban"),
    ]

    async def fetch(self, number: int) -> Sheet:
        pages = await asyncio.gather(*(self.client.queue(k, number, PER_KIND) for k in KINDS))
        rows = [item for page in pages for item in page.items]
        return Sheet(rows, max(page.total_pages for page in pages))

    def cells(self, row: Row) -> tuple[Any, ...]:
        holder = row.get("claimedBy")
        return (
            row["type"].removeprefix("reported_"),
            row["title"],
            row.get("reportedUserName", ""),
            row.get("reportedBy", ""),
            holder["username"] if holder else "",
            short_time(row["createdAt"]),
        )

    def describe(self, row: Row) -> str:
        return self.opened_text.get(row["id"]) or (
            f"[b]{esc(row['title'])}[/b]\n\n{esc(row.get('reportExplanation', ''))}\n\n"
            "Enter: open, claim and see the evidence"
        )

    async def load_detail(self, row: Row) -> str:
        return evidence_text(row, await self.client.evidence(row["id"]))

    def action_resolve(self) -> None:
        row = self.selected
        if row is not None and self.may_write():
            self._decide(row, upheld=True)

    def action_reject(self) -> None:
        row = self.selected
        if row is not None and self.may_write():
            self._decide(row, upheld=False)

    @work
    async def _decide(self, row: Row, upheld: bool) -> None:
        if upheld:
            evidence = await self.client.evidence(row["id"])
            then = evidence.consequence or "nobody to count it against"
            question = f"Uphold this report? {then}"
        else:
            question = "Reject this report?"
        if await self.app.push_screen_wait(Confirm(question)):
            done = "Report upheld" if upheld else "Report rejected"
            await self.perform(lambda: self.client.resolve(row["id"], upheld), done)

    def action_ban(self) -> None:
        row = self.selected
        if row is None or not self.may_write():
            return
        if not row.get("reportedUserId"):
            self.notify("Nobody to ban: this report names no user", severity="warning")
            return
        self._ban(row)

    @work
    async def _ban(self, row: Row) -> None:
        wanted = await self.app.push_screen_wait(TemporaryBanDialog(row["reportedUserName"]))
        if wanted is not None:
            await self.perform(
                lambda: self.client.ban(row["reportedUserId"], wanted.reason, wanted.days),
                f"{row['reportedUserName']} banned for {wanted.length}",
            )
