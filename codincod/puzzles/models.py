from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import Entity

if TYPE_CHECKING:
    from codincod.accounts.models import User
    from codincod.execution.models import ProgrammingLanguage


DIFFICULTIES = ("beginner", "intermediate", "advanced", "expert")
VISIBILITIES = ("draft", "ready", "review", "revise", "approved", "inactive", "archived")
TAGS = (
    "algorithms",
    "data_structures",
    "mathematics",
    "strings",
    "arrays",
    "math",
    "graph_theory",
    "dynamic_programming",
)


class Puzzle(Entity):
    title = fields.CharField(max_length=128)
    statement = fields.TextField(null=True)
    constraints = fields.TextField(null=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="puzzles", on_delete=fields.CASCADE
    )
    author_id: str
    difficulty = fields.CharField(max_length=16, default="intermediate")
    visibility = fields.CharField(max_length=16, default="draft")
    tags: fields.Field[list[str]] = fields.JSONField(default=list)
    moderation_feedback = fields.TextField(null=True)
    solution_code = fields.TextField(default="")
    solution_language: fields.ForeignKeyNullableRelation[ProgrammingLanguage] = (
        fields.ForeignKeyField(
            "models.ProgrammingLanguage",
            related_name="solved_puzzles",
            null=True,
            on_delete=fields.SET_NULL,
        )
    )
    solution_language_id: str | None

    class Meta:
        table = "puzzles"
        # The list's filters and order (newest first, id breaking ties), so a page is read
        # from the index instead of sorting every match.
        indexes = (
            ("visibility", "created_at", "id"),
            ("visibility", "difficulty", "created_at", "id"),
            ("author_id", "created_at", "id"),
            # Covers every column a list tests: an author's list (approved or theirs) and the
            # moderators' whole list walk it without reading rows.
            ("created_at", "id", "visibility", "author_id"),
        )


class PuzzleCount(Model):
    """How many puzzles there are of each visibility and difficulty, kept exact by triggers
    on ``puzzles`` (see the migrations), so a list's total is a lookup instead of a count."""

    id = fields.IntField(primary_key=True)
    visibility = fields.CharField(max_length=16)
    difficulty = fields.CharField(max_length=16)
    n = fields.IntField(default=0)

    class Meta:
        table = "puzzle_counts"
        unique_together = (("visibility", "difficulty"),)


class Validator(Entity):
    """One test case. ``position`` keeps the order the author gave."""

    puzzle: fields.ForeignKeyRelation[Puzzle] = fields.ForeignKeyField(
        "models.Puzzle", related_name="validators", on_delete=fields.CASCADE
    )
    puzzle_id: str
    position = fields.IntField()
    input = fields.TextField()
    output = fields.TextField()

    class Meta:
        table = "validators"
        unique_together = (("puzzle_id", "position"),)
