from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import Entity, created_at_field, id_field

if TYPE_CHECKING:
    from codincod.accounts.models import User, UserBan


PROBLEM_TYPES = ("puzzle", "user", "comment", "game_chat")
REPORT_STATUSES = ("pending", "resolved", "rejected")
BAN_TYPES = ("temporary", "permanent")


class Report(Entity):
    """A user's report about a puzzle, user, comment or chat message (``target_id``)."""

    problem_type = fields.CharField(max_length=16)
    target_id = fields.CharField(max_length=24)
    reported_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_made", on_delete=fields.CASCADE
    )
    reported_by_id: str
    explanation = fields.CharField(max_length=1024)
    status = fields.CharField(max_length=16, default="pending")
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_resolved", null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: str | None
    # Whom the report is about: the user, or the author of the puzzle, comment or chat line
    # (set when it is filed; escalation counts the upheld reports against each user).
    reported_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_against", null=True, on_delete=fields.SET_NULL
    )
    reported_user_id: str | None

    class Meta:
        table = "reports"
        indexes = (
            ("status", "created_at"),
            # The review queue: one kind's pending reports, newest first, read page by page.
            ("problem_type", "status", "created_at", "id"),
            ("reported_by_id", "target_id"),
            ("reported_user_id", "status"),
        )


# Models cannot say "unique among pending rows"; the migration and the schema check add this.
ONE_PENDING_REPORT = (
    "CREATE UNIQUE INDEX reports_one_pending ON reports (reported_by_id, problem_type, target_id)"
    " WHERE status = 'pending'"
)
# One active ban per user (a new ban ends the one before it, under a lock; this holds even
# against a race the lock would miss).
ONE_ACTIVE_BAN = "CREATE UNIQUE INDEX user_bans_one_active ON user_bans (user_id) WHERE is_active"
EXTRA_SCHEMA = (ONE_PENDING_REPORT, ONE_ACTIVE_BAN)


# "closed": the ban ended another way (lifted, expired, replaced) before a decision.
APPEAL_STATUSES = ("pending", "accepted", "rejected", "closed")


class BanAppeal(Entity):
    """A banned user's request to lift one ban: one per ban, decided by a moderator."""

    ban: fields.ForeignKeyRelation[UserBan] = fields.ForeignKeyField(
        "models.UserBan", related_name="appeals", on_delete=fields.CASCADE
    )
    ban_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="appeals", on_delete=fields.CASCADE
    )
    user_id: str
    reason = fields.CharField(max_length=1000)
    status = fields.CharField(max_length=16, default="pending")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="appeals_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: str | None
    decision_reason = fields.CharField(max_length=500, null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ban_appeals"
        unique_together = (("ban_id",),)
        indexes = (("status", "created_at"),)


AUDIT_ACTIONS = (
    "approve",
    "revise",
    "resolve",
    "reject",
    "ban",
    "unban",
    "appeal_accept",
    "appeal_reject",
    "set_role",
    "migrate",
    "recalculate",
)


class AuditEntry(Model):
    """One staff action, written in the transaction of the action itself."""

    id = id_field()
    created_at = created_at_field()
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_id: str | None
    actor_name = fields.CharField(max_length=64)  # kept when the account goes
    action = fields.CharField(max_length=16)
    target_type = fields.CharField(max_length=16)
    target_id = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=1000, null=True)
    details: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_log"
        indexes = (("created_at",), ("actor_id", "created_at"), ("target_id", "created_at"))


CLAIM_TYPES = ("puzzle", "report", "appeal")


class ModerationClaim(Model):
    """A moderator working on an item of the queue: nobody else decides it until the claim
    expires (renewed while the item is open) or is released."""

    id = id_field()
    created_at = created_at_field()
    item_type = fields.CharField(max_length=16)
    item_id = fields.CharField(max_length=24)
    holder: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="claims", on_delete=fields.CASCADE
    )
    holder_id: str
    expires_at = fields.DatetimeField()

    class Meta:
        table = "moderation_claims"
        unique_together = (("item_type", "item_id"),)
