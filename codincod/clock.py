"""Time from one place: the wall clock (aware UTC) and a monotonic reading for durations.

What waits or expires takes a ``Clock``, so tests move time instead of sleeping through it
(``ManualClock``); everything else gets ``SYSTEM``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol

from codincod.timeutil import utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM: Clock = SystemClock()


class ManualClock:
    """A clock that moves only when told to (``advance``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow()
        self._monotonic = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds
