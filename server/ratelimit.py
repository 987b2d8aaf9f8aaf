"""Per-client request limits (fixed windows, in this process's memory).

Limits key on the real client address (see ``server.http.client_address``). Calls whose client
is unknown, the frontend's own server-side requests, have no address to key on: routes that
must stay bounded for them (registration) share one budget among all of them. Logins are also
limited per account name, for every caller, so that password guessing is bounded either way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from codincod.config import Settings


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


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


class RateLimiter:
    MAX_KEYS = 100_000

    def __init__(self) -> None:
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, limit: Limit, key: str, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        slot = (limit.name, key)
        started, count = self._windows.get(slot, (now, 0))
        if now - started >= limit.window_seconds:
            started, count = now, 0
        count += 1
        if len(self._windows) >= self.MAX_KEYS:
            self._prune(now)
        self._windows[slot] = (started, count)
        reset = max(1, int(started + limit.window_seconds - now + 0.999))
        return Verdict(count <= limit.count, limit.count, max(0, limit.count - count), reset)

    def _prune(self, now: float) -> None:
        # Windows are at most 15 minutes long; anything older is finished.
        self._windows = {
            slot: value for slot, value in self._windows.items() if now - value[0] < 15 * 60
        }
