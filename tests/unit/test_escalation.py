"""Automatic escalation: the steps, when a new ban follows, and reasons that fit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from codincod.moderation.escalation import (
    REASON_MAX,
    InForce,
    consequence,
    crosses_a_step,
    escalation,
    ordinal,
    reason,
)


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


@pytest.mark.parametrize(
    ("before", "text"),
    [
        (0, "1st upheld report: no new ban"),
        (2, "3rd upheld report: 1-day ban"),
        (3, "4th upheld report: no new ban"),
        (4, "5th upheld report: 3-day ban"),
        (6, "7th upheld report: 7-day ban"),
        (9, "10th upheld report: permanent ban"),
        (10, "11th upheld report: no new ban"),
        (20, "21st upheld report: no new ban"),
    ],
)
def test_what_upholding_one_more_report_does(before: int, text: str) -> None:
    assert consequence(before).text == text
    assert (consequence(before).ban is not None) == crosses_a_step(before, before + 1)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(number: int, text: str) -> None:
    assert ordinal(number) == text


LONGER = " (the ban in force lasts longer)"


@pytest.mark.parametrize(
    ("before", "in_force", "text"),
    [
        (
            2,
            InForce(permanent=False, remaining=timedelta(days=2)),
            "3rd upheld report: no new ban (the ban in force lasts longer)",
        ),
        (2, InForce(permanent=False, remaining=timedelta(hours=2)), "3rd upheld report: 1-day ban"),
        (
            9,
            InForce(permanent=False, remaining=timedelta(days=300)),
            "10th upheld report: permanent ban",
        ),
        (
            9,
            InForce(permanent=True),
            "10th upheld report: no new ban (the ban in force lasts longer)",
        ),
        (3, InForce(permanent=True), "4th upheld report: no new ban"),
    ],
)
def test_an_automatic_ban_never_shortens_the_one_in_force(
    before: int, in_force: InForce, text: str
) -> None:
    assert consequence(before, in_force).text == text
