"""``7`` Audit log: every staff action, newest first, users by name. ``/`` filters:
``actor:NAME``, ``action:ACTION`` and ``target:NAME-or-ID`` ask the server; any other words
filter the rows shown."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input

from tui.screens.base import Row, Sheet, TableScreen
from tui.text import esc

FIELDS = {"actor": "actor", "action": "action", "target": "target"}


def split_filter(text: str) -> tuple[dict[str, str], str]:
    """``actor:alice ban`` -> ({"actor": "alice"}, "ban")."""
    asked: dict[str, str] = {}
    words = []
    for word in text.split():
        name, _, value = word.partition(":")
        if value and name in FIELDS:
            asked[FIELDS[name]] = value
        else:
            words.append(word)
    return asked, " ".join(words)


class Audit(TableScreen):
    TITLE = "Audit log"
    COLUMNS = ("When", "Actor", "Action", "Target", "Reason")

    def __init__(self) -> None:
        super().__init__()
        self.asked: dict[str, str] = {}

    async def fetch(self, number: int) -> Sheet:
        page = await self.client.audit(**self.asked)  # the newest entries, filtered
        return Sheet(page.items)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        event.prevent_default()  # not the base screen's plain filter as well
        self.asked, self.filter_text = split_filter(event.value)
        self.query_one(DataTable).focus()
        self.reload()

    def cells(self, row: Row) -> tuple[Any, ...]:
        return (
            row["createdAt"][:19],
            row["actor"]["username"],
            row["action"],
            f"{row['targetType']} {row.get('targetName') or row['targetId']}",
            (row.get("reason") or "")[:40],
        )

    def describe(self, row: Row) -> str:
        details = "\n".join(f"  {esc(k)}: {esc(v)}" for k, v in (row.get("details") or {}).items())
        return (
            f"[b]{row['action']}[/b] by {esc(row['actor']['username'])} at {row['createdAt']}\n"
            f"on {row['targetType']} {esc(row['targetId'])}\n\n"
            f"{esc(row.get('reason') or '')}\n\n{details}"
        )
