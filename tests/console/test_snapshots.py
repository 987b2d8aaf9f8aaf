"""What each screen looks like, at a fixed size, from fixed answers (``fake.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.console.fake import FakeClient
from tests.support import DB_KIND
from tui.app import ConsoleApp
from tui.screens.game import GameScreen

SIZE = (120, 36)
# They read no database: once is enough (the PostgreSQL run skips them).
pytestmark = pytest.mark.skipif(DB_KIND == "postgres", reason="snapshots use no database")


def app(**options: Any) -> ConsoleApp:
    return ConsoleApp(FakeClient(offline=options.pop("offline", False)), remember=False, **options)


async def signed_in(pilot: Any) -> None:
    for _ in range(50):
        if pilot.app.is_screen_installed("dashboard") and pilot.app.feed_live:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.03)


def after(*keys: str) -> Callable[[Any], Any]:
    async def run(pilot: Any) -> None:
        await signed_in(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.03)  # the fake answers at once: a worker's turn is enough
        await pilot.pause(0.05)

    return run


SCREENS = {
    "dashboard": (),
    "review": ("2",),
    "review_opened": ("2", "enter"),
    "reports": ("3",),
    "reports_evidence": ("3", "enter"),
    "users": ("4",),
    "games": ("5",),
    "appeals": ("6",),
    "audit": ("7",),
    "migrations": ("8",),
    "reason_dialog": ("2", "r"),
    "temporary_ban_dialog": ("4", "t"),
}


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare: Any, name: str) -> None:
    assert snap_compare(app(), run_before=after(*SCREENS[name]), terminal_size=SIZE)


def test_login_screen(snap_compare: Any) -> None:
    console = ConsoleApp(FakeClient(), remember=False)
    console.client.token = None
    assert snap_compare(console, terminal_size=SIZE)


def test_read_only_says_so(snap_compare: Any) -> None:
    assert snap_compare(app(read_only=True), run_before=after("2", "a"), terminal_size=SIZE)


def test_replay(snap_compare: Any) -> None:
    async def run(pilot: Any) -> None:
        await signed_in(pilot)
        await pilot.app.push_screen(GameScreen("6b0000000000000000000070"))
        await pilot.pause(0.3)
        for key in ("right", "right", "right"):
            await pilot.press(key)
        await pilot.pause(0.2)

    assert snap_compare(app(), run_before=run, terminal_size=SIZE)
