from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields

from codincod.modelbase import Entity

if TYPE_CHECKING:
    from codincod.accounts.models import User


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
    explanation = fields.CharField(max_length=1024)
    status = fields.CharField(max_length=16, default="pending")
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_resolved", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "reports"
        indexes = (
            ("status", "created_at"),
            ("problem_type", "status"),
            ("reported_by_id", "target_id"),
        )


# Models cannot say "unique among pending rows"; the migration and the schema check add this.
ONE_PENDING_REPORT = (
    "CREATE UNIQUE INDEX reports_one_pending ON reports (reported_by_id, problem_type, target_id)"
    " WHERE status = 'pending'"
)
EXTRA_SCHEMA = (ONE_PENDING_REPORT,)
