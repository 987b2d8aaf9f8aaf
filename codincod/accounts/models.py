from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import Entity
from codincod.timeutil import utcnow

ROLES = ("user", "moderator")


class User(Entity):
    username = fields.CharField(max_length=20, unique=True)
    # Stored lowercased, so uniqueness is case-insensitive as in the Node server.
    email = fields.CharField(max_length=320, unique=True)
    password_hash = fields.CharField(max_length=128)
    role = fields.CharField(max_length=16, default="user")
    # The wire role stays user|moderator (the frontend knows no other); admins are moderators
    # who may also change roles and run migrations over HTTP.
    is_admin = fields.BooleanField(default=False)
    profile_picture = fields.TextField(null=True)
    profile_bio = fields.TextField(null=True)
    profile_location = fields.TextField(null=True)
    profile_socials: fields.Field[list[str]] = fields.JSONField(default=list)
    report_count = fields.IntField(default=0)
    ban_count = fields.IntField(default=0)

    class Meta:
        table = "users"


class Preferences(Entity):
    owner: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="preferences", on_delete=fields.CASCADE
    )
    owner_id: str
    preferred_language = fields.CharField(max_length=64, null=True)
    theme = fields.CharField(max_length=8, null=True)
    blocked_users: fields.Field[list[str]] = fields.JSONField(default=list)
    editor: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)

    class Meta:
        table = "preferences"


class RevokedToken(Model):
    """A session token refused from now on (logout). Rows go once the token has expired."""

    token_id = fields.CharField(primary_key=True, max_length=64)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "revoked_tokens"


class UserBan(Entity):
    """A ban. The active one (``is_active``) is the user's current ban; temporary bans end at
    ``end_date`` by themselves."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bans", on_delete=fields.CASCADE
    )
    user_id: str
    banned_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bans_issued", on_delete=fields.CASCADE
    )
    banned_by_id: str
    ban_type = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=500)
    start_date = fields.DatetimeField(default=utcnow)
    end_date = fields.DatetimeField(null=True)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "user_bans"
        indexes = (("user_id", "is_active"), ("end_date", "is_active"))
