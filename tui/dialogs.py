"""The questions the console asks before it acts: a confirmation (``y`` or Enter), a reason,
a temporary ban's days and reason, and a confirmation by typing a name."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.text import esc

REASON_MIN = 10


class Confirm(ModalScreen[bool]):
    """Yes (``y`` or Enter) or no (``n`` or Escape)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, id="question", markup=False)
            yield Label("[b]y[/b]/Enter: yes    [b]n[/b]/Esc: no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Reason(ModalScreen[str | None]):
    """A reason (at least 10 characters) for the action; Escape gives up."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, markup=False)
            yield Label(f"Give a reason (at least {REASON_MIN} characters); Enter confirms")
            yield Input(placeholder="reason", id="reason")
            yield Label("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if len(text) < REASON_MIN:
            self.query_one("#problem", Label).update(
                f"A reason has at least {REASON_MIN} characters"
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class TemporaryBan:
    days: float
    reason: str

    @property
    def length(self) -> str:
        return f"{self.days:g} day" + ("" if self.days == 1 else "s")


class TemporaryBanDialog(ModalScreen[TemporaryBan | None]):
    """Days, then reason (Tab between); Enter in the reason confirms."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Temporary ban of {esc(self.username)}: days, then reason (Tab between)")
            yield Input(placeholder="days", id="days")
            yield Input(placeholder=f"reason (at least {REASON_MIN} characters)", id="reason")
            yield Label("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "days":
            self.query_one("#reason", Input).focus()
            return
        problem = self.query_one("#problem", Label)
        try:
            days = float(self.query_one("#days", Input).value)
        except ValueError:
            problem.update("Days is a number, e.g. 3 or 0.5")
            self.query_one("#days", Input).focus()
            return
        reason = event.value.strip()
        if days <= 0 or len(reason) < REASON_MIN:
            problem.update(f"Days above 0 and a reason of at least {REASON_MIN} characters")
            return
        self.dismiss(TemporaryBan(days, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TypeToConfirm(ModalScreen[str | None]):
    """A permanent ban: confirmed by typing the username, then a reason."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            name = esc(self.username)
            yield Label(f"Permanent ban: type [b]{name}[/b] to confirm, then a reason")
            yield Input(placeholder="username", id="name")
            yield Input(placeholder=f"reason (at least {REASON_MIN} characters)", id="reason")
            yield Label("", id="problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "name":
            self.query_one("#reason", Input).focus()
            return
        problem = self.query_one("#problem", Label)
        if self.query_one("#name", Input).value != self.username:
            problem.update("The name does not match: nothing done")
            return
        if len(event.value.strip()) < REASON_MIN:
            problem.update(f"A reason has at least {REASON_MIN} characters")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
