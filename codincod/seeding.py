"""``codincod seed``: a playable instance out of the box.

``minimal``: an account of each kind (a player, a moderator, an admin) and the demo puzzles
(``codincod.seeddata``: approved, over four difficulties, ten validators and a Python reference
solution each). ``demo`` adds what the frontend and the console show off: comments and a reply,
a puzzle waiting for review, a finished game with its chat and kept events (to replay), a user
who misbehaves and open reports about them.

Running it again adds nothing: every piece is looked up first (accounts by name, puzzles by
title and author, the game by its puzzle and players).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from codincod.accounts import service as accounts
from codincod.accounts.models import User
from codincod.accounts.schemas import Registration
from codincod.actors import OPERATOR
from codincod.comments.models import Comment
from codincod.config import Settings
from codincod.execution import languages
from codincod.execution.choice import executor_for
from codincod.execution.models import ProgrammingLanguage
from codincod.games.models import ChatMessage, Game, GameEvent, GamePlayer, GameSubmission
from codincod.moderation import admin
from codincod.moderation.models import Report
from codincod.puzzles.models import Puzzle, Validator
from codincod.seeddata import PENDING, PUZZLES, DemoPuzzle
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow

PRESETS = ("minimal", "demo")
# name -> (role, admin)
ACCOUNTS = {
    "demo_admin": ("moderator", True),
    "demo_moderator": ("moderator", False),
    "demo_player": ("user", False),
}
ROWDY = "demo_rowdy"  # demo: the one the reports are about


@dataclass
class Seeded:
    passwords: dict[str, str] = field(default_factory=dict)  # accounts made now: shown once
    kept: list[str] = field(default_factory=list)  # accounts that were there already
    puzzles: int = 0
    extras: list[str] = field(default_factory=list)


Step = Callable[[str], None]


def steps(preset: str) -> int:
    """How many steps ``seed`` reports for a preset (for a progress bar)."""
    count = 1 + len(ACCOUNTS) + len(PUZZLES)
    return count + (5 if preset == "demo" else 0)


async def seed(
    settings: Settings, preset: str, password: str | None, step: Step = lambda _: None
) -> Seeded:
    """``password``: every new account's (else each gets a generated one, returned)."""
    done = Seeded()
    python = await _python(settings)
    step("languages")
    names = {**ACCOUNTS, **({ROWDY: ("user", False)} if preset == "demo" else {})}
    users = {}
    for name, (role, is_admin) in names.items():
        users[name] = await _account(settings, name, role, is_admin, password, done)
        step(name)
    author = users["demo_admin"]
    puzzles = []
    for demo in PUZZLES:
        puzzle, made = await _puzzle(demo, author, python, "approved")
        puzzles.append(puzzle)
        done.puzzles += made
        step(demo.title)
    if preset == "demo":
        await _demo(users, puzzles, python, done, step)
    return done


async def _python(settings: Settings) -> ProgrammingLanguage:
    """The Python language row the reference solutions are written in."""
    executor = executor_for(settings)
    try:
        await languages.sync(executor)
    finally:
        await executor.close()
    found = await ProgrammingLanguage.filter(language="python").order_by("-version").first()
    if found is None:
        raise RuntimeError("the executor runs no Python: the demo's solutions need it")
    return found


async def _account(
    settings: Settings, name: str, role: str, is_admin: bool, password: str | None, done: Seeded
) -> User:
    found = await User.get_or_none(username=name)
    if found is not None:
        done.kept.append(name)
        return found
    chosen = password or secrets.token_urlsafe(12)
    data = Registration(username=name, email=f"{name}@example.org", password=chosen)
    user = await accounts.register(data, settings, "moderator" if role == "moderator" else "user")
    if is_admin:
        user = await admin.set_admin(OPERATOR, user.id, True)
    done.passwords[name] = chosen
    return user


async def _puzzle(
    demo: DemoPuzzle, author: User, python: ProgrammingLanguage, visibility: str
) -> tuple[Puzzle, bool]:
    found = await Puzzle.get_or_none(title=demo.title, author_id=author.id)
    if found is not None:
        return found, False
    puzzle = await Puzzle.create(
        title=demo.title,
        statement=demo.statement,
        constraints=demo.constraints,
        author_id=author.id,
        difficulty=demo.difficulty,
        visibility=visibility,
        tags=list(demo.tags),
        solution_code=demo.solution,
        solution_language_id=python.id,
    )
    await Validator.bulk_create(
        [
            Validator(puzzle_id=puzzle.id, position=n, input=given, output=expected)
            for n, (given, expected) in enumerate(demo.validators())
        ]
    )
    return puzzle, True


# --- the demo's extras ----------------------------------------------------------------------


