"""Server text inside console markup. A username, title or chat line such as ``[/b]`` would
otherwise be read as a tag, and a malformed tag stops the screen from drawing at all."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape


def esc(value: object) -> str:
    """``value`` shown literally inside a markup string."""
    return escape(str(value))


def plain(value: object) -> Text:
    """A table cell shown as it is: no markup read (and no markup parsed, which is faster)."""
    return Text(str(value), no_wrap=True, end="")
