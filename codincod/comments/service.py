"""Comments on puzzles, replies to comments, and votes.

A comment can be read, answered and voted on by whoever may see its puzzle; it is deleted by
its author or a moderator, replies included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from codincod.actors import Actor
from codincod.comments.models import Comment, CommentVote
from codincod.comments.schemas import CommentCreate, VoteRequest
from codincod.errors import Conflict, Forbidden, NotFound
from codincod.ids import is_valid_id
from codincod.puzzles import rules
from codincod.puzzles.models import Puzzle

NOT_FOUND = "Comment not found"


@dataclass
class CommentView:
    comment: Comment
    reply_ids: list[str] = field(default_factory=list)


async def _visible_comment(actor: Actor | None, comment_id: str) -> Comment:
    if not is_valid_id(comment_id):
        raise NotFound(NOT_FOUND)
    comment = await Comment.get_or_none(id=comment_id.lower()).select_related("author", "puzzle")
    if comment is None:
        raise NotFound(NOT_FOUND)
    puzzle: Puzzle = comment.puzzle
    if not rules.can_view(actor, puzzle.author_id, puzzle.visibility):
        raise NotFound(NOT_FOUND)
    return comment


async def _with_replies(comment: Comment) -> CommentView:
    replies = await Comment.filter(parent_id=comment.id).order_by("created_at", "id")
    return CommentView(comment, [reply.id for reply in replies])


async def get(actor: Actor | None, comment_id: str) -> CommentView:
    return await _with_replies(await _visible_comment(actor, comment_id))


async def comment_on(actor: Actor, target_id: str, data: CommentCreate) -> CommentView:
    """Comment on a puzzle; when ``target_id`` names a comment (the frontend posts replies to
    the puzzle route with the comment's id), answer that comment instead."""
    if is_valid_id(target_id):
        puzzle = await Puzzle.get_or_none(id=target_id.lower())
        if puzzle is not None:
            if not rules.can_view(actor, puzzle.author_id, puzzle.visibility):
                raise NotFound("Puzzle not found")
            return await _create(actor, puzzle.id, None, data.text)
        if await Comment.exists(id=target_id.lower()):
            return await reply(actor, target_id, data)
    raise NotFound("Puzzle not found")


async def reply(actor: Actor, comment_id: str, data: CommentCreate) -> CommentView:
    parent = await _visible_comment(actor, comment_id)
    return await _create(actor, parent.puzzle_id, parent.id, data.text)


async def _create(actor: Actor, puzzle_id: str, parent_id: str | None, text: str) -> CommentView:
    try:
        comment = await Comment.create(
            author_id=actor.id,
            puzzle_id=puzzle_id,
            parent_id=parent_id,
            text=text,
            comment_type="comment-comment" if parent_id else "puzzle-comment",
        )
    except IntegrityError as error:  # the puzzle or the comment answered was deleted meanwhile
        raise NotFound(NOT_FOUND if parent_id else "Puzzle not found") from error
    await comment.fetch_related("author")
    return CommentView(comment, [])


async def delete(actor: Actor, comment_id: str) -> None:
    comment = await _visible_comment(actor, comment_id)
    if not (actor.is_moderator or comment.author_id == actor.id):
        raise Forbidden("Only the author or a moderator can delete this comment")
    await comment.delete()  # replies and votes follow through ON DELETE CASCADE


async def vote(actor: Actor, comment_id: str, data: VoteRequest) -> CommentView:
    """Toggle the actor's vote: the same type again removes it, the other type switches it.
    The vote and the comment's counts change in one transaction, the counts by what the vote
    row actually did (a delete or switch that another request made first counts nothing), so
    concurrent votes always add up without holding the comment's row for the whole change."""
    comment = await _visible_comment(actor, comment_id)
    try:
        async with in_transaction() as connection:
            up, down = await _toggle(connection, comment.id, actor.id, data.type)
            if up or down:
                counts = Comment.filter(id=comment.id).using_db(connection)
                if not await counts.update(upvote=F("upvote") + up, downvote=F("downvote") + down):
                    raise NotFound(NOT_FOUND)  # deleted since we looked
    except IntegrityError as error:
        if not await Comment.exists(id=comment.id):  # deleted while the vote was cast
            raise NotFound(NOT_FOUND) from error
        # the same user voting twice at the same instant
        raise Conflict("Your previous vote is still being counted; try again") from error
    counted = await Comment.get_or_none(id=comment.id)
    if counted is None:
        raise NotFound(NOT_FOUND)
    return await _with_replies(counted)


async def _toggle(connection: Any, comment_id: str, user_id: str, kind: str) -> tuple[int, int]:
    """Change the user's vote on the comment; what it did to the counts (up, down)."""
    votes = CommentVote.filter(comment_id=comment_id, user_id=user_id).using_db(connection)
    existing = await votes.first()
    if existing is None:
        await CommentVote.create(
            comment_id=comment_id, user_id=user_id, type=kind, using_db=connection
        )
        return _counted(kind, 1)
    if existing.type == kind:
        gone = await votes.filter(type=kind).delete()
        return _counted(kind, -gone)
    moved = await votes.filter(type=existing.type).update(type=kind)
    added, removed = _counted(kind, moved), _counted(existing.type, -moved)
    return added[0] + removed[0], added[1] + removed[1]


def _counted(kind: str, change: int) -> tuple[int, int]:
    return (change, 0) if kind == "upvote" else (0, change)
