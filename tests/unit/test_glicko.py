"""Glicko-2 against the published example, and the properties a game's rating relies on."""

from __future__ import annotations

import pytest

from codincod.ratings.glicko import Outcome, Rating, rate_game, update


def test_the_papers_worked_example() -> None:
    # Glickman (2012), "Example of the Glicko-2 system": tau = 0.5.
    player = Rating(1500, 200, 0.06)
    outcomes = [
        Outcome(Rating(1400, 30), 1),
        Outcome(Rating(1550, 100), 0),
        Outcome(Rating(1700, 300), 0),
    ]
    after = update(player, outcomes)
    assert after.rating == pytest.approx(1464.06, abs=0.01)
    assert after.rd == pytest.approx(151.52, abs=0.01)
    assert after.volatility == pytest.approx(0.05999, abs=1e-5)


@pytest.mark.parametrize(
    ("player", "opponent", "score", "direction"),
    [
        (Rating(), Rating(), 1.0, +1),
        (Rating(), Rating(), 0.0, -1),
        (Rating(), Rating(), 0.5, 0),
        (Rating(1800, 50), Rating(1200, 50), 1.0, +1),  # an expected win still gains, a little
        (Rating(1200, 50), Rating(1800, 50), 0.0, -1),
    ],
)
def test_results_move_ratings_the_right_way(
    player: Rating, opponent: Rating, score: float, direction: int
) -> None:
    change = update(player, [Outcome(opponent, score)]).rating - player.rating
    if direction == 0:
        assert change == pytest.approx(0, abs=1e-9)
    else:
        assert change * direction > 0


def test_an_upset_moves_more_than_an_expected_result() -> None:
    strong, weak = Rating(1800, 80), Rating(1400, 80)
    expected_win = update(strong, [Outcome(weak, 1)]).rating - strong.rating
    upset_win = update(weak, [Outcome(strong, 1)]).rating - weak.rating
    assert upset_win > expected_win > 0


def test_a_period_without_games_only_widens_the_deviation() -> None:
    settled = Rating(1620, 60, 0.06)
    after = update(settled, [])
    assert after.rating == settled.rating and after.volatility == settled.volatility
    assert 60 < after.rd < 61
    assert update(Rating(1500, 349.9), []).rd == 350  # never beyond a newcomer's


def test_a_game_rates_everyone_against_the_ratings_from_before_it() -> None:
    ratings = {"ann": Rating(1600, 100), "bob": Rating(1500, 100), "cid": Rating(1400, 100)}
    ranks = {"ann": 1, "bob": 2, "cid": 3}
    after = rate_game(ranks, ratings)
    assert after["ann"].rating > 1600 and after["cid"].rating < 1400
    # Bob beat Cid and lost to Ann, both from their ratings before the game, whatever order.
    expected_bob = update(ratings["bob"], [Outcome(ratings["ann"], 0), Outcome(ratings["cid"], 1)])
    assert after["bob"] == expected_bob
    reordered = rate_game(dict(reversed(list(ranks.items()))), ratings)
    assert reordered == after


def test_equal_ranks_draw_and_newcomers_start_from_the_defaults() -> None:
    after = rate_game({"new_a": 1, "new_b": 1}, {})
    assert after["new_a"].rating == pytest.approx(1500)
    assert after["new_a"].rd < 350
