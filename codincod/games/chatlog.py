"""Game chat is written in groups (``codincod.grouping``): the lines that arrive while one
transaction is under way go together in the next. Busy chat (hundreds of lines a second
across games) makes a few transactions a second instead of one per line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from codincod.actors import Actor
from codincod.games.models import ChatMessage, GameEvent
from codincod.grouping import Grouped
from codincod.ids import new_id
from codincod.timeutil import utcnow


@dataclass(frozen=True)
class _Line:
    game_id: str
    actor: Actor
    message: str


async def _write(group: list[_Line]) -> list[ChatMessage]:
    """One transaction for the whole group."""
    now = utcnow()
    # A microsecond apart, so the order they came in is the order they are replayed in.
    times = [now + timedelta(microseconds=n) for n in range(len(group))]
    messages = [
        ChatMessage(
            id=new_id(),
            game_id=line.game_id,
            user_id=line.actor.id,
            username=line.actor.username,
            message=line.message,
            created_at=at,
            updated_at=at,
        )
        for line, at in zip(group, times, strict=True)
    ]
    kept = [
        GameEvent(
            id=new_id(),
            game_id=line.game_id,
            kind="chat",
            user_id=line.actor.id,
            data={"message": message.id},
            created_at=at,
        )
        for line, message, at in zip(group, messages, times, strict=True)
    ]
    async with in_transaction():
        await ChatMessage.bulk_create(messages)
        await GameEvent.bulk_create(kept)
    return messages


_lines: Grouped[_Line, ChatMessage] = Grouped(_write)


async def append(game_id: str, actor: Actor, message: str) -> ChatMessage:
    """Keep a line of a game's chat; returns once it is committed."""
    return await _lines.send(_Line(game_id, actor, message))
