from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import created_at_field, id_field

if TYPE_CHECKING:
    from codincod.accounts.models import User
    from codincod.execution.models import ProgrammingLanguage
    from codincod.puzzles.models import Puzzle


RESULTS = ("success", "error", "unknown")


class Submission(Model):
    id = id_field()
    created_at = created_at_field()
    puzzle: fields.ForeignKeyRelation[Puzzle] = fields.ForeignKeyField(
        "models.Puzzle", related_name="submissions", on_delete=fields.CASCADE
    )
    puzzle_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="submissions", on_delete=fields.CASCADE
    )
    user_id: str
    programming_language: fields.ForeignKeyRelation[ProgrammingLanguage] = fields.ForeignKeyField(
        "models.ProgrammingLanguage", related_name="submissions", on_delete=fields.RESTRICT
    )
    programming_language_id: str
    code = fields.TextField()
    code_length = fields.IntField()
    result = fields.CharField(max_length=8, default="unknown")
    success_rate = fields.FloatField(default=0.0)
    passed = fields.IntField(default=0)
    failed = fields.IntField(default=0)
    total = fields.IntField(default=0)

    class Meta:
        table = "submissions"
        indexes = (("user_id", "created_at"), ("puzzle_id", "created_at"))
