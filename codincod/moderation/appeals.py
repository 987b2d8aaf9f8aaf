"""Ban appeals: a banned user may ask, once per ban, for it to be lifted; a moderator accepts
(the ban ends) or rejects, with a reason. Decisions are audited."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from codincod.accounts.models import UserBan
from codincod.actors import Actor, moderators_only
from codincod.errors import Conflict, NotFound
from codincod.moderation import audit, banning, claims, feed
from codincod.moderation.models import BanAppeal
from codincod.timeutil import utcnow
from codincod.validation import Schema

AppealReason = Annotated[str, Field(min_length=10, max_length=1000)]


class AppealCreate(Schema):
    reason: AppealReason


class AppealWithCredentials(Schema):
    """An appeal from a banned user without a session (a ban refuses them one)."""

    identifier: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=4096)]
    reason: AppealReason


class Decision(Schema):
    reason: Annotated[str, Field(min_length=10, max_length=500)]


async def file(actor: Actor, reason: str) -> BanAppeal:
    bans = await UserBan.filter(user_id=actor.id, is_active=True).order_by("-created_at")
    ban = next((b for b in bans if banning.in_force(b)), None)
    if ban is None:
        raise Conflict("You are not banned: there is nothing to appeal", title="Not banned")
    if await BanAppeal.exists(ban_id=ban.id):
        raise Conflict("You have already appealed this ban", title="Already appealed")
    try:
        made = await BanAppeal.create(ban_id=ban.id, user_id=actor.id, reason=reason.strip())
    except IntegrityError as error:  # the same appeal twice at once
        raise Conflict("You have already appealed this ban", title="Already appealed") from error
    await feed.announce("appeal:filed", appealId=made.id, userId=actor.id)
    return made


async def mine(actor: Actor) -> BanAppeal:
    latest = await BanAppeal.filter(user_id=actor.id).order_by("-created_at", "-id").first()
    if latest is None:
        raise NotFound("You have not appealed any ban", title="No appeal")
    return latest


async def decide(actor: Actor, appeal_id: str, accepted: bool, reason: str) -> BanAppeal:
    moderators_only(actor)
    appeal = await BanAppeal.get_or_none(id=appeal_id.lower())
    if appeal is None:
        raise NotFound("Appeal not found", title="Appeal not found")
    status = "accepted" if accepted else "rejected"
    await claims.ensure_free(actor, "appeal", appeal.id)
    async with in_transaction():
        await claims.settle("appeal", appeal.id)
        changed = await BanAppeal.filter(id=appeal.id, status="pending").update(
            status=status,
            decided_by_id=actor.id,
            decision_reason=reason,
            decided_at=utcnow(),
            updated_at=utcnow(),
        )
        if not changed:
            raise Conflict(f"This appeal was already {appeal.status}", title="Already decided")
        if accepted:
            await UserBan.filter(id=appeal.ban_id, is_active=True).update(
                is_active=False, updated_at=utcnow()
            )
        action = "appeal_accept" if accepted else "appeal_reject"
        await audit.record(
            actor,
            action,
            "appeal",
            appeal.id,
            reason,
            ban=appeal.ban_id,
            user=appeal.user_id,
        )
    await feed.announce("appeal:decided", appealId=appeal.id, status=status)
    return await BanAppeal.get(id=appeal.id)
