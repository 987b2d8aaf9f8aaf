from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import id_field
from codincod.timeutil import utcnow

if TYPE_CHECKING:
    from codincod.accounts.models import User


class UserModeMetrics(Model):
    """A player's record and Glicko-2 rating in one game mode."""

    id = id_field()
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mode_metrics", on_delete=fields.CASCADE
    )
    user_id: str
    mode = fields.CharField(max_length=16)
    games_played = fields.IntField(default=0)
    games_won = fields.IntField(default=0)
    best_score = fields.FloatField(default=0.0)
    average_score = fields.FloatField(default=0.0)
    total_score = fields.FloatField(default=0.0)
    rating = fields.FloatField(default=1500.0)
    rd = fields.FloatField(default=350.0)
    volatility = fields.FloatField(default=0.06)
    rating_updated_at = fields.DatetimeField(default=utcnow)
    rank = fields.IntField(null=True)
    last_game_date = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(default=utcnow)

    class Meta:
        table = "user_mode_metrics"
        unique_together = (("user_id", "mode"),)
        indexes = (("mode", "rating"),)
