"""Bans by moderators (and by escalation): a new ban ends the one before it; moderators are
never banned, nor is the one banning; a ban takes effect at once (the user's sockets close,
their requests get 403 with ``banDetails``); every ban and unban is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts.bans import ActiveBan
from codincod.accounts.models import User, UserBan
from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor, moderators_only
from codincod.bus import bus
from codincod.errors import Conflict, Forbidden, NotFound
from codincod.moderation import audit, feed
from codincod.moderation.models import BanAppeal
from codincod.timeutil import iso_z, utcnow
from codincod.validation import Schema

BANS = "codincod_bans"  # the bus channel: a user id whose sockets must close
Reason = Annotated[str, Field(min_length=10, max_length=500)]
MAX_DAYS = 36_500


class PermanentBan(Schema):
    """The frontend's body; ``userId`` may be sent (Node required it) but the path decides."""

    reason: Reason
    userId: ObjectId | None = None


class TemporaryBan(PermanentBan):
    # One of the lengths, as a number, is needed: the document says so, for clients (and
    # fuzzers) to know.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"type": "number"}}}
                for name in ("duration", "durationMs")
            ]
        }
    )

    duration: Annotated[float, Field(gt=0, le=MAX_DAYS)] | None = None  # days (the frontend)
    durationMs: Annotated[float, Field(gt=0, le=MAX_DAYS * 86_400_000)] | None = None  # Node

    @model_validator(mode="after")
    def _needs_a_length(self) -> TemporaryBan:
        if self.duration is None and self.durationMs is None:
            raise ValueError("duration (days) or durationMs is required")
        return self

    @property
    def length(self) -> timedelta:
        if self.durationMs is not None:
            return timedelta(milliseconds=self.durationMs)
        return timedelta(days=self.duration or 0)


class Unban(Schema):
    reason: Reason
    userId: ObjectId | None = None


async def _target(actor: Actor, user_id: str) -> User:
    user = await User.get_or_none(id=user_id.lower())
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    if user.id == actor.id:
        raise Forbidden("Moderators cannot ban themselves", title="Forbidden")
    if user.role == "moderator":
        raise Forbidden("Moderators cannot ban moderators", title="Forbidden")
    return user


async def ban(
    actor: Actor, user_id: str, reason: str, length: timedelta | None, **context: object
) -> UserBan:
    """Moderators: a permanent ban (``length`` None) or one that ends after ``length``."""
    moderators_only(actor)
    user = await _target(actor, user_id)
    try:
        async with in_transaction():
            made = await ban_within_transaction(actor, user, reason, length, **context)
    except IntegrityError as error:  # another ban of this user got in first
        raise Conflict("This user was banned at the same moment; see their ban history") from error
    await take_effect(user.id)
    return made


async def ban_within_transaction(
    actor: Actor, user: User, reason: str, length: timedelta | None, **context: object
) -> UserBan:
    """The ban, in the caller's transaction (``take_effect`` once it commits). Bans of one
    user are made one at a time (a lock per user; a unique index holds one active ban per
    user whatever happens), each ending the one before it, each audited."""
    now = utcnow()
    end = None if length is None else now + length
    async with in_transaction() as connection:  # a savepoint in the caller's transaction
        await db.lock_name(connection, "ban:" + user.id)
        ended = await end_bans(UserBan.filter(user_id=user.id, is_active=True), now)
        made = await UserBan.create(
            user_id=user.id,
            banned_by_id=actor.id,
            ban_type="permanent" if end is None else "temporary",
            reason=reason,
            start_date=now,
            end_date=end,
        )
        await User.filter(id=user.id).update(ban_count=F("ban_count") + 1)
        await audit.record(
            actor,
            "ban",
            "user",
            user.id,
            reason,
            ban=made.id,
            banType=made.ban_type,
            endDate=iso_z(end) if end else None,
            replaced=ended,
            **context,
        )
    return made


async def take_effect(user_id: str) -> None:
    """A committed ban applies at once: every process closes the user's sockets."""
    await bus.publish(BANS, user_id)


async def unban(actor: Actor, user_id: str, reason: str) -> int:
    moderators_only(actor)
    user = await User.get_or_none(id=user_id.lower())
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    async with in_transaction() as connection:
        await db.lock_name(connection, "ban:" + user.id)
        ended = await end_bans(UserBan.filter(user_id=user.id, is_active=True), utcnow())
        if not ended:
            raise Conflict("This user is not banned", title="Not banned")
        await audit.record(actor, "unban", "user", user.id, reason, ended=ended)
    await feed.announce("user:unbanned", userId=user.id)
    return ended


async def history(actor: Actor, user_id: str) -> list[UserBan]:
    moderators_only(actor)
    user = await User.get_or_none(id=user_id.lower())
    if user is None:
        raise NotFound("User couldn't be found", title="User not found")
    return list(
        await UserBan.filter(user_id=user.id)
        .order_by("-created_at", "-id")
        .select_related("banned_by")
    )


def in_force(ban: UserBan, now: datetime | None = None) -> bool:
    return ban.is_active and (ban.end_date is None or ban.end_date > (now or utcnow()))


async def message_for(user_id: str) -> str:
    """What a banned user is told (the ban in force, else a plain sentence)."""
    bans = await UserBan.filter(user_id=user_id, is_active=True).order_by("-created_at")
    ban = next((b for b in bans if in_force(b)), None)
    if ban is None:
        return "You are banned"
    return ActiveBan(ban.id, ban.ban_type, ban.reason, ban.end_date).message()


async def end_bans(bans: QuerySet[UserBan], now: datetime) -> int:
    """End these bans, and close the appeals still pending against them: an appeal leaves the
    queue with its ban."""
    ids = [ban_id for ban_id in await bans.values_list("id", flat=True)]
    if not ids:
        return 0
    await BanAppeal.filter(ban_id__in=ids, status="pending").update(status="closed", updated_at=now)
    return await UserBan.filter(id__in=ids, is_active=True).update(is_active=False, updated_at=now)


async def end_expired(now: datetime | None = None) -> int:
    """Temporary bans whose end has passed stop being active, with their pending appeals;
    and appeals of bans that sign-in ended lazily (``accounts``) are closed too."""
    now = now or utcnow()
    async with in_transaction():
        ended = await end_bans(UserBan.filter(is_active=True, end_date__lte=now), now)
        ended_bans = Subquery(UserBan.filter(is_active=False).values("id"))
        await BanAppeal.filter(status="pending", ban_id__in=ended_bans).update(
            status="closed", updated_at=now
        )
    return ended
