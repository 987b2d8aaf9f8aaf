"""Per-process caches that the database itself invalidates.

Each entry carries tags (``user:<id>``, ``puzzle:<id>``, ...). Triggers in PostgreSQL NOTIFY a
channel with a tag whenever a row behind it changes, however it changed (a request in any
process, the CLI, plain SQL), and every process drops the entries with that tag. A cache is
used only while its process is listening; with SQLite, or while the event connection is down,
every read goes to the database. When the connection drops, everything is forgotten as soon
as the process notices (at once for a closed socket) and again when it is back, so what was
missed in between is never served. Entries also age out, as a safety net.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

from codincod.clock import SYSTEM, Clock

if TYPE_CHECKING:
    from codincod.bus import Bus

V = TypeVar("V")


class TaggedCache(Generic[V]):
    def __init__(
        self,
        channels: Iterable[str],
        *,
        ttl_seconds: float = 60.0,
        max_entries: int = 50_000,
        tags_of_event: Callable[[str], Iterable[str]] = lambda payload: (payload,),
        clock: Clock = SYSTEM,
    ) -> None:
        self._clock = clock
        self.channels = tuple(channels)
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._tags_of_event = tags_of_event
        self._entries: dict[object, tuple[float, V, frozenset[str]]] = {}
        self._by_tag: dict[str, set[object]] = defaultdict(set)
        self.enabled = False
        # Bumped by every change heard. A value read before a change to one of its own tags
        # (or before everything was forgotten) is not stored after it; a change to another
        # entry's tags does not stop it (busy sites change something every few milliseconds).
        self.generation = 0
        self._cleared_at = 0
        self._changed_at: dict[str, int] = {}  # tag -> the generation of its last change
        self._building: dict[object, asyncio.Future[V | None]] = {}
        self._attached: list[Bus] = []

    def attach(self, bus: Bus) -> None:
        """Follow ``bus``: its events end entries, its connection state turns the cache on and
        off. Once per bus, however often it is called."""
        if any(attached is bus for attached in self._attached):
            return
        self._attached.append(bus)
        for channel in self.channels:
            bus.subscribe(channel, self._on_event)
        bus.on_connection_change(self._on_connection)

    async def get_or_build(
        self, key: object | None, build: Callable[[], Awaitable[tuple[V, Iterable[str] | None]]]
    ) -> V:
        """The cached value, else ``build()``'s, stored under its tags (``None``: a value only
        for this caller, not kept). Concurrent misses of one key wait for one build (single
        flight) and share its value when it may be shared; a caller whose build failed, or
        made a private value, did not decide for the others: they build their own."""
        if key is None or not self.enabled:
            return (await build())[0]
        if (hit := self.get(key)) is not None:
            return hit
        pending = self._building.get(key)
        if pending is not None:
            shared = await asyncio.shield(pending)
            if shared is not None:
                return shared
            return (await build())[0]
        future: asyncio.Future[V | None] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            generation = self.generation
            value, tags = await build()
            if tags is not None:
                self.put(key, value, tags, generation)
            future.set_result(value if tags is not None else None)
            return value
        finally:
            if not future.done():
                future.set_result(None)
            self._building.pop(key, None)

    def get(self, key: object) -> V | None:
        if not self.enabled:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < self._clock.monotonic():
            self._drop(key)
            return None
        return entry[1]

    def put(self, key: object, value: V, tags: Iterable[str], generation: int) -> None:
        """Store ``value``, read while ``generation`` was current, unless one of its tags
        changed since (the value might not contain the change)."""
        frozen = frozenset(tags)
        if not self.enabled or self._cleared_at > generation:
            return
        if any(self._changed_at.get(tag, 0) > generation for tag in frozen):
            return
        if len(self._entries) >= self.max_entries:
            self._drop(next(iter(self._entries)))
        self._drop(key)
        self._entries[key] = (self._clock.monotonic() + self.ttl_seconds, value, frozen)
        for tag in frozen:
            self._by_tag[tag].add(key)

    def invalidate(self, tag: str) -> None:
        self.generation += 1
        if len(self._changed_at) >= self.max_entries:
            self._cleared_at = self.generation  # forget old changes: builds under way restart
            self._changed_at.clear()
        self._changed_at[tag] = self.generation
        for key in list(self._by_tag.pop(tag, ())):
            self._drop(key)

    def clear(self) -> None:
        self.generation += 1
        self._cleared_at = self.generation
        self._changed_at.clear()
        self._entries.clear()
        self._by_tag.clear()

    def _drop(self, key: object) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry[2]:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    def _on_event(self, payload: str) -> None:
        for tag in self._tags_of_event(payload):
            self.invalidate(tag)

    def _on_connection(self, connected: bool) -> None:
        # Whatever changed while we were deaf is unknown: start over.
        self.clear()
        self.enabled = connected
