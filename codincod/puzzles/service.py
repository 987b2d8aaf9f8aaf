"""Puzzles: listing, reading, creating, editing and deleting, with visibility decided here."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts.models import User
from codincod.accounts.schemas import is_valid_username
from codincod.accounts.service import find_user
from codincod.actors import Actor
from codincod.errors import Forbidden, InvalidInput, NotFound
from codincod.execution.executor import Executor, Limits
from codincod.execution.models import ProgrammingLanguage
from codincod.ids import is_valid_id
from codincod.pagination import Page, PageQuery
from codincod.puzzles import reads, rules, selfcheck
from codincod.puzzles.listing import Branch, Condition, ListQuery
from codincod.puzzles.models import Puzzle, Validator
from codincod.puzzles.reads import Row
from codincod.puzzles.schemas import PuzzleCreate, PuzzleListQuery, PuzzleUpdate
from codincod.puzzles.selfcheck import SelfCheck
from codincod.timeutil import utcnow

NOT_FOUND = "Puzzle not found"


@dataclass
class PuzzleView:
    """A puzzle row (with its author) and what its page shows: validators and top-level
    comments (each with its author and the ids of its replies), as rows (``reads``)."""

    puzzle: Row
    validators: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    reply_ids: dict[str, list[str]] = field(default_factory=dict)


def _scope(actor: Actor | None) -> list[Branch]:
    """Everyone sees approved puzzles, authors their own too, moderators all of them."""
    if actor is not None and actor.is_moderator:
        return [Branch()]
    approved = Branch({"visibility": "approved"})
    if actor is None:
        return [approved]
    own = Branch(other=[Condition("author_id = {}", (actor.id,)), UNAPPROVED])
    return [approved, own]


UNAPPROVED = Condition("visibility <> {}", ("approved",))


def _filtered(
    branches: list[Branch], query: PuzzleListQuery, author_id: str | None
) -> list[Branch]:
    extra: list[Condition] = []
    if query.search:
        extra.append(Condition(db.contains_text("title", "{}"), (db.like_pattern(query.search),)))
    for tag in query.tags or ():
        extra.append(Condition(db.json_list_has("tags", "{}"), (tag,)))
    if author_id is not None:
        extra.append(Condition("author_id = {}", (author_id,)))
    kept = []
    for branch in branches:
        narrowed: Branch | None = Branch(branch.equal, [*branch.other, *extra])
        for column in ("difficulty", "visibility"):
            value = getattr(query, column)
            if value and narrowed is not None:
                narrowed = narrowed.narrowed(column, value)
        if narrowed is not None:
            kept.append(narrowed)
    return kept


async def _page(branches: list[Branch], page: PageQuery) -> Page[Row]:
    if not branches:
        return Page(items=[], page=page.page, page_size=page.pageSize, total=0)
    query = ListQuery(branches, offset=page.offset, limit=page.pageSize)
    total, items = await reads.list_page(query)
    return Page(items=items, page=page.page, page_size=page.pageSize, total=total)


async def _author_id(author: str) -> str | None:
    """The id a list's ``author`` filter names (a user id or a username); ``None``: nobody."""
    if is_valid_id(author):
        return author.lower()
    if not is_valid_username(author):
        raise InvalidInput("author must be a username or a user id")
    user = await find_user(author)
    return user.id if user else None


async def list_puzzles(
    actor: Actor | None, query: PuzzleListQuery, *, public_only: bool = False
) -> Page[Row]:
    """Newest first; filters: difficulty, visibility, title search, tags, author.
    ``public_only``: the caller knows the actor sees only what everyone sees (one branch)."""
    branches = [Branch({"visibility": "approved"})] if public_only else _scope(actor)
    author_id = None
    if query.author:
        author_id = await _author_id(query.author)
        if author_id is None:
            branches = []
    return await _page(_filtered(branches, query, author_id), query)


async def has_unlisted(actor: Actor) -> bool:
    """Whether the actor has puzzles only they (and moderators) can list."""
    return await Puzzle.exists(Q(author_id=actor.id) & ~Q(visibility="approved"))


async def puzzles_of_user(actor: Actor | None, username: str, page: PageQuery) -> Page[Row]:
    if not is_valid_username(username):
        raise InvalidInput("username is invalid")
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound("User not found")
    branches = [
        Branch(b.equal, [*b.other, Condition("author_id = {}", (user.id,))]) for b in _scope(actor)
    ]
    return await _page(branches, page)


async def _find(puzzle_id: str) -> Puzzle:
    if not is_valid_id(puzzle_id):
        raise NotFound(NOT_FOUND)
    puzzle = await Puzzle.get_or_none(id=puzzle_id.lower()).select_related("author")
    if puzzle is None:
        raise NotFound(NOT_FOUND)
    return puzzle


async def _row(puzzle_id: str) -> Row:
    found = await reads.puzzle(puzzle_id.lower()) if is_valid_id(puzzle_id) else None
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def view(actor: Actor | None, puzzle_id: str) -> PuzzleView:
    found = await reads.page(puzzle_id.lower()) if is_valid_id(puzzle_id) else None
    if found is None or not rules.can_view(
        actor, found.puzzle["author_id"], found.puzzle["visibility"]
    ):
        raise NotFound(NOT_FOUND)
    return PuzzleView(found.puzzle, found.validators, found.comments, found.reply_ids)


async def with_solution(
    actor: Actor, puzzle_id: str
) -> tuple[PuzzleView, ProgrammingLanguage | None]:
    found = await _row(puzzle_id)
    if not rules.can_edit(actor, found["author_id"]):
        raise Forbidden("Not authorized")
    language = None
    if found["solution_language_id"]:
        language = await ProgrammingLanguage.get_or_none(id=found["solution_language_id"])
    return PuzzleView(found, await reads.validators(found["id"])), language


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
    ``draft`` (or, set by a moderator, where they put it; the edits are kept either way) and
    the report says what failed."""
    puzzle = await _find(puzzle_id)
    if not rules.can_edit(actor, puzzle.author_id):
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
    # An author's puzzle is a draft until its check passes; one a moderator puts up for
    # review stays there (the review queue lists it) whatever the check says.
    held = "draft" if checking and not actor.is_moderator else change.visibility
    async with in_transaction():
        await _apply(puzzle, change, actor, held)
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
    if not rules.can_delete(actor, puzzle.author_id, puzzle.visibility):
        if actor.id == puzzle.author_id:
            raise Forbidden("This puzzle was public, contact support to get it deleted.")
        raise Forbidden("Not authorized to delete this puzzle")
    await puzzle.delete()
