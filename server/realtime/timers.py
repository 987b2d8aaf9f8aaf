"""The timed work every process does: ending games that ran out (and rating them), and
keeping waiting-room presence. Each step is idempotent, so any number of processes may run
it side by side; a failed step is logged and retried on the next tick."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from codincod import db, metrics
from codincod.games import api as games
from codincod.moderation import banning
from codincod.timeutil import utcnow
from server import ratelimit
from server.realtime.hub import Hub

log = logging.getLogger("codincod.realtime")

END_EVERY = 1.0  # game:finished at most GRACE + 1 s after a game's end
PRESENCE_EVERY = 10.0
ABSENT_AFTER = timedelta(seconds=120)  # no socket of the member's anywhere for this long


async def _every(seconds: float, step: Callable[[], Awaitable[object]], what: str) -> None:
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; retrying in %.0f s", what, seconds)
        await asyncio.sleep(seconds)


SAMPLE_EVERY = 2.0


async def sample_pool() -> None:
    """This process's database pool, for ``/metrics``."""

    async def sample() -> None:
        size, lent = db.pool_figures()
        metrics.DATABASE_POOL.set(size)
        metrics.DATABASE_IN_USE.set(lent)

    await _every(SAMPLE_EVERY, sample, "sampling the database pool")


async def forget_rate_windows() -> None:
    await _every(60, ratelimit.forget_finished_windows, "forgetting finished rate windows")


async def end_games() -> None:
    await _every(END_EVERY, games.finish_due, "ending overdue games")


async def end_bans() -> None:
    await _every(60.0, banning.end_expired, "ending expired bans")


SESSIONS_EVERY = 1.0  # a logout, ban or role change reaches open sockets within this


async def recheck_sessions(hub: Hub) -> None:
    await _every(SESSIONS_EVERY, hub.recheck_sessions, "rechecking the sockets' sessions")


async def keep_presence(hub: Hub) -> None:
    started = time.monotonic()

    async def step() -> None:
        await games.touch(hub.lobby_users())
        # After a crash the members of this process's rooms come back within seconds; only
        # then do those who did not come back leave.
        if time.monotonic() - started > ABSENT_AFTER.total_seconds():
            await games.sweep_absent(utcnow() - ABSENT_AFTER)

    await _every(PRESENCE_EVERY, step, "keeping room presence")
