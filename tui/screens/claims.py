"""Claims from the console: Enter on a row claims its item on the server (renewed while it
stays open); leaving the screen or opening another releases it."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from textual import work

from tui.client import ApiError
from tui.screens.base import Row, TableScreen, gone

RENEW_SECONDS = 120.0  # claims last 5 minutes


class ClaimsMixin(TableScreen):
    KIND: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self.held: str | None = None
        self.opened_text: dict[str, str] = {}

    def prepare(self) -> None:
        super().prepare()
        self.set_interval(RENEW_SECONDS, self._renew)

    def action_open(self) -> None:
        row = self.selected
        if row is not None:
            self._open(row)

    @work(exclusive=True, group="open")
    async def _open(self, row: Row) -> None:
        if not self.console.read_only:  # a read-only session looks without holding
            if self.held and self.held != row["id"]:
                await self._release()
            try:
                claim = await self.client.claim(self.KIND, row["id"])
            except ApiError as error:
                self.console.report(error)
            else:
                self.held = row["id"]
                row["claimedBy"] = {"_id": claim.holder.id, "username": claim.holder.username}
        try:
            self.opened_text[row["id"]] = await self.load_detail(row)
        except ApiError as error:
            self.console.report(error)
        if not gone(self):
            self.show_rows()

    async def load_detail(self, row: Row) -> str:
        return self.describe(row)

    async def _release(self) -> None:
        held, self.held = self.held, None
        if held:
            with contextlib.suppress(ApiError):  # else it runs out by itself in 5 minutes
                await self.client.release(self.KIND, held)

    @work(group="claims")
    async def _renew(self) -> None:
        if self.held:
            try:
                await self.client.claim(self.KIND, self.held)
            except ApiError as error:
                self.console.report(error)

    def on_screen_suspend(self) -> None:
        self._let_go()

    @work(group="claims")
    async def _let_go(self) -> None:
        await self._release()
