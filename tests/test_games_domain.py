"""The games context called as its callers call it (``codincod.games.api``), on the real
database and the real bus, without a server in between: a game ends one way, and says so."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from codincod.accounts.models import User
from codincod.bus import bus
from codincod.games import api as games
from codincod.games import lifecycle
from codincod.games.models import Game, GameEvent, GamePlayer
from codincod.puzzles.models import Puzzle
from codincod.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("orm")


async def a_game(ends_in: timedelta) -> Game:
    """A rated game of two far from every other test's clock (it ends ``ends_in`` from now)."""
    tag = secrets.token_hex(3)
    author, alice, bob = [
        await User.create(username=f"{who}_{tag}", email=f"{who}_{tag}@x.org", password_hash="x")
        for who in ("dom_author", "dom_alice", "dom_bob")
    ]
    puzzle = await Puzzle.create(title="domain", author_id=author.id, visibility="approved")
    end = utcnow() + ends_in
    game = await Game.create(
        owner_id=alice.id, puzzle_id=puzzle.id, start_time=end - timedelta(minutes=5), end_time=end
    )
    for position, player in enumerate((alice, bob)):
        await GamePlayer.create(game_id=game.id, user_id=player.id, position=position)
    return game


async def sweep(now: datetime) -> list[str]:
    """Every sweep due at ``now`` (a sweep ends at most a batch of games)."""
    ended: list[str] = []
    while batch := await games.finish_due(now):
        ended += batch
    return ended


@pytest.fixture
def heard() -> Iterator[list[dict]]:
    """Every games-channel event this process hears while the test runs."""
    events: list[dict] = []

    def listen(payload: str) -> None:
        if (event := games.decode(payload)) is not None:
            events.append(event)

    bus.subscribe(games.GAMES, listen)
    yield events
    bus._subscribers[games.GAMES].remove(listen)


async def test_the_timer_path_ends_a_game_once_and_publishes_the_end(heard) -> None:
    """The sweeper's timer (``finish_due``, here at a clock a month ahead, so no running
    server sweeps it first) ends the game, records it and publishes the end; the socket timer
    coming second (``finish``) finds it over and publishes nothing."""
    game = await a_game(ends_in=timedelta(days=30))
    after_grace = game.end_time + lifecycle.GRACE + timedelta(seconds=1)
    assert lifecycle.phase_of(game, after_grace - timedelta(seconds=2)) is lifecycle.GamePhase.GRACE

    ended = await sweep(after_grace)

    assert game.id in ended
    assert (await Game.get(id=game.id)).status == "finished"
    assert await GameEvent.filter(game_id=game.id, kind="finish").count() == 1
    ends = [e for e in heard if e["kind"] == "finished" and e["game"] == game.id]
    assert len(ends) == 1
    assert await games.finish(game.id) is False
    assert [e for e in heard if e["game"] == game.id] == ends


async def test_whoever_ends_a_game_publishes_its_end(heard) -> None:
    """A socket's timer calling ``finish`` first publishes the end too; the sweeper then finds
    nothing to do."""
    game = await a_game(ends_in=timedelta(days=31))
    assert await games.finish(game.id) is True
    assert [e["game"] for e in heard if e["kind"] == "finished"] == [game.id]
    later = game.end_time + lifecycle.GRACE + timedelta(seconds=1)
    assert game.id not in await sweep(later)
    view = await games.view(game.id)
    assert view is not None and view.phase is lifecycle.GamePhase.OVER
