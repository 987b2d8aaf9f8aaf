"""A game as its sockets see it: who plays, the standings, the chat and languages, and what a
connected user may do (join late, chat, change language). Every change is kept as a game event
(for replays) and announced on the games channel after it is committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from codincod.accounts.models import User
from codincod.actors import Actor
from codincod.errors import Forbidden, InvalidInput, NotFound
from codincod.games import chatlog, events, lifecycle, scoring
from codincod.games.models import ChatMessage, Game, GameEvent, GamePlayer
from codincod.games.service import standings
from codincod.puzzles.models import Puzzle
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow

CHAT_REPLAY = 50
_ID = re.compile(r"[0-9a-fA-F]{24}")


@dataclass(frozen=True)
class RankedHandIn:
    entry: scoring.Entry
    submission: Submission  # its language fetched


@dataclass(frozen=True)
class GameView:
    game: Game
    players: list[User]
    owner: User
    handed_in: list[RankedHandIn]  # best first, by the game's mode
    phase: lifecycle.GamePhase

    def plays(self, user_id: str) -> bool:
        return any(player.id == user_id for player in self.players)


async def load(game_id: str) -> GameView | None:
    """The game with its players and ranked hand-ins; None for a malformed or unknown id."""
    if not _ID.fullmatch(game_id):
        return None
    game = await Game.get_or_none(id=game_id.lower()).select_related("owner")
    if game is None:
        return None
    seats = GamePlayer.filter(game_id=game.id).order_by("position", "joined_at")
    players = [seat.user for seat in await seats.select_related("user")]
    phase = lifecycle.phase_of(game, utcnow())
    return GameView(game, players, game.owner, await _handed_in(game), phase)


async def _handed_in(game: Game) -> list[RankedHandIn]:
    ranked = await standings(game)
    if not ranked:
        return []
    submissions = await Submission.filter(id__in=[e.submission_id for e in ranked]).select_related(
        "programming_language", "user"
    )
    by_id = {s.id: s for s in submissions}
    return [RankedHandIn(e, by_id[e.submission_id]) for e in ranked if e.submission_id in by_id]


def _check_id(game_id: str) -> str:
    if not _ID.fullmatch(game_id):
        raise NotFound("Game not found", title="Game not found")
    return game_id.lower()


async def _game(game_id: str) -> Game:
    game = await Game.get_or_none(id=_check_id(game_id))
    if game is None:
        raise NotFound("Game not found", title="Game not found")
    return game


async def join_late(actor: Actor, game_id: str) -> bool:
    """Join a game that has not ended yet from its page; False when the actor already plays."""
    game = await _game(game_id)
    if lifecycle.phase_of(game, utcnow()) not in lifecycle.JOINABLE:
        raise InvalidInput("The game is over", title="Game is over")
    if await wrote_puzzle(actor.id, game):
        raise Forbidden("You wrote this game's puzzle, so you cannot play it", title="Own puzzle")
    added = await seat(game.id, actor.id, late=True)
    if added:
        await events.game(events.OVERVIEW, game.id)
    return added


async def wrote_puzzle(user_id: str, game: Game) -> bool:
    """Whether the user wrote the game's puzzle (and so may not play it)."""
    authors = await Puzzle.filter(id=game.puzzle_id).values_list("author_id", flat=True)
    return bool(authors) and str(authors[0]) == user_id


async def seat(game_id: str, user_id: str, *, late: bool) -> bool:
    """The one way into a game: a seat after the others, kept as a ``join`` event. False when
    the user already has one (a seat is never taken back). The caller announces it."""
    try:
        async with in_transaction():
            if await GamePlayer.exists(game_id=game_id, user_id=user_id):
                return False
            position = await GamePlayer.filter(game_id=game_id).count()
            await GamePlayer.create(game_id=game_id, user_id=user_id, position=position)
            await GameEvent.create(
                game_id=game_id, kind="join", user_id=user_id, data={"late": late}
            )
    except IntegrityError:  # the same join from two sockets at once
        return False
    return True


