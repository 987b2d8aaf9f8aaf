"""The login screen: Username, Password, Enter. A refused login says why and stays here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from tui.client import ApiError
from tui.header import Header
from tui.text import esc

if TYPE_CHECKING:
    from tui.app import ConsoleApp


class Login(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login"):
            yield Label("Log in to the codincod server", id="heading")
            yield Label("Username")
            yield Input(placeholder="username or email", id="username")
            yield Label("Password")
            yield Input(placeholder="password", password=True, id="password")
            yield Label("", id="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Log in"
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
            return
        self._login(self.query_one("#username", Input).value, event.value)

    @work(exclusive=True)
    async def _login(self, username: str, password: str) -> None:
        app: ConsoleApp = self.app  # type: ignore[assignment]
        problem = self.query_one("#problem", Label)
        if not username or not password:
            problem.update("Invalid: enter a username and a password")
            return
        problem.update("logging in...")
        try:
            await app.client.login(username, password, read_only=app.read_only)
        except ApiError as error:
            problem.update(f"Login failed: {esc(error.message)}")
            self.query_one("#password", Input).value = ""
            return
        await app.signed_in(remember=True)
