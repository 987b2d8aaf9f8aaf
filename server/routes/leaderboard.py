"""Leaderboards per game mode, a user's standing in each, and (moderators) a rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod import db
from codincod.games.api import check_mode
from codincod.moderation import admin
from codincod.ratings import service as ratings
from codincod.validation import Schema, parse
from server import shapes
from server.http import actor, query_args
from server.openapi import described
from server.wire import reply

bp = Blueprint("leaderboard", url_prefix="/api/v1/leaderboard", strict_slashes=False)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BoardQuery(Schema):
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    pageSize: Annotated[int, Field(ge=1, le=100)] = 50


@bp.post("/recalculate")
@described({200: shapes.Recalculated}, auth="required")
async def recalculate(request: Request) -> HTTPResponse:
    """Moderators: rebuild every rating from the finished games (the same result each time)."""
    processed = await admin.recalculate_ratings(await actor(request))
    return reply(
        {
            "success": True,
            "message": "Leaderboard recalculation completed",
            "processedGames": processed,
            "totalProcessed": sum(processed.values()),
        }
    )


@bp.get("/user/<user_id:str>")
@described({200: shapes.UserRankings})
async def user_rankings(request: Request, user_id: str) -> HTTPResponse:
    """A user's rank, rating and record in each mode they have played."""
    found_id, username, rows = await ratings.rankings(user_id)
    rankings = {
        row["mode"]: {
            "rank": int(row["better"]) + 1,
            "rating": row["rating"],
            "gamesPlayed": row["games_played"],
            "winRate": _win_rate(row),
        }
        for row in rows
    }
    return reply({"userId": found_id, "username": username, "rankings": rankings})


@bp.get("/<game_mode:str>")
@described({200: shapes.Leaderboard}, query=BoardQuery)
async def leaderboard(request: Request, game_mode: str) -> HTTPResponse:
    """Players of a mode by rating, best first."""
    query = parse(BoardQuery, query_args(request))
    board = await ratings.leaderboard(check_mode(game_mode), query.page, query.pageSize)
    page = board.page
    offset = (page.page - 1) * page.page_size
    entries = [_entry(offset + n, row) for n, row in enumerate(page.items, 1)]
    updated = [db.timestamp(row["updated_at"]) for row in page.items]
    return reply(
        {
            "gameMode": board.mode,
            "entries": entries,
            "page": page.page,
            "pageSize": page.page_size,
            "totalEntries": page.total,
            "totalPages": page.total_pages,
            "lastUpdated": max(updated, default=EPOCH),
        }
    )


def _win_rate(row: dict[str, Any]) -> float:
    played = row["games_played"]
    return row["games_won"] / played if played else 0.0


def _entry(rank: int, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": rank,
        "userId": row["user_id"],
        "username": row["username"],
        "rating": row["rating"],
        "glicko": {
            "rating": row["rating"],
            "rd": row["rd"],
            "volatility": row["volatility"],
            "lastUpdated": db.timestamp(row["rating_updated_at"]),
        },
        "gamesPlayed": row["games_played"],
        "gamesWon": row["games_won"],
        "winRate": _win_rate(row),
        "bestScore": max(0.0, row["best_score"]),
        "averageScore": max(0.0, row["average_score"]),
    }