async def _demo(
    users: dict[str, User],
    puzzles: list[Puzzle],
    python: ProgrammingLanguage,
    done: Seeded,
    step: Step,
) -> None:
    player, moderator, rowdy = users["demo_player"], users["demo_moderator"], users[ROWDY]
    _, made = await _puzzle(PENDING, player, python, "review")
    if made:
        done.extras.append("a puzzle waiting for review")
    step("pending puzzle")
    rude = await _comments(puzzles[:3], player, moderator, rowdy, done)
    step("comments")
    chat = await _finished_game(puzzles[0], [player, moderator, rowdy], python, done)
    step("finished game")
    await _reports(player, rude, chat, rowdy, done)
    step("reports")
    step("done")


async def _comments(
    puzzles: list[Puzzle], player: User, moderator: User, rowdy: User, done: Seeded
) -> Comment:
    rude = await Comment.get_or_none(author_id=rowdy.id, puzzle_id=puzzles[0].id)
    if rude is not None:
        return rude
    for puzzle in puzzles:
        first = await Comment.create(
            text=f"A good warm-up: {puzzle.title} took me a few minutes.",
            author_id=player.id,
            puzzle_id=puzzle.id,
            upvote=1,
        )
        await Comment.create(
            text="Try it without a loop next time.",
            comment_type="comment-comment",
            author_id=moderator.id,
            puzzle_id=puzzle.id,
            parent_id=first.id,
        )
    done.extras.append(f"{2 * len(puzzles) + 1} comments and replies")
    return await Comment.create(
        text="This puzzle is stupid and so is everyone who likes it.",
        author_id=rowdy.id,
        puzzle_id=puzzles[0].id,
    )


async def _finished_game(
    puzzle: Puzzle, players: list[User], python: ProgrammingLanguage, done: Seeded
) -> ChatMessage:
    """A game of three that ended an hour ago, with its hand-ins, chat and kept events."""
    owner = players[0]
    found = await Game.get_or_none(owner_id=owner.id, puzzle_id=puzzle.id, rated=False)
    if found is not None:
        last = await ChatMessage.filter(game_id=found.id).order_by("-created_at").first()
        if last is not None:
            return last
    start = utcnow() - timedelta(hours=1)
    game = await Game.create(
        owner_id=owner.id,
        puzzle_id=puzzle.id,
        mode="fastest",
        max_duration_seconds=600,
        rated=False,
        status="finished",
        start_time=start,
        end_time=start + timedelta(minutes=10),
    )
    at = iter(start + timedelta(seconds=20 * n) for n in range(100))
    await GameEvent.create(
        game_id=game.id,
        kind="start",
        user_id=owner.id,
        created_at=next(at),
        data={"players": [p.id for p in players], "puzzle": puzzle.id},
    )
    for position, player in enumerate(players):
        await GamePlayer.create(game_id=game.id, user_id=player.id, position=position)
        await GameEvent.create(
            game_id=game.id,
            kind="join",
            user_id=player.id,
            created_at=next(at),
            data={"socket": True},
        )
    line = None
    for player, said in zip(players, ("gl hf", "you too", "you are all too slow"), strict=True):
        when = next(at)
        line = await ChatMessage.create(
            game_id=game.id,
            user_id=player.id,
            username=player.username,
            message=said,
            created_at=when,
            updated_at=when,
        )
        await GameEvent.create(
            game_id=game.id,
            kind="chat",
            user_id=player.id,
            created_at=when,
            data={"message": line.id},
        )
    for player in players[:2]:  # two of them solved it
        when = next(at)
        handed = await Submission.create(
            puzzle_id=puzzle.id,
            user_id=player.id,
            programming_language_id=python.id,
            code=PUZZLES[0].solution,
            code_length=len(PUZZLES[0].solution),
            result="success",
            success_rate=1.0,
            passed=10,
            total=10,
            created_at=when,
        )
        await GameSubmission.create(game_id=game.id, user_id=player.id, submission_id=handed.id)
        await GameEvent.create(
            game_id=game.id,
            kind="submission",
            user_id=player.id,
            created_at=when,
            data={"submission": handed.id, "successRate": 1.0},
        )
    await GameEvent.create(
        game_id=game.id,
        kind="finish",
        created_at=game.end_time,
        data={"standings": [p.id for p in players[:2]], "rated": False},
    )
    done.extras.append("a finished game with its chat and events")
    assert line is not None
    return line


async def _reports(
    reporter: User, rude: Comment, chat: ChatMessage, rowdy: User, done: Seeded
) -> None:
    if await Report.exists(reported_by_id=reporter.id, target_id=rude.id):
        return
    await Report.create(
        problem_type="comment",
        target_id=rude.id,
        reported_by_id=reporter.id,
        reported_user_id=rowdy.id,
        explanation="Insults everyone who enjoys the puzzle.",
    )
    await Report.create(
        problem_type="game_chat",
        target_id=chat.id,
        reported_by_id=reporter.id,
        reported_user_id=rowdy.id,
        explanation="Taunting the other players in the game chat.",
    )
    done.extras.append("two open reports")
