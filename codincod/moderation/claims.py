"""Claims: two moderators never work the same item. Opening an item of the queue (a puzzle
to review, a report, an appeal) claims it for 5 minutes, renewed while it stays open; another
moderator's decision on a held item is refused (409 naming the holder); deciding or leaving
releases it. A claim that ran out is free for anyone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts.models import User
from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor, moderators_only
from codincod.errors import Held, InvalidInput, NotFound
from codincod.moderation.models import BanAppeal, ModerationClaim, Report
from codincod.puzzles.models import Puzzle
from codincod.timeutil import iso_z, utcnow
from codincod.validation import Schema

LENGTH = timedelta(minutes=5)
# The review queue's types name the same three kinds of item.
KINDS = {
    "puzzle": "puzzle",
    "pending_puzzle": "puzzle",
    "report": "report",
    "reported_puzzle": "report",
    "reported_user": "report",
    "reported_comment": "report",
    "reported_game_chat": "report",
    "appeal": "appeal",
    "ban_appeal": "appeal",
}
_MODELS = {"puzzle": Puzzle, "report": Report, "appeal": BanAppeal}


class ClaimRequest(Schema):
    type: Annotated[str, Field(max_length=32)]
    id: ObjectId


@dataclass(frozen=True)
class Claim:
    holder_id: str
    holder_name: str
    expires_at: datetime


def kind_of(item_type: str) -> str:
    kind = KINDS.get(item_type)
    if kind is None:
        raise InvalidInput(
            f"Unknown item type {item_type[:32]!r}: one of puzzle, report, appeal",
            title="Bad Request",
        )
    return kind


async def claim(actor: Actor, item_type: str, item_id: str) -> Claim:
    """Claim the item for ``actor`` (or renew their claim): Held when another holds it."""
    moderators_only(actor)
    kind, item_id = kind_of(item_type), item_id.lower()
    if not await _MODELS[kind].exists(id=item_id):
        raise NotFound(f"No {kind} {item_id}", title="Not found")
    now = utcnow()
    async with in_transaction() as connection:
        await db.lock_name(connection, f"claim:{kind}:{item_id}")
        current = await ModerationClaim.get_or_none(item_type=kind, item_id=item_id)
        if current is not None:
            await _raise_if_held(actor, current, now)
            await current.delete()
        made = await ModerationClaim.create(
            item_type=kind, item_id=item_id, holder_id=actor.id, expires_at=now + LENGTH
        )
    return Claim(actor.id, actor.username, made.expires_at)


async def release(actor: Actor, item_type: str, item_id: str) -> bool:
    """Give up one's claim on the item; whether there was one."""
    moderators_only(actor)
    kind = kind_of(item_type)
    gone = await ModerationClaim.filter(
        item_type=kind, item_id=item_id.lower(), holder_id=actor.id
    ).delete()
    return gone > 0


async def ensure_free(actor: Actor, kind: str, item_id: str) -> None:
    """Before a decision: the item is not held by another moderator (Held otherwise)."""
    current = await ModerationClaim.get_or_none(item_type=kind, item_id=item_id)
    if current is not None:
        await _raise_if_held(actor, current, utcnow())


async def settle(kind: str, item_id: str) -> None:
    """The item was decided: whoever held it, it is free (and nothing is left to hold)."""
    await ModerationClaim.filter(item_type=kind, item_id=item_id).delete()


async def holders(kind: str, item_ids: Iterable[str]) -> dict[str, Claim]:
    """The live claims on these items, by item id."""
    now = utcnow()
    found = await ModerationClaim.filter(
        item_type=kind, item_id__in=list(item_ids), expires_at__gt=now
    ).select_related("holder")
    return {c.item_id: Claim(c.holder.id, c.holder.username, c.expires_at) for c in found}


async def _raise_if_held(actor: Actor, current: ModerationClaim, now: datetime) -> None:
    holder_id = current.holder_id
    if holder_id == actor.id or current.expires_at <= now:
        return
    holder = await User.get_or_none(id=holder_id)
    name = holder.username if holder else "another moderator"
    raise Held(
        f"{name} is working on this {current.item_type} until {iso_z(current.expires_at)}",
        title="Held by another moderator",
        holder={"_id": holder_id, "username": name},
        expires_at=iso_z(current.expires_at),
    )
