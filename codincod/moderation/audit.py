"""The staff audit log: who did what to what, when and why. ``record`` runs inside the
action's own transaction, so an action and its entry are kept or lost together."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from codincod.accounts.models import User
from codincod.actors import Actor
from codincod.moderation.models import AUDIT_ACTIONS, AuditEntry
from codincod.pagination import Page, PageQuery

_ID = re.compile(r"[0-9a-fA-F]{24}")


async def record(
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    reason: str | None = None,
    **details: Any,
) -> AuditEntry:
    assert action in AUDIT_ACTIONS, action
    return await AuditEntry.create(
        actor_id=actor.id,
        actor_name=actor.username,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=details,
    )


OPERATOR = "(command line)"


async def record_operator(
    action: str, target_type: str, target_id: str, reason: str | None = None, **details: Any
) -> AuditEntry:
    """An action taken on the server's own machine (a CLI command): no account behind it."""
    assert action in AUDIT_ACTIONS, action
    return await AuditEntry.create(
        actor_id=None,
        actor_name=OPERATOR,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=details,
    )


class AuditQuery(PageQuery):
    actor: Annotated[str, Field(max_length=64)] | None = None  # a username or an id
    action: Annotated[str, Field(max_length=16)] | None = None
    targetId: Annotated[str, Field(max_length=64)] | None = None


async def listing(query: AuditQuery) -> Page[AuditEntry]:
    """Entries newest first, filtered by actor (name or id), action and target."""
    entries = AuditEntry.all()
    if query.actor:
        if _ID.fullmatch(query.actor):
            entries = entries.filter(actor_id=query.actor.lower())
        else:
            user = await User.get_or_none(username__iexact=query.actor)
            entries = entries.filter(actor_id=user.id if user else "-")
    if query.action:
        entries = entries.filter(action=query.action)
    if query.targetId:
        entries = entries.filter(target_id=query.targetId.lower())
    total = await entries.count()
    rows = (
        await entries.order_by("-created_at", "-id")
        .offset(query.offset)
        .limit(query.pageSize)
        .select_related("actor")
    )
    return Page(list(rows), query.page, query.pageSize, total)
