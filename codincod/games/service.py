"""Games: handing a judged submission in to a game, and the game's standings.

Node checked only the submission's age (and trusted a user id from the body); here the hand-in
must come from the submission's owner, a player of the game, for the game's puzzle, in an
allowed language, while the game runs (plus a grace period for the client's automatic
hand-in at the end), once per player.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor
from codincod.errors import Conflict, Forbidden, InvalidInput, NotFound
from codincod.games import events, lifecycle, scoring
from codincod.games.models import Game, GameEvent, GamePlayer, GameSubmission
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow
from codincod.validation import Schema

# A submission is handed in right after it is judged: it must be this fresh.
FRESH = timedelta(seconds=10)


class HandIn(Schema):
    """``userId`` may be sent (the frontend does) but is ignored: the player is the actor."""

    gameId: ObjectId
    submissionId: ObjectId


@dataclass(frozen=True)
class HandedIn:
    game: Game
    status: str
    player_count: int
    position: int | None


async def _own_submission(actor: Actor, submission_id: str) -> Submission:
    submission = await Submission.get_or_none(id=submission_id.lower())
    if submission is None or submission.user_id != actor.id:
        raise NotFound(
            f"couldn't find a submission with id ({submission_id}) belonging to you",
            title="Submission not found",
        )
    return submission


async def _running_game_of(actor: Actor, game_id: str) -> tuple[Game, list[str]]:
    game = await Game.get_or_none(id=game_id.lower())
    if game is None:
        raise NotFound(f"couldn't find a game with id ({game_id})", title="Game not found")
    seated = await GamePlayer.filter(game_id=game.id).values_list("user_id", flat=True)
    players = [str(user_id) for user_id in seated]
    if actor.id not in players:
        raise Forbidden("You are not a player in this game", title="Not a player")
    current = lifecycle.phase_of(game, utcnow())
    if current is lifecycle.GamePhase.COUNTDOWN:
        raise InvalidInput("The game has not started yet", title="Game not started")
    if not lifecycle.accepts_hand_ins(current):
        raise InvalidInput("The game is over", title="Game is over")
    return game, players


def _check_fits(game: Game, submission: Submission) -> None:
    if submission.puzzle_id != game.puzzle_id:
        raise InvalidInput("This submission is for another puzzle", title="Wrong puzzle")
    allowed = list(game.allowed_languages)
    if allowed and submission.programming_language_id not in allowed:
        raise InvalidInput("This game does not allow that language", title="Language not allowed")
    if submission.created_at < game.start_time:
        raise InvalidInput("This submission was made before the game started", title="Too early")
    if submission.created_at + FRESH < utcnow():
        raise InvalidInput(
            f"Submission too old for game with id ({game.id})", title="Submission too old"
        )


async def hand_in(actor: Actor, data: HandIn) -> HandedIn:
    submission = await _own_submission(actor, data.submissionId)
    game, players = await _running_game_of(actor, data.gameId)
    _check_fits(game, submission)
    if await GameSubmission.exists(game_id=game.id, user_id=actor.id):
        raise Conflict(f"User {actor.id} has already submitted to game {game.id}")
    try:
        async with in_transaction():
            await GameSubmission.create(
                game_id=game.id, user_id=actor.id, submission_id=submission.id
            )
            handed = {"submission": submission.id, "successRate": submission.success_rate}
            await GameEvent.create(
                game_id=game.id, kind="submission", user_id=actor.id, data=handed
            )
    except IntegrityError as error:  # the same hand-in twice at once
        raise Conflict(f"User {actor.id} has already submitted to game {game.id}") from error
    await events.game(events.OVERVIEW, game.id)  # every player sees the new standings
    ranked = await standings(game)
    position = next((e.rank for e in ranked if e.user_id == actor.id), None)
    status = lifecycle.wire_status(lifecycle.phase_of(game, utcnow()))
    return HandedIn(game, status, len(players), position)


async def standings(game: Game) -> list[scoring.Entry]:
    """The handed-in submissions of a game, scored and ranked by its mode."""
    handed = await GameSubmission.filter(game_id=game.id).select_related("submission", "user")
    if not handed:
        return []
    attempts = await _attempts(game, {h.user_id: h.submission.created_at for h in handed})
    entries = [
        scoring.Entry(
            user_id=h.user_id,
            username=h.user.username,
            submission_id=h.submission.id,
            seconds=(h.submission.created_at - game.start_time).total_seconds(),
            code_length=h.submission.code_length,
            success_rate=h.submission.success_rate,
            attempts=attempts.get(h.user_id, 1),
        )
        for h in handed
    ]
    return scoring.standings(game.mode, entries)


async def _attempts(game: Game, handed_at: dict[str, Any]) -> dict[str, int]:
    """How many times each player submitted the game's puzzle during the game, up to and
    including the submission they handed in."""
    rows = await Submission.filter(
        puzzle_id=game.puzzle_id,
        user_id__in=list(handed_at),
        created_at__gte=game.start_time,
    ).values_list("user_id", "created_at")
    counts: dict[str, int] = {}
    for user_id, created_at in rows:
        if created_at <= handed_at[user_id]:
            counts[user_id] = counts.get(user_id, 0) + 1
    return counts
