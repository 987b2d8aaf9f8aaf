"""The server ends games by itself, and rates them.

Every process sweeps now and then (``finish_due``): a game whose hand-in grace has passed is
marked finished by a conditional update, so whichever process gets there first ends it and
the others find nothing to do; the ratings are applied in that same transaction, so a game is
rated exactly once. A process that starts sweeps at once, ending games that ran out while no
server was up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from codincod import db
from codincod.games import events, lifecycle
from codincod.games.models import Game, GameEvent, WaitingRoom
from codincod.games.service import standings
from codincod.ratings import service as ratings
from codincod.timeutil import utcnow

BATCH = 100


async def finish_due(now: datetime | None = None) -> list[str]:
    """End every game whose grace period is over; the ids of those this process ended."""
    due = (
        await Game.filter(lifecycle.due(now or utcnow()))
        .order_by("end_time")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    return [str(game_id) for game_id in due if await finish(str(game_id))]


async def finish(game_id: str) -> bool:
    """Mark the game finished, rate it, and say so to every process (the staff feed and the
    game's sockets), whoever calls it: the one way a game ends. False when it already was
    (another process, another timer)."""
    async with in_transaction():
        changed = await Game.filter(id=game_id).exclude(status="finished").update(status="finished")
        if not changed:
            return False
        game = await Game.get(id=game_id)
        rated = await _rate(game)
        # Its room is done with: its invite code is free again.
        await WaitingRoom.filter(game_id=game_id).update(state="closed", invite_code=None)
        await GameEvent.create(game_id=game_id, kind="finish", data=rated)
    await events.game(events.FINISHED, game_id)
    return True


async def _rate(game: Game) -> dict[str, Any]:
    ranked = await standings(game)
    results = [ratings.Result(e.user_id, e.rank, e.score) for e in ranked]
    summary: dict[str, Any] = {"standings": [e.user_id for e in ranked], "rated": False}
    if game.rated and len(results) >= 2:
        await ratings.apply(game.mode, results, game.end_time)
        await Game.filter(id=game.id).update(ratings_applied=True)
        summary["rated"] = True
    return summary


async def recalculate() -> dict[str, int]:
    """Rebuild every rating from the finished rated games, oldest first: the same games give
    the same ratings however often it runs. The counts of games rated, per mode."""
    processed: dict[str, int] = {}
    async with in_transaction() as transaction:
        await db.lock_name(transaction, "ratings-recalculate")  # one rebuild at a time
        await ratings.reset()
        games = await Game.filter(status="finished", rated=True).order_by("end_time", "id")
        for game in games:
            ranked = await standings(game)
            if len(ranked) < 2:
                continue
            results = [ratings.Result(e.user_id, e.rank, e.score) for e in ranked]
            await ratings.apply(game.mode, results, game.end_time)
            processed[game.mode] = processed.get(game.mode, 0) + 1
    return processed
