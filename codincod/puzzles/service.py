"""Puzzles: listing, reading, creating, editing and deleting, with visibility decided here."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts.models import User
from codincod.accounts.schemas import is_valid_username
from codincod.actors import Actor
from codincod.comments.models import Comment
from codincod.errors import Forbidden, InvalidInput, NotFound
from codincod.execution.executor import Executor, Limits
from codincod.execution.models import ProgrammingLanguage
from codincod.ids import is_valid_id
from codincod.pagination import Page, PageQuery
from codincod.puzzles import readcache, reads, rules, selfcheck
from codincod.puzzles.models import TAGS, Puzzle, Validator
from codincod.puzzles.schemas import PuzzleCreate, PuzzleListQuery, PuzzleUpdate
from codincod.puzzles.selfcheck import SelfCheck
from codincod.timeutil import utcnow

NOT_FOUND = "Puzzle not found"


@dataclass
class PuzzleView:
    """A puzzle with what its page shows: author, validators and top-level comments (each
    with its author and the ids of its replies)."""

    puzzle: Puzzle
    validators: list[Validator] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    reply_ids: dict[str, list[str]] = field(default_factory=dict)


def _visible_to(actor: Actor | None) -> Q:
    if actor is not None and actor.is_moderator:
        return Q()
    if actor is None:
        return Q(visibility="approved")
    return Q(visibility="approved") | Q(author_id=actor.id)


def _with_tags(selected: QuerySet[Puzzle], tags: list[str]) -> QuerySet[Puzzle]:
    if db.dialect() == "postgres":
        return selected.filter(tags__contains=tags)
    # SQLite: Tortoise cannot filter inside JSON there. Tags come from a closed enum, checked
    # before they get here, so writing them into the SQL is safe.
    for number, tag in enumerate(tags):
        assert tag in TAGS
        exists = f'EXISTS (SELECT 1 FROM json_each("puzzles"."tags") WHERE value = \'{tag}\')'
        selected = selected.annotate(**{f"tag_{number}": RawSQL(exists)}).filter(
            **{f"tag_{number}": 1}
        )
    return selected


async def _page(query: Q, page: PageQuery, tags: list[str] | None = None) -> Page[Puzzle]:
    selected = Puzzle.filter(query)
    if tags:
        selected = _with_tags(selected, tags)
    total = await selected.count()
    items = (
        await selected.order_by("-created_at", "-id")
        .offset(page.offset)
        .limit(page.pageSize)
        .select_related("author")
    )
    return Page(items=list(items), page=page.page, page_size=page.pageSize, total=total)


async def _author_filter(author: str) -> Q:
    if is_valid_id(author):
        return Q(author_id=author.lower())
    if not is_valid_username(author):
        raise InvalidInput("author must be a username or a user id")
    return Q(author__username=author)


async def list_puzzles(actor: Actor | None, query: PuzzleListQuery) -> Page[Puzzle]:
    """Newest first; everyone sees approved puzzles, authors their own, moderators all."""
    condition = _visible_to(actor)
    if query.difficulty:
        condition &= Q(difficulty=query.difficulty)
    if query.visibility:
        condition &= Q(visibility=query.visibility)
    if query.search:
        condition &= Q(title__icontains=query.search)
    if query.author:
        condition &= await _author_filter(query.author)
    return await _page(condition, query, query.tags)


async def list_view(actor: Actor | None) -> str | None:
    """Which shared view of the puzzle list this actor has (see ``readcache.list_key``)."""
    if actor is None:
        return readcache.PUBLIC
    if actor.is_moderator:
        return readcache.EVERYTHING

    async def build() -> tuple[bytes, Iterable[str]]:
        unlisted = await Puzzle.exists(Q(author_id=actor.id) & ~Q(visibility="approved"))
        return (b"1" if unlisted else b"0"), readcache.UNLISTED_TAGS

    cached = await readcache.public_reads.get_or_build(readcache.unlisted_key(actor.id), build)
    return None if cached == b"1" else readcache.PUBLIC


async def puzzles_of_user(actor: Actor | None, username: str, page: PageQuery) -> Page[Puzzle]:
    if not is_valid_username(username):
        raise InvalidInput("username is invalid")
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound("User not found")
    return await _page(_visible_to(actor) & Q(author_id=user.id), page)


async def _find(puzzle_id: str) -> Puzzle:
    if not is_valid_id(puzzle_id):
        raise NotFound(NOT_FOUND)
    puzzle = await Puzzle.get_or_none(id=puzzle_id.lower()).select_related("author")
    if puzzle is None:
        raise NotFound(NOT_FOUND)
    return puzzle


async def view(actor: Actor | None, puzzle_id: str) -> PuzzleView:
    if not is_valid_id(puzzle_id):
        raise NotFound(NOT_FOUND)
    puzzle = await reads.puzzle_with_author(puzzle_id.lower())
    if puzzle is None or not rules.can_view(actor, puzzle.author_id, puzzle.visibility):  # type: ignore[attr-defined]
        raise NotFound(NOT_FOUND)
    validators, comments, reply_ids = await reads.page_parts(puzzle.id)
    return PuzzleView(puzzle, validators, comments, reply_ids)


async def with_solution(
    actor: Actor, puzzle_id: str
) -> tuple[PuzzleView, ProgrammingLanguage | None]:
    puzzle = await _find(puzzle_id)
    if not rules.can_edit(actor, puzzle.author_id):  # type: ignore[attr-defined]
        raise Forbidden("Not authorized")
    validators = await Validator.filter(puzzle_id=puzzle.id).order_by("position")
    language = None
    if puzzle.solution_language_id:  # type: ignore[attr-defined]
        language = await ProgrammingLanguage.get_or_none(id=puzzle.solution_language_id)  # type: ignore[attr-defined]
    return PuzzleView(puzzle, list(validators)), language


async def create(actor: Actor, data: PuzzleCreate) -> Puzzle:
    puzzle = await Puzzle.create(title=data.title.strip(), author_id=actor.id)
    await puzzle.fetch_related("author")
    return puzzle


@dataclass
class Updated:
    view: PuzzleView
    self_check: SelfCheck | None = None


async def update(
    actor: Actor, puzzle_id: str, change: PuzzleUpdate, executor: Executor, limits: Limits
) -> Updated:
    """Save what was sent. Asking for ``review`` or ``ready`` runs the self-check on what was
    saved: the puzzle becomes ``ready`` if the solution passes every validator, else it stays a
    ``draft`` (the edits are kept either way) and the report says what failed."""
    puzzle = await _find(puzzle_id)
    if not rules.can_edit(actor, puzzle.author_id):  # type: ignore[attr-defined]
        raise Forbidden("Not authorized to edit this puzzle")
    if change.visibility == puzzle.visibility:
        change = change.model_copy(update={"visibility": None})  # the form resends it as it is
    if change.visibility and not rules.may_change_visibility(actor, puzzle.visibility):
        raise Forbidden(
            "This puzzle is approved: ask a moderator to change its visibility.",
            title="Approved puzzles are in the moderators' hands",
        )
    if change.visibility and not rules.may_set_visibility(actor, change.visibility):
        raise Forbidden(
            "You cannot set your own puzzle to approved status. Submit it for review instead.",
            title="Only moderators can approve puzzles",
        )
    checking = change.visibility in selfcheck.CHECKED_VISIBILITIES
    if puzzle.visibility == "approved" and not actor.is_moderator:
        await _check_before_saving(puzzle, change, executor, limits)
    async with in_transaction():
        await _apply(puzzle, change, actor, "draft" if checking else change.visibility)
        if change.validators is not None:
            await _replace_validators(puzzle, change)
    report = await _self_check(puzzle, executor, limits) if checking else None
    return Updated(await view(actor, puzzle.id), report)


async def _check_before_saving(
    puzzle: Puzzle, change: PuzzleUpdate, executor: Executor, limits: Limits
) -> None:
    """An author's change to the tests or the solution of an approved puzzle must still pass
    the self-check, or nothing is saved: players keep the version the moderators approved."""
    if change.validators is None and change.solution is None:
        return
    candidate = copy.copy(puzzle)
    if change.solution is not None:
        candidate.solution_code = change.solution.code
        candidate.solution_language_id = change.solution.programmingLanguage
    if change.validators is not None:
        validators = [Validator(input=item.input, output=item.output) for item in change.validators]
    else:
        validators = list(await Validator.filter(puzzle_id=puzzle.id).order_by("position"))
    report = await selfcheck.check(candidate, validators, executor, limits)
    if not report.passed:
        raise InvalidInput(
            f"Not saved: {report.reason} The approved version stays as it was.",
            title="The reference solution must pass the changed puzzle",
            details=report.failures,
        )


async def _self_check(puzzle: Puzzle, executor: Executor, limits: Limits) -> SelfCheck:
    validators = list(await Validator.filter(puzzle_id=puzzle.id).order_by("position"))
    report = await selfcheck.check(puzzle, validators, executor, limits)
    if report.passed:
        # Only if nobody saved the puzzle while its solution ran.
        await Puzzle.filter(id=puzzle.id, updated_at=puzzle.updated_at).update(
            visibility="ready", updated_at=utcnow()
        )
    return report


async def _apply(
    puzzle: Puzzle, change: PuzzleUpdate, actor: Actor, visibility: str | None
) -> None:
    given = change.model_dump(exclude_unset=True, exclude_none=True)
    for key in ("title", "statement", "constraints", "difficulty", "tags"):
        if key in given:
            setattr(puzzle, key, getattr(change, key))
    if visibility:
        puzzle.visibility = visibility
    if "moderationFeedback" in given and actor.is_moderator:
        puzzle.moderation_feedback = given["moderationFeedback"]
    if change.solution is not None:
        puzzle.solution_code = change.solution.code
        language_id = change.solution.programmingLanguage
        if language_id and not await ProgrammingLanguage.exists(id=language_id):
            raise InvalidInput("Unknown programming language for the solution")
        puzzle.solution_language_id = language_id
    await puzzle.save()


async def _replace_validators(puzzle: Puzzle, change: PuzzleUpdate) -> None:
    await Validator.filter(puzzle_id=puzzle.id).delete()
    await Validator.bulk_create(
        [
            Validator(puzzle_id=puzzle.id, position=index, input=item.input, output=item.output)
            for index, item in enumerate(change.validators or [])
        ]
    )


async def delete(actor: Actor, puzzle_id: str) -> None:
    """Authors delete while a puzzle is a draft or ready; moderators always. Comments,
    replies and votes go with it."""
    puzzle = await _find(puzzle_id)
    if not rules.can_delete(actor, puzzle.author_id, puzzle.visibility):  # type: ignore[attr-defined]
        if actor.id == puzzle.author_id:  # type: ignore[attr-defined]
            raise Forbidden("This puzzle was public, contact support to get it deleted.")
        raise Forbidden("Not authorized to delete this puzzle")
    await puzzle.delete()
