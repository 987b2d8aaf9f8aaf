"""``8`` Migrations: applied and pending. ``m`` applies the pending ones (admins only, after a
confirmation; the server backs the database up first and the backup's path is shown)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui.client import ApiError
from tui.dialogs import Confirm
from tui.screens.base import Row, Sheet, TableScreen
from tui.text import esc


class Migrations(TableScreen):
    TITLE = "Migrations"
    COLUMNS = ("Migration", "State")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("m", "upgrade", "Apply pending"),
    ]

    async def fetch(self, number: int) -> Sheet:
        state = await self.client.migrations()
        self.sub_title = f"{state.dialect}: {len(state.pending)} pending"
        applied = [{"name": name, "state": "applied"} for name in state.applied]
        return Sheet(applied + [{"name": name, "state": "pending"} for name in state.pending])

    def cells(self, row: Row) -> tuple[Any, ...]:
        return (row["name"], row["state"])

    def describe(self, row: Row) -> str:
        return f"[b]{esc(row['name'])}[/b]\n\n{row['state']}"

    def action_upgrade(self) -> None:
        if not self.may_write():
            return
        if not self.console.me.is_admin:
            self.notify("Only admins apply migrations", severity="warning")
            return
        self._upgrade()

    @work
    async def _upgrade(self) -> None:
        pending = [row["name"] for row in self.rows if row["state"] == "pending"]
        question = (
            f"Back the database up, then apply {len(pending)} pending migration(s)?"
            if pending
            else "Nothing is pending. Run the upgrade anyway (it is audited)?"
        )
        if not await self.app.push_screen_wait(Confirm(question)):
            return
        try:
            done = await self.client.upgrade()
        except ApiError as error:
            self.console.report(error)
            return
        where = f"; backup: {done.backup}" if done.backup else ""
        self.notify(f"Applied {len(done.applied)} migration(s){where}", timeout=10)
        self.reload()
