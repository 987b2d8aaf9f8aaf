"""How a game's submissions score and rank, per mode (fastest, shortest, ...).

Pure functions over plain values. Time runs from the game's start (Node counted the 15-second
countdown too), code length is the submission's own, and attempts are counted for real. A
submission that misses a mode's gate scores 0 and ranks after those that pass, but it is kept:
Node refused it, so failing players vanished from the standings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

BIG = 1_000_000.0


@dataclass(frozen=True)
class Entry:
    user_id: str
    username: str
    submission_id: str
    seconds: float  # from the game's start to the submission
    code_length: int
    success_rate: float
    attempts: int = 1
    score: float = 0.0
    rank: int = 0


def _per_time(entry: Entry) -> float:
    return BIG / max(entry.seconds, 0.001)


def _solved(entry: Entry) -> bool:
    return entry.success_rate >= 1


def _fastest(entry: Entry) -> float:
    return _per_time(entry) if _solved(entry) else 0.0


def _shortest(entry: Entry) -> float:
    return BIG / entry.code_length if _solved(entry) and entry.code_length > 0 else 0.0


def _backwards(entry: Entry) -> float:
    return _per_time(entry) * max(0.0, 1 - 0.1 * entry.attempts) if _solved(entry) else 0.0


def _hardcore(entry: Entry) -> float:
    return _per_time(entry) if _solved(entry) and entry.attempts <= 1 else 0.0


def _debug(entry: Entry) -> float:
    if not _solved(entry):
        return 0.0
    return _per_time(entry) * max(0.5, 1 - entry.code_length / 10_000)


def _efficiency(entry: Entry) -> float:
    if not _solved(entry):
        return 0.0
    by_length = 500_000 / entry.code_length if entry.code_length else 0.0
    return 0.4 * _per_time(entry) + 0.6 * by_length


def _typeracer(entry: Entry) -> float:
    return 1000 * entry.code_length / max(entry.seconds, 0.001) if _solved(entry) else 0.0


def _incremental(entry: Entry) -> float:
    if entry.success_rate <= 0:
        return 0.0
    return BIG * entry.success_rate * max(0.1, 1 - entry.seconds / 3600)


Key = Callable[[Entry], tuple[float, ...]]


def _by_time(entry: Entry) -> tuple[float, ...]:
    return (-entry.success_rate, entry.seconds)


# mode: (score, sort key: smaller ranks higher)
MODES: dict[str, tuple[Callable[[Entry], float], Key]] = {
    "fastest": (_fastest, _by_time),
    "random": (_fastest, _by_time),
    "shortest": (_shortest, lambda e: (-e.success_rate, e.code_length or 1e18, e.seconds)),
    "backwards": (_backwards, lambda e: (-e.success_rate, e.attempts, e.seconds)),
    "hardcore": (_hardcore, lambda e: (0 if _hardcore(e) else 1, e.seconds)),
    "debug": (_debug, lambda e: (-e.success_rate, e.code_length, e.seconds)),
    "efficiency": (_efficiency, lambda e: (-e.success_rate, -_efficiency(e), e.seconds)),
    "typeracer": (_typeracer, lambda e: (-e.success_rate, -_typeracer(e), e.seconds)),
    "incremental": (_incremental, _by_time),
}


def standings(mode: str, entries: list[Entry]) -> list[Entry]:
    """Entries best first, each with its score and 1-based rank."""
    score, key = MODES.get(mode, MODES["fastest"])
    ranked = sorted(entries, key=key)
    return [replace(e, score=score(e), rank=place) for place, e in enumerate(ranked, 1)]
