"""Standings per mode: who ranks first, as a table."""

from __future__ import annotations

import pytest

from codincod.games.scoring import Entry, standings


def entry(name: str, seconds: float, length: int, rate: float = 1.0, attempts: int = 1) -> Entry:
    return Entry(name, name, f"s-{name}", seconds, length, rate, attempts)


FAST_LONG = entry("fast_long", 30, 300)
SLOW_SHORT = entry("slow_short", 90, 40)
HALF = entry("half", 10, 20, rate=0.5)
RETRIED = entry("retried", 20, 100, attempts=3)


@pytest.mark.parametrize(
    ("mode", "entries", "order"),
    [
        ("fastest", [SLOW_SHORT, FAST_LONG], ["fast_long", "slow_short"]),
        ("fastest", [HALF, SLOW_SHORT], ["slow_short", "half"]),  # solving beats speed
        ("shortest", [FAST_LONG, SLOW_SHORT], ["slow_short", "fast_long"]),
        ("shortest", [HALF, FAST_LONG], ["fast_long", "half"]),
        ("backwards", [RETRIED, SLOW_SHORT], ["slow_short", "retried"]),
        ("random", [SLOW_SHORT, FAST_LONG], ["fast_long", "slow_short"]),
        ("no-such-mode", [SLOW_SHORT, FAST_LONG], ["fast_long", "slow_short"]),
    ],
)
def test_who_ranks_first(mode: str, entries: list[Entry], order: list[str]) -> None:
    ranked = standings(mode, entries)
    assert [e.username for e in ranked] == order
    assert [e.rank for e in ranked] == list(range(1, len(entries) + 1))


def test_standings_leave_their_input_alone() -> None:
    entries = [SLOW_SHORT, FAST_LONG]
    standings("fastest", entries)
    assert entries == [SLOW_SHORT, FAST_LONG] and SLOW_SHORT.rank == 0
