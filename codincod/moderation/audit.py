"""The staff audit log: who did what to what, when and why. ``record`` runs inside the
action's own transaction, so an action and its entry are kept or lost together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from codincod.accounts import service as accounts
from codincod.accounts.models import User
from codincod.actors import OPERATOR, Actor, moderators_only
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
        actor_id=None if actor.is_operator else actor.id,
        actor_name=OPERATOR_NAME if actor.is_operator else actor.username,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=details,
    )


OPERATOR_NAME = OPERATOR.username  # an action taken at the server's machine: no account


class AuditQuery(PageQuery):
    actor: Annotated[str, Field(max_length=64)] | None = None  # a username or an id
    action: Annotated[str, Field(max_length=16)] | None = None
    targetId: Annotated[str, Field(max_length=64)] | None = None  # an id, or a user's name


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    target_name: str | None  # the user's name, for actions on users


async def _user_id(name_or_id: str) -> str:
    """An id as given, or the id of the user of that name (none: an id no entry has)."""
    if _ID.fullmatch(name_or_id):
        return name_or_id.lower()
    user = await accounts.find_user(name_or_id)
    return user.id if user else "-"


async def listing(actor: Actor, query: AuditQuery) -> Page[AuditRow]:
    moderators_only(actor)
    """Entries newest first, filtered by actor (name or id), action and target (an id, or a
    user's name); actions on users come with the user's name."""
    entries = AuditEntry.all()
    if query.actor:
        entries = entries.filter(actor_id=await _user_id(query.actor))
    if query.action:
        entries = entries.filter(action=query.action)
    if query.targetId:
        entries = entries.filter(target_id=await _user_id(query.targetId))
    total = await entries.count()
    rows = (
        await entries.order_by("-created_at", "-id")
        .offset(query.offset)
        .limit(query.pageSize)
        .select_related("actor")
    )
    users = {e.target_id for e in rows if e.target_type == "user"}
    names = dict(await User.filter(id__in=list(users)).values_list("id", "username"))
    return Page(
        [AuditRow(e, names.get(e.target_id)) for e in rows], query.page, query.pageSize, total
    )
