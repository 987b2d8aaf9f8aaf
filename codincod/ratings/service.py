"""Ratings and leaderboards: a finished game's results applied to its players' records, and the
per-mode leaderboard read back.

``apply`` runs inside the transaction that marks the game finished, so a game is rated exactly
once whatever the number of processes; the players' rows are locked in id order so that two
games ending at once, with a player in common, queue instead of losing an update.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from codincod import db
from codincod.errors import NotFound
from codincod.ids import new_id
from codincod.pagination import Page
from codincod.ratings import glicko
from codincod.ratings.models import UserModeMetrics
from codincod.timeutil import utcnow


@dataclass(frozen=True)
class Result:
    """One player's place in a finished game."""

    user_id: str
    rank: int  # 1 is best
    score: float


async def apply(mode: str, results: Sequence[Result], played_at: datetime) -> None:
    """Update every ranked player's record and Glicko-2 rating in ``mode``: each is rated
    against the others' ratings from before the game."""
    if len(results) < 2:
        return
    metrics = await _locked_metrics(mode, sorted(r.user_id for r in results))
    before = {user_id: _rating(row) for user_id, row in metrics.items()}
    after = glicko.rate_game({r.user_id: r.rank for r in results}, before)
    best_rank = min(r.rank for r in results)
    now = utcnow()
    for result in results:
        row = metrics[result.user_id]
        row.games_played += 1
        row.games_won += 1 if result.rank == best_rank else 0
        row.total_score += result.score
        row.average_score = row.total_score / row.games_played
        row.best_score = max(row.best_score, result.score)
        new = after[result.user_id]
        row.rating, row.rd, row.volatility = new.rating, new.rd, new.volatility
        row.rating_updated_at = now
        row.last_game_date = played_at
        row.updated_at = now
        await row.save()


def _rating(row: UserModeMetrics) -> glicko.Rating:
    return glicko.Rating(row.rating, row.rd, row.volatility)


_ENSURE = (
    "INSERT INTO user_mode_metrics (id, user_id, mode, games_played, games_won, best_score,"
    " average_score, total_score, rating, rd, volatility, rating_updated_at, updated_at)"
    " VALUES ($1, $2, $3, 0, 0, 0, 0, 0, $4, $5, $6, $7, $7)"
    " ON CONFLICT (user_id, mode) DO NOTHING"
)


async def _locked_metrics(mode: str, user_ids: list[str]) -> dict[str, UserModeMetrics]:
    now = utcnow()
    for user_id in user_ids:
        params = (new_id(), user_id, mode, glicko.DEFAULT_RATING, glicko.DEFAULT_RD)
        await db.fetch_all(_ENSURE, (*params, glicko.DEFAULT_VOLATILITY, now))
    rows = (
        await UserModeMetrics.filter(mode=mode, user_id__in=user_ids)
        .order_by("user_id")
        .select_for_update()
    )
    return {row.user_id: row for row in rows}


async def reset() -> None:
    """Forget every rating (recalculation replays the finished games afterwards)."""
    await UserModeMetrics.all().delete()


# --- reading ------------------------------------------------------------------------------------


_BOARD = """
SELECT m.user_id, u.username, m.rating, m.rd, m.volatility, m.rating_updated_at,
       m.games_played, m.games_won, m.best_score, m.average_score, m.updated_at
FROM user_mode_metrics m JOIN users u ON u.id = m.user_id
WHERE m.mode = $1 AND m.games_played > 0
ORDER BY m.rating DESC, m.user_id
LIMIT $2 OFFSET $3
"""
_BOARD_SIZE = "SELECT COUNT(*) AS n FROM user_mode_metrics WHERE mode = $1 AND games_played > 0"


@dataclass(frozen=True)
class Board:
    mode: str
    page: Page[dict[str, Any]]  # rows, best first; rank = offset + index + 1


async def leaderboard(mode: str, page: int, page_size: int) -> Board:
    offset = (page - 1) * page_size
    rows, count = await db.fetch_each([(_BOARD, (mode, page_size, offset)), (_BOARD_SIZE, (mode,))])
    return Board(mode, Page(rows, page, page_size, count[0]["n"]))


_RANKINGS = """
SELECT m.mode, m.rating, m.games_played, m.games_won,
       (SELECT COUNT(*) FROM user_mode_metrics o
        WHERE o.mode = m.mode AND o.games_played > 0
          AND (o.rating > m.rating OR (o.rating = m.rating AND o.user_id < m.user_id))) AS better
FROM user_mode_metrics m
WHERE m.user_id = $1 AND m.games_played > 0
ORDER BY m.mode
"""


async def rankings(user_id: str) -> tuple[str, str, list[dict[str, Any]]]:
    """A user's id, name and standing in each mode they have played (no side effects)."""
    user = await db.fetch_one("SELECT id, username FROM users WHERE id = $1", (user_id.lower(),))
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    rows = await db.fetch_all(_RANKINGS, (user["id"],))
    return user["id"], user["username"], rows
