"""``4`` Users: by name (``/`` searches the server), with role and ban state. Enter shows one
user's bans, the reports against them and their submissions; ``t`` temporary ban (days, then
reason), ``p`` permanent ban (type the name to confirm), ``u`` unban, ``h`` ban history."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from tui.client import ApiError
from tui.dialogs import Reason, TemporaryBanDialog, TypeToConfirm
from tui.screens.base import Row, Sheet, TableScreen, gone
from tui.text import esc


def user_text(user: dict[str, Any]) -> str:
    lines = [
        f"[b]{esc(user['username'])}[/b]  "
        f"({user['role']}{', admin' if user.get('isAdmin') else ''})",
        f"banned: {'yes' if user.get('banned') else 'no'}   "
        f"submissions: {user.get('submissionCount', 0)}",
        "",
        "[b]Bans[/b]",
    ]
    lines += [
        f"  {b['banType']} {'active' if b.get('isActive') else 'ended'}: {esc(b['reason'])}"
        for b in user.get("bans", [])
    ] or ["  none"]
    lines += ["", "[b]Reports against them[/b]"]
    reports = user.get("reports", [])
    lines += [f"  {r['status']}: {esc(r['explanation'][:60])}" for r in reports] or ["  none"]
    return "\n".join(lines)


class Users(TableScreen):
    TITLE = "Users"
    COLUMNS = ("Username", "Role", "Banned", "Reports", "Bans")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("enter", "open", "Details"),
        Binding("t", "temporary_ban", "Temp ban", id="temporary_ban"),
        Binding("p", "permanent_ban", "Perm ban", id="permanent_ban"),
        Binding("u", "unban", "Unban", id="unban"),
        Binding("h", "history", "History", id="history"),
    ]

    async def fetch(self, number: int) -> Sheet:
        page = await self.client.users(self.filter_text, number)
        return Sheet(page.items, page.total_pages)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # the filter is a search on the server (by part of the name), then shown as usual
        if event.input.id == "filter":
            event.prevent_default()  # the base screen's filter runs here, once
            self.page_number = 1
            super().on_input_submitted(event)
            self.reload()

    def cells(self, row: Row) -> tuple[Any, ...]:
        return (
            row["username"],
            row["role"] + (" (admin)" if row.get("isAdmin") else ""),
            "yes" if row.get("banned") else "",
            row.get("reportCount", 0),
            row.get("banCount", 0),
        )

    def describe(self, row: Row) -> str:
        return f"[b]{esc(row['username'])}[/b]\n\nEnter: bans, reports and submissions"

    def action_open(self) -> None:
        if (row := self.selected) is not None:
            self._detail(row)

    @work(exclusive=True, group="open")
    async def _detail(self, row: Row) -> None:
        try:
            found = await self.client.user(row["_id"])
        except ApiError as error:
            self.console.report(error)
            return
        if not gone(self):
            self.query_one("#detail", Static).update(user_text(found))

    def action_history(self) -> None:
        if (row := self.selected) is not None:
            self._history(row)

    @work(exclusive=True, group="open")
    async def _history(self, row: Row) -> None:
        try:
            bans = await self.client.ban_history(row["_id"])
        except ApiError as error:
            self.console.report(error)
            return
        lines = [f"[b]Ban history of {esc(row['username'])}[/b]", ""]
        lines += [
            f"{b['startDate'][:16]} {b['banType']} {'active' if b['isActive'] else 'ended'}: "
            f"{esc(b['reason'])}"
            for b in bans
        ] or ["no bans"]
        if not gone(self):
            self.query_one("#detail", Static).update("\n".join(lines))

    def action_temporary_ban(self) -> None:
        if (row := self.selected) is not None and self.may_write():
            self._temporary(row)

    @work
    async def _temporary(self, row: Row) -> None:
        wanted = await self.app.push_screen_wait(TemporaryBanDialog(row["username"]))
        if wanted is not None:
            await self.perform(
                lambda: self.client.ban(row["_id"], wanted.reason, wanted.days),
                f"{row['username']} banned for {wanted.length}",
            )

    def action_permanent_ban(self) -> None:
        if (row := self.selected) is not None and self.may_write():
            self._permanent(row)

    @work
    async def _permanent(self, row: Row) -> None:
        reason = await self.app.push_screen_wait(TypeToConfirm(row["username"]))
        if reason:
            await self.perform(
                lambda: self.client.ban(row["_id"], reason, None),
                f"{row['username']} banned permanently",
            )

    def action_unban(self) -> None:
        if (row := self.selected) is not None and self.may_write():
            self._unban(row)

    @work
    async def _unban(self, row: Row) -> None:
        reason = await self.app.push_screen_wait(Reason(f"Why lift {row['username']}'s ban?"))
        if reason:
            await self.perform(
                lambda: self.client.unban(row["_id"], reason), f"{row['username']} unbanned"
            )
