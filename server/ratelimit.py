"""Per-client request limits: fixed windows counted once per deployment.

With PostgreSQL every process and host counts in one table (``rate_windows``, unlogged: a
crash forgets the counts, nothing else), so two workers give a client the same budget as one;
hits that come together go in one statement. SQLite serves from one process: its windows live
in memory. Limits key on the real client address (see ``server.http.client_address``). Calls
whose client is unknown, the frontend's own server-side requests, have no address to key on:
routes that must stay bounded for them (registration) share one budget among all of them.
Logins are also limited per account name, for every caller, so that password guessing is
bounded either way.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from codincod import db
from codincod.config import Settings
from codincod.grouping import Grouped

log = logging.getLogger("codincod.server")


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window_seconds: int


REGISTER = Limit("register", 3, 15 * 60)


def register_unaddressed(settings: Settings) -> Limit:
    return Limit("register-unaddressed", settings.register_unaddressed_per_15_minutes, 15 * 60)


LOGIN = Limit("login", 5, 60)
# Per account, across addresses: what everyone without the account's device proof shares.
LOGIN_PER_ACCOUNT = Limit("login-account", 10, 60)
# Per device that proved a successful login to the account before (see server.logins).
LOGIN_PER_DEVICE = Limit("login-device", 10, 60)
VOTE = Limit("vote", 20, 60)
EXECUTE = Limit("execute", 30, 60)
SUBMIT = Limit("submission", 10, 60)
# Reconnects back off (1 s, 2 s, 4 s, ...): two tabs reconnecting through a restart stay under.
WS_UPGRADE = Limit("ws-upgrade", 30, 60)
# Chat lines per user, over all their sockets in every process: 3 a second on average.
CHAT = Limit("chat", 6, 2)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


def _verdict(limit: Limit, hits: int, seconds_left: float) -> Verdict:
    reset = max(1, int(seconds_left + 0.999))
    return Verdict(hits <= limit.count, limit.count, max(0, limit.count - hits), reset)


class Windows(Protocol):
    async def hit(self, limit: Limit, key: str) -> Verdict: ...


class SharedWindows:
    """The windows of every process and host, in PostgreSQL."""

    def __init__(self) -> None:
        self._group: Grouped[tuple[Limit, str], tuple[int, float]] = Grouped(self._count)

    async def hit(self, limit: Limit, key: str) -> Verdict:
        try:
            hits, left = await self._group.send((limit, key))
        except Exception as error:  # counting must not take the site down: let it through
            log.warning("rate limit %s not counted (%s)", limit.name, type(error).__name__)
            return Verdict(True, limit.count, limit.count, limit.window_seconds)
        return _verdict(limit, hits, left)

    @staticmethod
    async def _count(hits: list[tuple[Limit, str]]) -> list[tuple[int, float]]:
        """One statement for the group; each hit gets its own place in its window's count."""
        tally = Counter((limit.name, key) for limit, key in hits)
        windows = {(limit.name, key): limit.window_seconds for limit, key in hits}
        names, keys = [n for n, _ in tally], [k for _, k in tally]
        rows = await db.fetch_all(
            _COUNT, [names, keys, [windows[slot] for slot in tally], list(tally.values())]
        )
        final = {(row["name"], row["key"]): (row["hits"], row["seconds_left"]) for row in rows}
        given: Counter[tuple[str, str]] = Counter()
        counted = []
        for limit, key in hits:
            slot = (limit.name, key)
            given[slot] += 1
            total, left = final[slot]
            counted.append((total - tally[slot] + given[slot], float(left)))
        return counted


_COUNT = """
INSERT INTO rate_windows AS w (name, key, window_seconds, hits, started_at)
SELECT name, key, window_seconds, hits, now()
FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS t(name, key, window_seconds, hits)
ON CONFLICT (name, key) DO UPDATE SET
    hits = CASE WHEN w.started_at + make_interval(secs => EXCLUDED.window_seconds) <= now()
                THEN EXCLUDED.hits ELSE w.hits + EXCLUDED.hits END,
    started_at = CASE WHEN w.started_at + make_interval(secs => EXCLUDED.window_seconds) <= now()
                      THEN now() ELSE w.started_at END,
    window_seconds = EXCLUDED.window_seconds
RETURNING name, key, hits,
    EXTRACT(EPOCH FROM started_at + make_interval(secs => window_seconds) - now())::float8
        AS seconds_left
"""
_FORGET = (
    "DELETE FROM rate_windows WHERE started_at + make_interval(secs => window_seconds) < now()"
)


async def forget_finished_windows() -> None:
    """Timed work (any process, any number of times): windows that ended go."""
    if db.dialect() == "postgres":
        await db.connection().execute_query(_FORGET)


class MemoryWindows:
    """One process's windows (SQLite: the server is one process)."""

    MAX_KEYS = 100_000

    def __init__(self) -> None:
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    async def hit(self, limit: Limit, key: str) -> Verdict:
        return self.hit_now(limit, key)

    def hit_now(self, limit: Limit, key: str, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        slot = (limit.name, key)
        started, count = self._windows.get(slot, (now, 0))
        if now - started >= limit.window_seconds:
            started, count = now, 0
        count += 1
        if len(self._windows) >= self.MAX_KEYS:
            self._prune(now)
        self._windows[slot] = (started, count)
        return _verdict(limit, count, started + limit.window_seconds - now)

    def _prune(self, now: float) -> None:
        # Windows are at most 15 minutes long; anything older is finished.
        self._windows = {
            slot: value for slot, value in self._windows.items() if now - value[0] < 15 * 60
        }


def windows_for(settings: Settings) -> Windows:
    return SharedWindows() if settings.dialect == "postgres" else MemoryWindows()
