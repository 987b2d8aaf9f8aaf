"""Handing submissions in to a game over real HTTP, and the per-mode standings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from codincod.games import scoring
from codincod.games.models import Game, GamePlayer, GameSubmission
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow
from tests.support import (
    SUM,
    ServerProcess,
    auth,
    client,
    hand_in,
    register,
    submit,
    sum_puzzle,
    user_id,
)

pytestmark = pytest.mark.usefixtures("orm")

WRONG = "print(0)"


async def new_game(puzzle_id: str, owner: str, players: list[str], **options) -> Game:
    now = utcnow()
    game = await Game.create(
        owner_id=owner,
        puzzle_id=puzzle_id,
        start_time=now - timedelta(seconds=30),
        end_time=now + timedelta(minutes=10),
        **options,
    )
    for position, player in enumerate(players):
        await GamePlayer.create(game_id=game.id, user_id=player, position=position)
    return game


async def test_players_hand_in_once_and_get_their_place(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author = await register(http, "game_author")
        alice, bob = await register(http, "game_alice"), await register(http, "game_bob")
        ids = [await user_id(http, token) for token in (alice, bob)]
        puzzle_id = await sum_puzzle(http, author)
        game = await new_game(puzzle_id, ids[0], ids)

        bob_wrong = await submit(http, bob, puzzle_id, WRONG)
        first = await hand_in(http, bob, game.id, bob_wrong)
        # A failing submission is kept (Node dropped it): it ranks last, with no score.
        assert first.status_code == 201, first.text
        assert first.json()["leaderboardPosition"] == 1

        alice_right = await submit(http, alice, puzzle_id, SUM)
        second = await hand_in(http, alice, game.id, alice_right)
        assert second.status_code == 201, second.text
        assert second.json() == {
            "success": True,
            "message": "Submission successfully added to game",
            "game": {"id": game.id, "status": "in_progress", "playerCount": 2},
            "leaderboardPosition": 1,
        }
        again = await hand_in(http, alice, game.id, alice_right)
        assert again.status_code == 409
        # Time is up with nothing typed: the page hands in empty code, which takes last place.
        carol = await register(http, "game_carol")
        await GamePlayer.create(game_id=game.id, user_id=await user_id(http, carol), position=2)
        empty = await submit(http, carol, puzzle_id, "")
        late = await hand_in(http, carol, game.id, empty)
        assert (late.status_code, late.json()["leaderboardPosition"]) == (201, 3)
    assert await GameSubmission.filter(game_id=game.id).count() == 3


async def test_hand_in_refusals(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author = await register(http, "refuse_author")
        player = await register(http, "refuse_player")
        stranger = await register(http, "refuse_stranger")
        player_id = await user_id(http, player)
        puzzle_id = await sum_puzzle(http, author)
        other_puzzle = await sum_puzzle(http, author)
        game = await new_game(puzzle_id, player_id, [player_id])
        mine = await submit(http, player, puzzle_id, SUM)
        theirs = await submit(http, stranger, puzzle_id, SUM)
        elsewhere = await submit(http, player, other_puzzle, SUM)

        assert (await hand_in(http, stranger, game.id, theirs)).status_code == 403
        assert (await hand_in(http, player, game.id, theirs)).status_code == 404
        assert (await hand_in(http, player, "0" * 24, mine)).status_code == 404
        assert (await hand_in(http, player, game.id, elsewhere)).json()["error"] == "Wrong puzzle"
        bad = await http.post(
            "/api/v1/submission/game", json={"gameId": "nope"}, headers=auth(player)
        )
        assert bad.status_code == 400
        anonymous = await http.post(
            "/api/v1/submission/game", json={"gameId": game.id, "submissionId": mine}
        )
        assert anonymous.status_code == 401

        await Submission.filter(id=mine).update(created_at=utcnow() - timedelta(seconds=20))
        old = await hand_in(http, player, game.id, mine)
        assert (old.status_code, old.json()["error"]) == (400, "Submission too old")

        fresh = await submit(http, player, puzzle_id, SUM)
        await Game.filter(id=game.id).update(end_time=utcnow() - timedelta(minutes=1))
        over = await hand_in(http, player, game.id, fresh)
        assert (over.status_code, over.json()["error"]) == (400, "Game is over")
    assert not await GameSubmission.filter(game_id=game.id).exists()


def entry(name: str, seconds: float, length: int = 50, rate: float = 1.0, attempts: int = 1):
    return scoring.Entry(name, name, name, seconds, length, rate, attempts)


def test_standings_per_mode() -> None:
    fast_long = entry("fast_long", 30, length=400)
    slow_short = entry("slow_short", 90, length=40)
    failing = entry("failing", 10, rate=0.5)
    retried = entry("retried", 20, attempts=3)

    def order(mode: str, *entries: scoring.Entry) -> list[str]:
        return [e.user_id for e in scoring.standings(mode, list(entries))]

    assert order("fastest", slow_short, failing, fast_long) == [
        "fast_long",
        "slow_short",
        "failing",
    ]
    assert order("shortest", fast_long, slow_short) == ["slow_short", "fast_long"]
    assert order("hardcore", retried, slow_short) == ["slow_short", "retried"]
    assert order("backwards", retried, slow_short) == ["slow_short", "retried"]
    assert order("incremental", failing, slow_short) == ["slow_short", "failing"]
    ranked = scoring.standings("fastest", [failing, fast_long])
    assert [(e.rank, e.score) for e in ranked] == [(1, 1_000_000 / 30), (2, 0.0)]
    partial = scoring.standings("incremental", [failing])[0]
    assert partial.score == pytest.approx(1_000_000 * 0.5 * (1 - 10 / 3600))
