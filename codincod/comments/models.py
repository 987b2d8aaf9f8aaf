from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import Entity, created_at_field, id_field

if TYPE_CHECKING:
    from codincod.accounts.models import User
    from codincod.puzzles.models import Puzzle


COMMENT_TYPES = ("puzzle-comment", "comment-comment")
VOTE_TYPES = ("upvote", "downvote")


class Comment(Entity):
    """A comment on a puzzle (``parent`` empty) or a reply to another comment.

    ``puzzle`` is always the puzzle the thread hangs under, so deleting a puzzle removes the
    whole thread and a reply knows its puzzle without walking up.
    """

    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="comments", on_delete=fields.CASCADE
    )
    author_id: str
    puzzle: fields.ForeignKeyRelation[Puzzle] = fields.ForeignKeyField(
        "models.Puzzle", related_name="comments", on_delete=fields.CASCADE
    )
    puzzle_id: str
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    parent_id: str | None
    text = fields.CharField(max_length=320)
    comment_type = fields.CharField(max_length=16, default="puzzle-comment")
    upvote = fields.IntField(default=0)
    downvote = fields.IntField(default=0)

    class Meta:
        table = "comments"
        indexes = (("puzzle_id", "created_at"), ("parent_id", "created_at"))


class CommentVote(Model):
    id = id_field()
    created_at = created_at_field()
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name="votes", on_delete=fields.CASCADE
    )
    comment_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="votes", on_delete=fields.CASCADE
    )
    user_id: str
    type = fields.CharField(max_length=8)

    class Meta:
        table = "comment_votes"
        unique_together = (("user_id", "comment_id"),)