async def _playing(actor: Actor, game_id: str, known_player: bool) -> str:
    """The game's id, once the actor is known to play in it. ``known_player``: the caller
    checked before (a seat is never taken back), so the check costs nothing per line."""
    if known_player:
        return _check_id(game_id)
    game = await _game(game_id)
    if not await GamePlayer.exists(game_id=game.id, user_id=actor.id):
        raise Forbidden("Join the game first", title="Not a player")
    return game.id


async def chat(
    actor: Actor, game_id: str, message: str, *, known_player: bool = False
) -> dict[str, Any]:
    game = await _playing(actor, game_id, known_player)
    saved = await chatlog.append(game, actor, message)
    line = chat_line(saved)
    await events.game(events.CHAT, game, message=line)
    return line


def chat_line(message: ChatMessage) -> dict[str, Any]:
    return {
        "_id": message.id,
        "username": message.username,
        "message": message.message,
        "createdAt": message.created_at,
    }


async def change_language(
    actor: Actor, game_id: str, language: str, *, known_player: bool = False
) -> None:
    game = await _playing(actor, game_id, known_player)
    await GameEvent.create(
        game_id=game, kind="language", user_id=actor.id, data={"language": language}
    )
    await events.game(events.LANGUAGE, game, username=actor.username, language=language)


async def recent_chat(game_id: str) -> list[dict[str, Any]]:
    latest = (
        await ChatMessage.filter(game_id=game_id, is_deleted=False)
        .order_by("-created_at", "-id")
        .limit(CHAT_REPLAY)
    )
    return [chat_line(message) for message in reversed(latest)]


async def languages(game_id: str) -> dict[str, str]:
    """Each player's latest language, by username."""
    rows = (
        await GameEvent.filter(game_id=game_id, kind="language")
        .order_by("created_at", "id")
        .values_list("user__username", "data")
    )
    chosen: dict[str, str] = {}
    for username, data in rows:
        if username and isinstance(data, dict) and isinstance(data.get("language"), str):
            chosen[username] = data["language"]
    return chosen


async def is_player(game_id: str, user_id: str) -> bool:
    return await GamePlayer.exists(game_id=game_id, user_id=user_id)


# How a socket ended: the page closed it (a reload, a tab closed, a navigation), the server
# did (it was going down), or the connection was lost.
ENDED_BY_PAGE, ENDED_BY_SERVER, LOST = "page", "server", "lost"
RECONNECT_WINDOW = timedelta(minutes=2)


async def record_presence(game_id: str, user_id: str, kind: str, ended: str | None = None) -> None:
    """A player's socket opened (``join``) or closed (``leave``, and how): kept for replays."""
    data: dict[str, Any] = {"socket": True}
    if ended is not None:
        data["ended"] = ended
    await GameEvent.create(game_id=game_id, kind=kind, user_id=user_id, data=data)


async def record_leaves(seats: list[tuple[str, str]], ended: str) -> None:
    """Many sockets closed at once (the server stopping): ``seats`` are (game id, user id)."""
    now = utcnow()
    await GameEvent.bulk_create(
        [
            GameEvent(
                game_id=game_id,
                kind="leave",
                user_id=user_id,
                data={"socket": True, "ended": ended},
                created_at=now,
            )
            for game_id, user_id in seats
        ]
    )


async def page_kept_its_chat(game_id: str, user_id: str) -> bool:
    """Whether a socket opening now is most likely the same page coming back (its socket was
    lost, or closed by a server going down, moments ago): that page still shows the chat,
    and the frontend adds every line it is sent, so the lines are not sent again. A reload,
    a new tab or a first visit gets them all."""
    last = (
        await GameEvent.filter(game_id=game_id, user_id=user_id, kind__in=("join", "leave"))
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.kind != "leave" or not isinstance(last.data, dict):
        return False
    recent = last.created_at > utcnow() - RECONNECT_WINDOW
    return recent and last.data.get("ended") in (ENDED_BY_SERVER, LOST)
