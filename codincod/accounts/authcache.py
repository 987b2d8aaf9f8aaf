"""Remembers what the database said about a session, until the database says it changed.

Checking a session costs a database round trip on every authenticated request, more than the
rest of the request together. With PostgreSQL, triggers on ``users``, ``user_bans`` and
``revoked_tokens`` NOTIFY ``codincod_auth`` with ``user:<id>`` or ``token:<id>`` whenever
anything that decides a session changes, however it changed (a request, the CLI, plain SQL),
and every process drops what it remembered about that user or token. The cache is used only
while the process is listening; on SQLite it is never used. Entries also age out, as a
safety net.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from codincod.bus import Bus, bus

CHANNEL = "codincod_auth"
TTL_SECONDS = 60.0
MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class SessionState:
    """A user's row and active bans, as read for one token."""

    user_id: str
    username: str
    role: str
    revoked: bool
    bans: tuple  # tuple[ActiveBan, ...]


class AuthCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, SessionState]] = {}
        self.enabled = False
        # Bumped by every change heard: a read that a change overtook is not remembered.
        self.generation = 0

    def attach(self, bus: Bus) -> None:
        bus.subscribe(CHANNEL, self._on_change)
        bus.on_connection_change(self._on_connection)

    def get(self, token_id: str) -> SessionState | None:
        if not self.enabled:
            return None
        entry = self._entries.get(token_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_id: str, state: SessionState, generation: int) -> None:
        """Remember ``state``, read when ``generation`` was current, unless a change has been
        heard since (it might not be in what was read)."""
        if not self.enabled or generation != self.generation:
            return
        if len(self._entries) >= MAX_ENTRIES:
            del self._entries[next(iter(self._entries))]
        self._entries[token_id] = (time.monotonic() + TTL_SECONDS, state)

    def forget_user(self, user_id: str) -> None:
        stale = [key for key, (_, state) in self._entries.items() if state.user_id == user_id]
        for key in stale:
            self._entries.pop(key, None)

    def forget_token(self, token_id: str) -> None:
        self._entries.pop(token_id, None)

    def clear(self) -> None:
        self._entries.clear()

    def _on_change(self, payload: str) -> None:
        self.generation += 1
        kind, _, key = payload.partition(":")
        if kind == "user":
            self.forget_user(key)
        elif kind == "token":
            self.forget_token(key)
        else:
            self.clear()

    def _on_connection(self, connected: bool) -> None:
        # Whatever changed while we were deaf is unknown: start over.
        self.generation += 1
        self.clear()
        self.enabled = connected


auth_cache = AuthCache()
auth_cache.attach(bus)
