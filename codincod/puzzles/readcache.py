"""Cached public reads of puzzles: the anonymous list pages and approved puzzles' pages.

Entries are tagged with the puzzle (``puzzle:<id>``), ``lists`` for list pages, and every user
shown in them (``user:<id>``); the database's triggers say which tags a change ends (see
``codincod.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable

from codincod.accounts.authcache import CHANNEL as AUTH_CHANNEL
from codincod.bus import bus
from codincod.cache import TaggedCache

CHANNEL = "codincod_content"
LISTS = "lists"


def _tags_of_event(payload: str) -> Iterable[str]:
    kind, _, key = payload.partition(":")
    if kind == "puzzles":  # the puzzle row itself: its page and every list
        return (f"puzzle:{key}", LISTS)
    if kind in ("puzzle", "user"):
        return (payload,)
    return ()


def puzzle_tag(puzzle_id: str) -> str:
    return f"puzzle:{puzzle_id}"


def user_tags(user_ids: Iterable[str]) -> set[str]:
    return {f"user:{user_id}" for user_id in user_ids}


public_reads: TaggedCache[bytes] = TaggedCache(
    [CHANNEL, AUTH_CHANNEL], tags_of_event=_tags_of_event, max_entries=20_000
)
public_reads.attach(bus)
