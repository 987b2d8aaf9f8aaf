"""``1`` Dashboard: the admin figures, kept live by the staff feed (and a poll every few
seconds while the feed is down)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.client import ApiError
from tui.header import Header
from tui.screens.base import gone

if TYPE_CHECKING:
    from tui.app import ConsoleApp

POLL_SECONDS = 2.0  # only while the feed is down: never faster than every 2 s


def describe(stats: dict[str, Any]) -> str:
    puzzles = stats.get("puzzles", {})
    executor = stats.get("executor", {})
    lines = [
        "[b]Dashboard[/b]",
        "",
        f"Users                 {stats.get('users', 0)}",
        "Puzzles               "
        + (", ".join(f"{k} {v}" for k, v in sorted(puzzles.items())) or "none"),
        f"Reports pending       {stats.get('reportsPending', 0)}",
        f"Appeals pending       {stats.get('appealsPending', 0)}",
        f"Waiting rooms         {stats.get('liveRooms', 0)}",
        f"Games live            {stats.get('liveGames', 0)}",
        f"Submissions, 1 hour   {stats.get('submissionsLastHour', 0)}",
        f"Code runs on          {executor.get('kind', '?')}"
        + ("" if executor.get("healthy", True) else " (unhealthy)"),
    ]
    return "\n".join(lines)


class Dashboard(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("[b]Dashboard[/b]\n\nloading...", id="stats")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Dashboard"
        self.reload()
        self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        if not self.app.feed_live:  # type: ignore[attr-defined]
            self.reload()

    def reload(self) -> None:
        self._load()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        app: ConsoleApp = self.app  # type: ignore[assignment]
        try:
            stats = await app.client.stats()
        except ApiError as error:
            app.report(error)
            return
        if not gone(self):
            self.query_one("#stats", Static).update(describe(stats))
