"""``5`` Games: open waiting rooms (host and members), then games, live first. Enter on a
game opens it: live while it runs, a replay once it is over."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual.binding import Binding, BindingType

from tui.screens.base import Row, Sheet, TableScreen, short_time
from tui.screens.game import GameScreen
from tui.text import esc

ORDER = {"in_progress": 0, "waiting": 1, "finished": 2}


class Games(TableScreen):
    TITLE = "Games"
    COLUMNS = ("Kind", "Host / mode", "Members / status", "Id", "Started")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableScreen.BINDINGS,
        Binding("enter", "open", "Watch / replay"),
    ]

    async def fetch(self, number: int) -> Sheet:
        rooms, games = await asyncio.gather(self.client.rooms(), self.client.games())
        listed = [{"kind": "room", **room} for room in rooms]
        ordered = sorted(games.items, key=lambda g: ORDER.get(g["status"], 3))
        return Sheet(listed + [{"kind": "game", **game} for game in ordered])

    def cells(self, row: Row) -> tuple[Any, ...]:
        if row["kind"] == "room":
            members = ", ".join(user["username"] for user in row["users"])
            return ("room", row["owner"]["username"], members, row["roomId"], "")
        return ("game", row["mode"], row["status"], row["_id"], short_time(row["startTime"]))

    def describe(self, row: Row) -> str:
        if row["kind"] == "room":
            names = "\n".join(f"  {esc(user['username'])}" for user in row["users"])
            return f"[b]Room {row['roomId']}[/b] ({row['visibility']})\nhost: " + (
                f"{esc(row['owner']['username'])}\n\nmembers:\n{names}"
            )
        return (
            f"[b]Game {row['_id']}[/b]\n{row['mode']}, {row['status']}\n"
            f"start {row['startTime']}\nend   {row['endTime']}\n\n"
            "Enter: " + ("replay" if row["status"] == "finished" else "watch it live")
        )

    def action_open(self) -> None:
        row = self.selected
        if row is not None and row["kind"] == "game":
            self.app.push_screen(GameScreen(row["_id"]))
