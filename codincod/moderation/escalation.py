"""Automatic bans as reports against a user are upheld: a pure rule over the number of distinct
resolved reports. Rejected reports do not count, and a report resolved twice counts once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

REASON_MAX = 500
PREFIX = "Automatic escalation: "


@dataclass(frozen=True)
class Escalation:
    permanent: bool
    duration: timedelta | None  # None: permanent


# (at least this many upheld reports, the ban), highest first
STEPS = (
    (10, Escalation(True, None)),
    (7, Escalation(False, timedelta(days=7))),
    (5, Escalation(False, timedelta(days=3))),
    (3, Escalation(False, timedelta(days=1))),
)


def escalation(upheld: int) -> Escalation | None:
    """The ban that ``upheld`` distinct resolved reports call for, if any."""
    for threshold, ban in STEPS:
        if upheld >= threshold:
            return ban
    return None


def crosses_a_step(before: int, after: int) -> bool:
    """A ban follows only when the count reaches a new step (3, 5, 7, 10), so the same step
    does not stack a second ban on the first."""
    return any(before < threshold <= after for threshold, _ in STEPS)


@dataclass(frozen=True)
class Consequence:
    """What upholding one more report against a user does: the count it makes and the ban
    it brings (None: no new ban), in words for a moderator about to decide."""

    upheld: int
    ban: Escalation | None
    text: str


@dataclass(frozen=True)
class InForce:
    """The ban a user is under now: permanent, or how long it still runs."""

    permanent: bool
    remaining: timedelta | None = None


def outlasts(step: Escalation, in_force: InForce | None) -> bool:
    """Whether the escalation's ban would last longer than the one in force: an automatic
    ban never shortens or repeats a ban a moderator chose."""
    if in_force is None:
        return True
    if in_force.permanent:
        return False
    if step.permanent or step.duration is None:
        return True
    return in_force.remaining is None or step.duration > in_force.remaining


def consequence(upheld_before: int, in_force: InForce | None = None) -> Consequence:
    upheld = upheld_before + 1
    step = escalation(upheld) if crosses_a_step(upheld_before, upheld) else None
    if step is not None and not outlasts(step, in_force):
        return Consequence(
            upheld,
            None,
            f"{ordinal(upheld)} upheld report: no new ban (the ban in force lasts longer)",
        )
    if step is None:
        what = "no new ban"
    elif step.permanent or step.duration is None:
        what = "permanent ban"
    else:
        what = f"{step.duration.days}-day ban"
    return Consequence(upheld, step, f"{ordinal(upheld)} upheld report: {what}")


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def reason(explanation: str) -> str:
    """The ban's reason, within the 500 characters a ban reason may have."""
    text = PREFIX + explanation.strip()
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 3] + "..."
