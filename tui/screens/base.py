"""What every table screen shares: a table whose cursor starts on the first row, a detail pane
for the selected row, ``/`` to filter, loading in a worker, and actions that ask first, refuse
politely in a read-only session and turn the server's refusals into notifications."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tui.client import ApiError, Client
from tui.header import Header
from tui.text import plain

if TYPE_CHECKING:
    from tui.app import ConsoleApp

Row = dict[str, Any]
READ_ONLY = "read-only session: nothing was sent"
FRESH_SECONDS = 10.0  # a page read ahead is shown as it is for this long, then read again


@dataclass(frozen=True)
class Sheet:
    """One page of a table as the server gave it, and how many pages there are."""

    rows: list[Row]
    pages: int = 1
    read_at: float = field(default_factory=time.monotonic)

    @property
    def fresh(self) -> bool:
        return time.monotonic() - self.read_at < FRESH_SECONDS


def gone(screen: Screen[Any]) -> bool:
    """True once the screen is being taken down (the console closing): a worker finishing
    then has nowhere to show what it read. (Textual hides a node while it removes it.)"""
    return not screen.is_attached or not screen.display


def short_time(stamp: str) -> str:
    """``2026-12-06T22:16:05.123Z`` -> ``12-06 22:16`` (UTC): fits a table column."""
    return stamp[5:16].replace("T", " ")


class TableScreen(Screen[None]):
    TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("ctrl+r", "reload", "Refresh", id="refresh"),
        Binding("right_square_bracket", "page(1)", "Next page", show=False),
        Binding("left_square_bracket", "page(-1)", "Previous page", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.shown: list[Row] = []
        self.filter_text = ""
        self.page_number = 1
        self.total_pages = 1
        self.sheets: dict[int, Sheet] = {}  # pages read (or read ahead), by number

    @property
    def console(self) -> ConsoleApp:
        return self.app  # type: ignore[return-value]

    @property
    def client(self) -> Client:
        return self.console.client

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="detail")
        yield Input(placeholder="/ to filter: text to look for, Enter to apply", id="filter")
        yield Footer()

    def on_mount(self) -> None:
        # Textual calls every class's own on_mount: subclasses extend ``prepare`` instead.
        self.prepare()

    def prepare(self) -> None:
        self.title = self.TITLE
        table = self.query_one(DataTable)
        table.add_columns(*self.COLUMNS)
        self.reload()

    # --- what each screen says ------------------------------------------------------------------

    async def fetch(self, number: int) -> Sheet:
        """Page ``number`` of the table (screens without pages ignore it)."""
        raise NotImplementedError

    def cells(self, row: Row) -> tuple[Any, ...]:
        raise NotImplementedError

    def describe(self, row: Row) -> str:
        return ""

    # --- loading --------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        """Back on this screen: read it again (it may have changed while away)."""
        if self.query(DataTable) and self.query_one(DataTable).columns:
            self.reload()

    def reload(self) -> None:
        self.sheets = {}  # whatever was read ahead may be out of date now
        self._load()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        number = self.page_number
        try:
            sheet = await self.fetch(number)
        except ApiError as error:
            self.console.report(error)
            return
        if not gone(self):
            self._show_sheet(number, sheet)

    def _show_sheet(self, number: int, sheet: Sheet) -> None:
        self.sheets[number] = sheet
        self.rows, self.total_pages = sheet.rows, max(1, sheet.pages)
        self.show_rows()
        if number < self.total_pages and number + 1 not in self.sheets:
            self._read_ahead(number + 1)

    @work(exclusive=True, group="ahead")
    async def _read_ahead(self, number: int) -> None:
        """The next page, read while the moderator looks at this one: ``]`` shows it at once."""
        kept = self.sheets
        with contextlib.suppress(ApiError):  # read again when asked for, the error said then
            sheet = await self.fetch(number)
            if kept is self.sheets:  # not reloaded meanwhile (a new filter, a decision...)
                kept[number] = sheet

    def show_rows(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        needle = self.filter_text.lower()
        self.shown = [r for r in self.rows if not needle or needle in self._text(r)]
        self.query_one(
            "#filter", Input
        ).placeholder = (
            f"/ to filter · page {self.page_number} of {self.total_pages} ([ and ] to turn)"
        )
        table.clear()
        for row in self.shown:
            table.add_row(*(plain(cell) for cell in self.cells(row)))
        if self.shown:
            table.move_cursor(row=min(max(keep, 0), len(self.shown) - 1))
        self.on_selected()

    def _text(self, row: Row) -> str:
        return " ".join(str(cell) for cell in self.cells(row)).lower()

    @property
    def selected(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.on_selected()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes the key): the screen's ``open``, if it has one."""
        if hasattr(self, "action_open"):
            self.action_open()

    def on_selected(self) -> None:
        row = self.selected
        self.query_one("#detail", Static).update(self.describe(row) if row else "(nothing here)")

    def action_page(self, step: int) -> None:
        wanted = self.page_number + step
        if not 1 <= wanted <= self.total_pages:
            return
        self.page_number = wanted
        kept = self.sheets.get(wanted)
        if kept is not None and kept.fresh:
            self._show_sheet(wanted, kept)
        else:
            self.sheets.pop(wanted, None)
            self._load()

    # --- filtering ------------------------------------------------------------------------------

    # The filter bar stays in place (showing or hiding it would lay the whole screen out
    # again, the slowest thing a keypress could cause): ``/`` moves the focus to it.
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = self.filter_text
        box.focus()

    def action_clear_filter(self) -> None:
        self.filter_text = ""
        self.query_one("#filter", Input).value = ""
        self.show_rows()
        self.query_one(DataTable).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        self.filter_text = event.value.strip()
        self.show_rows()
        table = self.query_one(DataTable)
        table.focus()
        if self.shown:
            table.move_cursor(row=0)  # the first match

    # --- acting ---------------------------------------------------------------------------------

    def may_write(self) -> bool:
        if self.console.read_only:
            self.notify(READ_ONLY, title="read-only", severity="warning")
            return False
        return True

    async def perform(self, action: Callable[[], Awaitable[Any]], done: str) -> bool:
        """Run one server call; say what happened; refresh."""
        try:
            await action()
        except ApiError as error:
            self.console.report(error)
            return False
        self.notify(done, markup=False)
        self.reload()
        return True
