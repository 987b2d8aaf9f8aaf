"""Glicko-2 (Glickman, "Example of the Glicko-2 system", 2012): one rating period per game.

Pure arithmetic, no storage. A finished game is rated as every submitter playing every other
submitter once: a better rank wins, an equal rank draws. Every player is compared with the
others' ratings from *before* the game (Node compared each player with copies of themselves).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCALE = 173.7178  # Glicko-2's conversion between the rating scale and its own
TAU = 0.5  # how much volatility may change in one period
EPSILON = 1e-6
DEFAULT_RATING, DEFAULT_RD, DEFAULT_VOLATILITY = 1500.0, 350.0, 0.06
MAX_RD = DEFAULT_RD


@dataclass(frozen=True)
class Rating:
    rating: float = DEFAULT_RATING
    rd: float = DEFAULT_RD
    volatility: float = DEFAULT_VOLATILITY


@dataclass(frozen=True)
class Outcome:
    opponent: Rating
    score: float  # 1 win, 0.5 draw, 0 loss


def _g(phi: float) -> float:
    return 1 / math.sqrt(1 + 3 * phi * phi / (math.pi * math.pi))


def _expected(mu: float, mu_j: float, phi_j: float) -> float:
    return 1 / (1 + math.exp(-_g(phi_j) * (mu - mu_j)))


def _volatility(phi: float, sigma: float, delta: float, v: float, tau: float) -> float:
    """Step 5 of the paper: the new volatility, by the Illinois algorithm."""
    a = math.log(sigma * sigma)

    def f(x: float) -> float:
        ex = math.exp(x)
        return ex * (delta * delta - phi * phi - v - ex) / (2 * (phi * phi + v + ex) ** 2) - (
            x - a
        ) / (tau * tau)

    low = a
    if delta * delta > phi * phi + v:
        high = math.log(delta * delta - phi * phi - v)
    else:
        k = 1
        while f(a - k * tau) < 0:
            k += 1
        high = a - k * tau
    f_low, f_high = f(low), f(high)
    while abs(high - low) > EPSILON:
        middle = low + (low - high) * f_low / (f_high - f_low)
        f_middle = f(middle)
        if f_middle * f_high <= 0:
            low, f_low = high, f_high
        else:
            f_low /= 2
        high, f_high = middle, f_middle
    return math.exp(low / 2)


def update(player: Rating, outcomes: Sequence[Outcome], tau: float = TAU) -> Rating:
    """The player's rating after one rating period with these results."""
    mu, phi = (player.rating - DEFAULT_RATING) / SCALE, player.rd / SCALE
    if not outcomes:  # a period without games: only the uncertainty grows
        grown = math.sqrt(phi * phi + player.volatility * player.volatility)
        return Rating(player.rating, min(grown * SCALE, MAX_RD), player.volatility)
    opponents = [
        ((o.opponent.rating - DEFAULT_RATING) / SCALE, o.opponent.rd / SCALE, o.score)
        for o in outcomes
    ]
    v_inverse, gain = 0.0, 0.0
    for mu_j, phi_j, score in opponents:
        expected = _expected(mu, mu_j, phi_j)
        v_inverse += _g(phi_j) ** 2 * expected * (1 - expected)
        gain += _g(phi_j) * (score - expected)
    v = 1 / v_inverse
    sigma = _volatility(phi, player.volatility, v * gain, v, tau)
    phi_star = math.sqrt(phi * phi + sigma * sigma)
    new_phi = 1 / math.sqrt(1 / (phi_star * phi_star) + 1 / v)
    new_mu = mu + new_phi * new_phi * gain
    return Rating(new_mu * SCALE + DEFAULT_RATING, min(new_phi * SCALE, MAX_RD), sigma)


def rate_game(ranks: Mapping[str, int], ratings: Mapping[str, Rating]) -> dict[str, Rating]:
    """Each ranked player's rating after the game (rank 1 is best). ``ratings`` holds the
    ratings before the game; a player without one starts from the defaults."""
    before = {player: ratings.get(player, Rating()) for player in ranks}
    after = {}
    for player, rank in ranks.items():
        outcomes = [
            Outcome(before[other], 1.0 if rank < other_rank else 0.5 if rank == other_rank else 0.0)
            for other, other_rank in ranks.items()
            if other != player
        ]
        after[player] = update(before[player], outcomes)
    return after
