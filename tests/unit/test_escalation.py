"""Automatic escalation: the steps, when a new ban follows, and reasons that fit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from codincod.moderation.escalation import REASON_MAX, crosses_a_step, escalation, reason


@pytest.mark.parametrize(
    ("upheld", "expected"),
    [
        (0, None),
        (2, None),
        (3, (False, timedelta(days=1))),
        (4, (False, timedelta(days=1))),
        (5, (False, timedelta(days=3))),
        (6, (False, timedelta(days=3))),
        (7, (False, timedelta(days=7))),
        (9, (False, timedelta(days=7))),
        (10, (True, None)),
        (250, (True, None)),
    ],
)
def test_the_steps(upheld: int, expected: tuple | None) -> None:
    found = escalation(upheld)
    assert (None if found is None else (found.permanent, found.duration)) == expected


@pytest.mark.parametrize(
    ("before", "after", "crosses"),
    [
        (2, 3, True),
        (3, 4, False),
        (4, 5, True),
        (5, 6, False),
        (6, 7, True),
        (9, 10, True),
        (10, 11, False),
        (0, 1, False),
        (3, 3, False),
    ],
)
def test_a_ban_follows_only_a_new_step(before: int, after: int, crosses: bool) -> None:
    assert crosses_a_step(before, after) is crosses


def test_reasons_fit_a_ban() -> None:
    assert reason("spam") == "Automatic escalation: spam"
    long = reason("x" * 1000)
    assert len(long) == REASON_MAX and long.endswith("...")
