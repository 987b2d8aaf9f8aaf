"""Helpers for the console's tests: a console on a real server, driven by Textual's pilot,
and data made over HTTP (and the ORM where the API has no door, e.g. a finished game)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from codincod.games.models import ChatMessage, Game, GameEvent, GamePlayer
from codincod.puzzles.models import Puzzle
from codincod.timeutil import utcnow
from tests.actors import bearer, player
from tests.support import fresh_address
from tui.app import ConsoleApp
from tui.client import Client

SIZE = (120, 36)


@dataclass
class Staff:
    url: str
    admin: str
    admin_id: str
    other: str  # a second moderator


async def until(check: Callable[[], Any], pilot: Any = None, seconds: float = 5) -> Any:
    """Wait for ``check()`` to be truthy (pausing the pilot so workers run)."""
    for _ in range(int(seconds / 0.05)):
        found = check()
        if isinstance(found, Awaitable):
            found = await found
        if found:
            return found
        if pilot is not None:
            await pilot.pause(0.05)
        else:
            await asyncio.sleep(0.05)
    raise AssertionError(f"not within {seconds}s: {check}")


@asynccontextmanager
async def console(
    url: str, token: str | None, *, read_only: bool = False
) -> AsyncIterator[tuple[ConsoleApp, Any]]:
    app = ConsoleApp(Client(url, token), read_only=read_only)
    async with app.run_test(size=SIZE) as pilot:
        yield app, pilot
    await app.client.close()


def screen_text(app: ConsoleApp) -> str:
    """What the screen shows (titles, texts, table rows, notifications), as text."""
    from textual.widgets import DataTable, Label, Static

    parts = [app.screen.title or "", app.sub_title or ""]
    for widget in app.screen.query("*"):
        if isinstance(widget, Static | Label):
            parts.append(str(widget.render()))
        if isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.append(" ".join(str(cell) for cell in widget.get_row_at(row)))
    for notification in app._notifications:  # type: ignore[attr-defined]
        parts.append(notification.message)
    return "\n".join(parts)


async def pending_puzzle(http: httpx.AsyncClient, title: str) -> str:
    author, _ = await player(http, f"au_{title[:12].replace(' ', '_')}")
    made = await http.post("/api/v1/puzzle", json={"title": title}, headers=bearer(author))
    puzzle = made.json()["_id"]
    await Puzzle.filter(id=puzzle).update(visibility="ready", statement=f"Statement of {title}")
    return puzzle


async def report_user(http: httpx.AsyncClient, target_id: str, reporter_name: str) -> str:
    reporter, _ = await player(http, reporter_name)
    made = await http.post(
        "/api/v1/report",
        json={
            "problematicIdentifier": target_id,
            "problemType": "user",
            "explanation": "Insulting other players in every game chat.",
        },
        headers=bearer(reporter) | {"X-Forwarded-For": fresh_address()},
    )
    assert made.status_code == 201, made.text
    return made.json()["_id"]


async def finished_game(http: httpx.AsyncClient, names: list[str], puzzle_id: str) -> str:
    """A game that is over, with every kind of kept event, for the replay."""
    ids = [(await player(http, name))[1] for name in names]
    start = utcnow() - timedelta(minutes=20)
    game = await Game.create(
        owner_id=ids[0],
        puzzle_id=puzzle_id,
        start_time=start,
        end_time=start + timedelta(minutes=5),
        status="finished",
    )
    for position, user in enumerate(ids):
        await GamePlayer.create(game_id=game.id, user_id=user, position=position)
    line = await ChatMessage.create(
        game_id=game.id, user_id=ids[0], username=names[0], message="good luck everyone"
    )
    moments = [
        ("start", ids[0], {}, 0),
        ("join", ids[1], {}, 5),
        ("chat", ids[0], {"message": line.id}, 10),
        ("language", ids[1], {"language": "python"}, 20),
        ("submission", ids[1], {"successRate": 1.0}, 60),
        ("finish", ids[0], {}, 300),
    ]
    for kind, user, data, second in moments:
        at = start + timedelta(seconds=second)
        await GameEvent.create(game_id=game.id, kind=kind, user_id=user, data=data, created_at=at)
    return game.id
