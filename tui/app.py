"""``codincod console``: the moderators' terminal console over a running server. One key per
screen (1-8), one key per action; the staff feed keeps it live and it reconnects by itself."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui import config
from tui.client import ApiError, Client, Me, Offline
from tui.screens.appeals import Appeals
from tui.screens.audit import Audit
from tui.screens.dashboard import Dashboard
from tui.screens.games import Games
from tui.screens.login import Login
from tui.screens.migrations import Migrations
from tui.screens.reports import Reports
from tui.screens.review import ReviewQueue
from tui.screens.users import Users

SCREENS = {
    "dashboard": Dashboard,
    "review": ReviewQueue,
    "reports": Reports,
    "users": Users,
    "games": Games,
    "appeals": Appeals,
    "audit": Audit,
    "migrations": Migrations,
}
BACKOFF_FIRST, BACKOFF_MOST = 0.5, 16.0
# Staff-feed events after which the screen in view is read again.
QUEUE_EVENTS = frozenset(
    {
        "report:filed",
        "report:decided",
        "appeal:filed",
        "appeal:decided",
        "puzzle:decided",
        "user:banned",
        "user:unbanned",
    }
)
NOT_A_MODERATOR = 2  # the exit status when the account may not use the console


class ConsoleApp(App[None]):
    TITLE = "codincod console"
    CSS = """
    #body { height: 1fr; }
    #table { width: 3fr; }
    #detail { width: 2fr; padding: 0 1; border-left: solid $primary; overflow-y: auto; }
    #dialog { width: 70; height: auto; padding: 1 2; border: thick $primary; background: $panel; }
    Confirm, Reason, TemporaryBanDialog, TypeToConfirm { align: center middle; }
    #login { width: 60; height: auto; padding: 1 2; }
    Login { align: center middle; }
    #stats { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"show('{name}')", f"{n} {name.title()}", show=False)
            for n, name in enumerate(SCREENS, 1)
        ),
        Binding("question_mark", "keys", "Keys (1-8 screens)"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, client: Client, *, read_only: bool = False, remember: bool = True) -> None:
        super().__init__()
        self.client, self.read_only, self.remember = client, read_only, remember
        self.me = Me("", "", "")
        self.feed_live = False
        self.failures = 0

    async def on_unmount(self) -> None:
        await self.client.close()

    def on_mount(self) -> None:
        self.set_keymap(config.load_keys())
        if self.client.token:
            self._start()
        else:
            self.push_screen(Login())

    @work(exclusive=True, group="start")
    async def _start(self) -> None:
        await self.signed_in(remember=False)

    async def signed_in(self, *, remember: bool) -> None:
        """A session: check it is a moderator's, keep it, show the dashboard, go live."""
        try:
            if self.read_only and not config.is_read_only(self.client.token or ""):
                await self.client.read_only_token()  # never a write with a full token
            self.me = await self.client.me()
        except ApiError as error:
            self.report(error)
            self.push_screen(Login())
            return
        if not self.me.is_moderator:
            message = f"{self.me.username} is not a moderator: the console is for moderators"
            self.exit(return_code=NOT_A_MODERATOR, message=message)
            return
        if remember and self.remember and self.client.token:
            config.save_token(self.client.server, self.client.token)
        for name, screen in SCREENS.items():
            self.install_screen(screen(), name)
        self.sub_title = f"{self.me.username}" + (" · read-only" if self.read_only else "")
        if isinstance(self.screen, Login):
            self.switch_screen("dashboard")
        else:
            self.push_screen("dashboard")
        self._follow_feed()

    def action_show(self, name: str) -> None:
        if self.me.is_moderator and self.is_screen_installed(name):
            self.switch_screen(name)

    def action_keys(self) -> None:
        keys = [f"{self.get_key_display(b)}  {b.description}" for b in self._active_bindings()]
        keys += ["Enter  open the selected row", "ctrl+p  command palette", "ctrl+q  quit"]
        self.notify("\n".join(keys), title="Keys", timeout=15)

    def _active_bindings(self) -> list[Binding]:
        return [b for _, b, _, _ in self.active_bindings.values() if b.description]

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette lists every action of the screen it was opened over."""
        yield from super().get_system_commands(screen)
        for binding in [*screen.BINDINGS, *self.BINDINGS]:
            if isinstance(binding, Binding) and binding.description:
                key = self.get_key_display(binding)
                yield SystemCommand(
                    binding.description, f"key {key}", lambda b=binding: self._press(screen, b)
                )

    def _press(self, screen: Screen[Any], binding: Binding) -> None:
        target = self if binding in self.BINDINGS else screen
        self.call_later(target.run_action, binding.action)

    def report(self, error: ApiError) -> None:
        if isinstance(error, Offline):
            self.sub_title = f"offline, reconnecting ({self.failures}): {error.message}"
        title = "read-only" if "read-only" in error.message else "Refused"
        self.notify(error.message, title=title, severity="error", markup=False)

    # --- the staff feed ------------------------------------------------------------------------

    @work(exclusive=True, group="feed")
    async def _follow_feed(self) -> None:
        """Hear the staff feed for ever: reconnect with backoff (0.5 s doubling to 16 s, with
        jitter) and resynchronise every screen after each reconnect."""
        while True:
            try:
                async for frame in self.client.feed():
                    self._on_frame(frame)
                error: ApiError = Offline("the staff feed closed")
            except ApiError as refused:
                error = refused
            self.feed_live = False
            self.failures += 1
            self.sub_title = f"offline, reconnecting ({self.failures}): {error.message}"
            delay = min(BACKOFF_MOST, BACKOFF_FIRST * 2 ** (self.failures - 1))
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))

    def _on_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("event") == "feed:open":
            self.feed_live, self.failures = True, 0
            self.sub_title = self.me.username + (" · read-only" if self.read_only else "")
            self.resync()
            return
        for name in ("dashboard", "games"):
            screen = self.get_screen(name)
            if screen.is_mounted:
                screen.reload()  # type: ignore[attr-defined]
        if frame.get("event") in QUEUE_EVENTS and hasattr(self.screen, "reload"):
            self.screen.reload()  # a queue moved under the moderator's eyes: show it
        on_feed = getattr(self.screen, "on_feed", None)
        if on_feed is not None:
            on_feed(frame)

    def resync(self) -> None:
        for name in SCREENS:
            screen = self.get_screen(name)
            if screen.is_mounted:
                screen.reload()  # type: ignore[attr-defined]
