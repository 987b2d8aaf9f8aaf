"""Cached public reads of puzzles: the anonymous list pages and approved puzzles' pages. The
one place the response cache is used: keys, tags, single flight and the "unlisted" memo; the
routes make one call each (``puzzle_list``, ``puzzle_page``) and pass how to render, and the
puzzle service never touches the cache.

Entries are tagged with the puzzle (``puzzle:<id>``), ``lists`` for list pages, and every user
shown in them (``user:<id>``); the database's triggers say which tags a change ends (see
``codincod.cache``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from codincod.accounts.authcache import CHANNEL as AUTH_CHANNEL
from codincod.actors import Actor
from codincod.cache import TaggedCache
from codincod.pagination import Page
from codincod.puzzles import service
from codincod.puzzles.reads import Row
from codincod.puzzles.schemas import PuzzleListQuery
from codincod.puzzles.service import PuzzleView
from codincod.validation import Schema

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


# Changes end entries as they happen; the five-minute age limit is only a safety net.
public_reads: TaggedCache[bytes] = TaggedCache(
    [CHANNEL, AUTH_CHANNEL], tags_of_event=_tags_of_event, max_entries=20_000, ttl_seconds=300
)


# --- which reads are shared, and what ends them ------------------------------------------------


PUBLIC, EVERYTHING = "public", "everything"


def list_key(view: str | None, query: Schema) -> tuple[str, str, str] | None:
    """List pages are shared by everyone with the same view of puzzles: ``PUBLIC`` (anonymous
    people, and users with no unapproved puzzle of their own) or ``EVERYTHING`` (moderators).
    ``None``: a view of one's own, not shared."""
    return ("list", view, query.model_dump_json()) if view else None


def unlisted_key(user_id: str) -> tuple[str, str]:
    """Whether a user has puzzles only they can list; ended by any change to any puzzle."""
    return ("unlisted", user_id)


UNLISTED_TAGS = frozenset({LISTS})


def list_tags(page: Page[Row]) -> set[str]:
    return {LISTS, *user_tags(puzzle["author_id"] for puzzle in page.items)}


def page_key(puzzle_id: str) -> tuple[str, str]:
    return ("puzzle", puzzle_id.lower())


def page_tags(found: PuzzleView) -> set[str] | None:
    """An approved puzzle's page is the same for everyone (None: do not share it)."""
    if found.puzzle["visibility"] != "approved":
        return None
    people = {found.puzzle["author_id"]} | {c["author_id"] for c in found.comments}
    return {puzzle_tag(found.puzzle["id"]), *user_tags(people)}


# --- the reads, through the cache ----------------------------------------------------------


async def puzzle_list(
    actor: Actor | None, query: PuzzleListQuery, render: Callable[[Page[Row]], bytes]
) -> bytes:
    """A page of the puzzle list, rendered; shared by everyone with the same view of it."""
    view = await _list_view(actor)

    async def build() -> tuple[bytes, Iterable[str]]:
        page = await service.list_puzzles(actor, query, public_only=view == PUBLIC)
        return render(page), list_tags(page)

    return await public_reads.get_or_build(list_key(view, query), build)


async def puzzle_page(
    who: Callable[[], Awaitable[Actor | None]],
    puzzle_id: str,
    render: Callable[[PuzzleView], bytes],
) -> bytes:
    """A puzzle's page, rendered; an approved puzzle's is shared by everyone, so ``who`` (the
    reader) is asked only when the page is built."""

    async def build() -> tuple[bytes, Iterable[str] | None]:
        found = await service.view(await who(), puzzle_id)
        return render(found), page_tags(found)

    return await public_reads.get_or_build(page_key(puzzle_id), build)


async def _list_view(actor: Actor | None) -> str | None:
    """Which shared view of the puzzle list this actor has (see ``list_key``)."""
    if actor is None:
        return PUBLIC
    if actor.is_moderator:
        return EVERYTHING
    if not public_reads.enabled:
        return None  # finding out costs a query, and no cache would share the answer

    async def build() -> tuple[bytes, Iterable[str]]:
        return (b"1" if await service.has_unlisted(actor) else b"0"), UNLISTED_TAGS

    cached = await public_reads.get_or_build(unlisted_key(actor.id), build)
    return None if cached == b"1" else PUBLIC
