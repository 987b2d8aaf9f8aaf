"""One game: live while it runs (players, their languages, hand-ins as they come, the chat
streaming), a replay once it is over (``space`` play/pause, ``s`` speed 1x/4x/16x, left and
right to scrub, home and end)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.client import ApiError, GameRecord
from tui.header import Header
from tui.replay import Replay, moments
from tui.screens.base import gone
from tui.text import esc

if TYPE_CHECKING:
    from tui.app import ConsoleApp

POLL_SECONDS = 2.0
TICK_SECONDS = 0.1


def _left(game: dict[str, Any]) -> str:
    """How long a running game still has, by its end time."""
    end = datetime.fromisoformat(game["endTime"].replace("Z", "+00:00"))
    seconds = int((end - datetime.now(UTC)).total_seconds())
    return f", {seconds // 60}:{seconds % 60:02d} left" if seconds > 0 else ""


def standing(game: dict[str, Any]) -> str:
    players = ", ".join(esc(player["username"]) for player in game.get("players", []))
    left = _left(game) if game["status"] == "in_progress" else ""
    lines = [
        f"[b]{game['options']['mode']}[/b] game, {game['status']}{left}",
        f"players: {players}",
    ]
    for handed in game.get("playerSubmissions", []):
        user = handed.get("user") or {}
        language = (handed.get("programmingLanguage") or {}).get("language", "?")
        rate = (handed.get("result") or {}).get("successRate", 0)
        lines.append(
            f"  #{handed.get('rank', '?')} {esc(user.get('username', '?'))} ({esc(language)}) "
            f"{rate:.0%} passed"
        )
    return "\n".join(lines)


class GameScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("space", "play_pause", "Play/pause"),
        Binding("s", "faster", "Speed"),
        Binding("left", "step(-1)", "Back one"),
        Binding("right", "step(1)", "On one"),
        Binding("home", "seek_start", "Start", show=False),
        Binding("end", "seek_end", "End", show=False),
    ]

    def __init__(self, game_id: str) -> None:
        super().__init__()
        self.game_id = game_id
        self.record: GameRecord | None = None
        self.replay: Replay | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading...", id="standing")
        yield Static("", id="timeline")
        yield Static("", id="scrubber")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Game {self.game_id}"
        self.reload()
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(TICK_SECONDS, self._tick)

    def reload(self) -> None:
        self._load()

    def _poll(self) -> None:
        if self.replay is None:  # live: the feed says what changed; a poll catches the rest
            self.reload()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        app: ConsoleApp = self.app  # type: ignore[assignment]
        try:
            self.record = await app.client.game(self.game_id)
        except ApiError as error:
            app.report(error)
            return
        if gone(self):
            return
        game = self.record.game
        self.query_one("#standing", Static).update(standing(game))
        if game["status"] == "finished" and self.replay is None:
            self.replay = Replay(moments(self.record.events, self.record.chat))
            self.sub_title = "replay"
        self._draw()

    def on_feed(self, frame: dict[str, Any]) -> None:
        if frame.get("game") == self.game_id and self.replay is None:
            self.reload()

    def _draw(self) -> None:
        if self.record is None:
            return
        if self.replay is None:
            lines = [esc(m.text) for m in moments(self.record.events, self.record.chat)][-20:]
            self.query_one("#timeline", Static).update("\n".join(lines) or "(nothing yet)")
            self.query_one("#scrubber", Static).update("live")
            return
        shown = self.replay.moments[: self.replay.shown]
        self.query_one("#timeline", Static).update(
            "\n".join(f"{m.at:%H:%M:%S} {esc(m.text)}" for m in shown[-20:]) or "(the start)"
        )
        self.query_one("#scrubber", Static).update(self.replay.bar())

    def _tick(self) -> None:
        if self.replay is not None and self.replay.playing:
            self.replay.tick(TICK_SECONDS)
            self._draw()

    def action_play_pause(self) -> None:
        if self.replay is not None:
            self.replay.toggle()
            self._draw()

    def action_faster(self) -> None:
        if self.replay is not None:
            self.replay.faster()
            self._draw()

    def action_step(self, step: int) -> None:
        if self.replay is not None:
            self.replay.seek(self.replay.shown + step)
            self._draw()

    def action_seek_start(self) -> None:
        if self.replay is not None:
            self.replay.seek(0)
            self._draw()

    def action_seek_end(self) -> None:
        if self.replay is not None:
            self.replay.seek(len(self.replay.moments))
            self._draw()
