"""The moderators' review queue and what they do with it: approve or send back puzzles, and
resolve or reject reports (an upheld report may escalate to a ban). Every action is audited
in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts.models import User, UserBan
from codincod.actors import Actor, moderators_only
from codincod.comments.models import Comment
from codincod.errors import Conflict, InvalidInput, NotFound
from codincod.games.models import ChatMessage
from codincod.moderation import audit, banning, claims, escalation, feed
from codincod.moderation.models import BanAppeal, Report
from codincod.moderation.owners import owner_of
from codincod.pagination import Page
from codincod.puzzles import service as puzzles
from codincod.puzzles.models import Puzzle
from codincod.timeutil import utcnow
from codincod.validation import Schema

QUEUE_TYPES = {
    "pending_puzzle": None,
    "reported_puzzle": "puzzle",
    "reported_user": "user",
    "reported_comment": "comment",
    "reported_game_chat": "game_chat",
    "ban_appeal": None,
}
CONTEXT = 5  # chat lines shown before and after a reported one


class QueueQuery(Schema):
    type: str = "pending_puzzle"
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    limit: Annotated[int, Field(ge=1, le=100)] = 20


@dataclass
class Item:
    id: str
    type: str
    title: str
    created_at: datetime
    fields: dict[str, Any] = field(default_factory=dict)  # the wire's optional keys
    claimed_by: dict[str, str] | None = None  # the moderator working on it ({_id, username})


async def queue(actor: Actor, query: QueueQuery) -> Page[Item]:
    moderators_only(actor)
    if query.type not in QUEUE_TYPES:
        raise InvalidInput(f"Unknown review type {query.type[:40]!r}", title="Bad Request")
    if query.type == "pending_puzzle":
        page = await _pending_puzzles(query)
    elif query.type == "ban_appeal":
        page = await _appeals(query)
    else:
        page = await _reports(query, QUEUE_TYPES[query.type] or "")
    return await _with_claims(page, claims.kind_of(query.type))


async def _with_claims(page: Page[Item], kind: str) -> Page[Item]:
    held = await claims.holders(kind, [item.id for item in page.items])
    for item in page.items:
        claim = held.get(item.id)
        if claim is not None:
            item.claimed_by = {"_id": claim.holder_id, "username": claim.holder_name}
    return page


def _window(query: QueueQuery) -> tuple[int, int]:
    return (query.page - 1) * query.limit, query.limit


async def _pending_puzzles(query: QueueQuery) -> Page[Item]:
    waiting = Puzzle.filter(visibility__in=("ready", "review"))
    offset, limit = _window(query)
    rows = (
        await waiting.order_by("-updated_at", "-id")
        .offset(offset)
        .limit(limit)
        .select_related("author")
    )
    items = [
        Item(
            p.id,
            "pending_puzzle",
            p.title,
            p.created_at,
            {
                "description": p.statement,
                "authorName": p.author.username,
                "visibility": p.visibility,
            },
        )
        for p in rows
    ]
    return Page(items, query.page, query.limit, await waiting.count())


async def _appeals(query: QueueQuery) -> Page[Item]:
    # Only appeals of bans still in force: one whose ban ended meanwhile (the sweeper closes
    # it within a minute) has nothing left to decide.
    in_force = Q(ban__end_date__isnull=True) | Q(ban__end_date__gt=utcnow())
    waiting = BanAppeal.filter(in_force, status="pending", ban__is_active=True)
    offset, limit = _window(query)
    rows = (
        await waiting.order_by("-created_at", "-id")
        .offset(offset)
        .limit(limit)
        .select_related("user", "ban")
    )
    items = [
        Item(
            a.id,
            "ban_appeal",
            f"Appeal from {a.user.username}",
            a.created_at,
            {
                "description": a.reason,
                "reportedUserId": a.user.id,
                "reportedUserName": a.user.username,
                "banId": a.ban.id,
                "banReason": a.ban.reason,
            },
        )
        for a in rows
    ]
    return Page(items, query.page, query.limit, await waiting.count())


async def _reports(query: QueueQuery, problem_type: str) -> Page[Item]:
    waiting = Report.filter(status="pending", problem_type=problem_type)
    offset, limit = _window(query)
    rows = (
        await waiting.order_by("-created_at", "-id")
        .offset(offset)
        .limit(limit)
        .select_related("reported_by", "reported_user")
    )
    # What the reports are about, read in one query for the page (not one per report).
    model = _TARGET_MODELS[problem_type]
    found = {t.id: t for t in await model.filter(id__in=[r.target_id for r in rows])}
    kind = f"reported_{problem_type}"
    items = [await _report_item(report, kind, found.get(report.target_id)) for report in rows]
    return Page(items, query.page, query.limit, await waiting.count())


_TARGET_MODELS: dict[str, Any] = {
    "puzzle": Puzzle,
    "user": User,
    "comment": Comment,
    "game_chat": ChatMessage,
}


async def _report_item(report: Report, kind: str, target: Any) -> Item:
    extra: dict[str, Any] = {
        "reportExplanation": report.explanation,
        "reportedBy": report.reported_by.username,
    }
    if report.reported_user is not None:
        extra["reportedUserId"] = report.reported_user.id
        extra["reportedUserName"] = report.reported_user.username
    title, description = await _describe(report.problem_type, target, extra)
    if description is not None:
        extra["description"] = description
    return Item(report.id, kind, title, report.created_at, extra)


async def _describe(kind: str, target: Any, extra: dict[str, Any]) -> tuple[str, str | None]:
    """A report's title and description from what it is about (None: deleted since)."""
    if kind == "puzzle":
        return (target.title, target.statement) if target else ("Deleted Puzzle", None)
    if kind == "user":
        return (target.username if target else "Deleted User"), None
    if kind == "comment":
        if target is None:
            return "Deleted Comment", None
        return f"Comment: {target.text[:50]}", target.text
    line = target
    if line is None:
        return "Chat from Unknown", "Deleted Message"
    extra["reportedMessageId"] = line.id
    extra["gameId"] = line.game_id
    extra["contextMessages"] = await _context(line)
    return f"Chat from {line.username}", line.message


async def _context(line: ChatMessage) -> list[dict[str, Any]]:
    game = ChatMessage.filter(game_id=line.game_id)
    before = (
        await game.filter(created_at__lt=line.created_at).order_by("-created_at").limit(CONTEXT)
    )
    after = await game.filter(created_at__gt=line.created_at).order_by("created_at").limit(CONTEXT)
    return [
        {
            "_id": m.id,
            "username": m.username,
            "message": m.message,
            "createdAt": m.created_at,
            "isReported": m.id == line.id,
        }
        for m in [*reversed(before), line, *after]
    ]


# --- puzzles ------------------------------------------------------------------------------------


class Revision(Schema):
    reason: Annotated[str, Field(min_length=10, max_length=500)]


async def _puzzle(puzzle_id: str) -> Puzzle:
    puzzle = await Puzzle.get_or_none(id=puzzle_id.lower())
    if puzzle is None:
        raise NotFound("Puzzle not found", title="Puzzle not found")
    return puzzle


WAITING = ("ready", "review")  # the puzzles a moderator decides


async def approve(actor: Actor, puzzle_id: str) -> puzzles.PuzzleView:
    moderators_only(actor)
    await _decide(actor, puzzle_id, "approved", None)
    return await puzzles.view(actor, puzzle_id.lower())


async def revise(actor: Actor, puzzle_id: str, reason: str) -> puzzles.PuzzleView:
    moderators_only(actor)
    await _decide(actor, puzzle_id, "revise", reason)
    return await puzzles.view(actor, puzzle_id.lower())


async def _decide(actor: Actor, puzzle_id: str, visibility: str, reason: str | None) -> None:
    """Approve or send back a puzzle that waits for review, once: a decision another
    moderator made meanwhile is not overruled without looking (409)."""
    puzzle = await _puzzle(puzzle_id)
    await claims.ensure_free(actor, "puzzle", puzzle.id)
    changes: dict[str, Any] = {"visibility": visibility, "updated_at": utcnow()}
    if reason is not None:
        changes["moderation_feedback"] = reason
    async with in_transaction():
        await claims.settle("puzzle", puzzle.id)
        changed = await Puzzle.filter(id=puzzle.id, visibility__in=WAITING).update(**changes)
        if not changed:
            raise Conflict(
                f"This puzzle is not waiting for review (it is {puzzle.visibility})",
                title="Already decided",
            )
        action = "approve" if visibility == "approved" else "revise"
        await audit.record(actor, action, "puzzle", puzzle.id, reason, previous=puzzle.visibility)
    await feed.announce("puzzle:decided", puzzleId=puzzle.id, visibility=visibility)


# --- reports ------------------------------------------------------------------------------------


class Resolution(Schema):
    status: Literal["resolved", "rejected"]


async def resolve(actor: Actor, report_id: str, status: str) -> Report:
    """Uphold (``resolved``) or reject a pending report; an upheld one counts against its
    user, whose ban follows when the count reaches a new step. The decision and the count
    are made in one transaction, one at a time per offender, so that moderators upholding
    reports at the same moment see distinct counts and exactly one of them crosses a step."""
    moderators_only(actor)
    report = await Report.get_or_none(id=report_id.lower())
    if report is None:
        raise NotFound("Report not found", title="Report not found")
    if report.status != "pending":
        raise Conflict(f"This report was already {report.status}", title="Already decided")
    offender = report.reported_user_id or await owner_of(report.problem_type, report.target_id)
    await claims.ensure_free(actor, "report", report.id)
    async with in_transaction() as connection:
        await claims.settle("report", report.id)
        if offender is not None:
            await db.lock_name(connection, "offender:" + offender)
        changed = await Report.filter(id=report.id, status="pending").update(
            status=status, resolved_by_id=actor.id, reported_user_id=offender, updated_at=utcnow()
        )
        if not changed:  # decided by someone else meanwhile
            raise Conflict("This report was already decided", title="Already decided")
        action = "resolve" if status == "resolved" else "reject"
        await audit.record(
            actor, action, "report", report.id, None, problemType=report.problem_type
        )
        banned = None
        if status == "resolved" and offender is not None:
            banned = await _escalate(actor, offender, report)
    if banned is not None:
        await banning.take_effect(banned)
    await feed.announce("report:decided", reportId=report.id, status=status)
    return await Report.get(id=report.id)


async def _escalate(actor: Actor, offender: str, report: Report) -> str | None:
    """Count the offender's upheld reports (this one included) and, when the count reaches a
    new step, ban them: in the decision's transaction, so bans follow the counts' order.
    The id of a user banned, if any."""
    upheld = await Report.filter(reported_user_id=offender, status="resolved").count()
    await User.filter(id=offender).update(report_count=upheld)
    step = escalation.escalation(upheld)
    if step is None or not escalation.crosses_a_step(upheld - 1, upheld):
        return None
    target = await User.get_or_none(id=offender)
    if target is None or target.role == "moderator" or target.id == actor.id:
        return None
    if not escalation.outlasts(step, await in_force(offender)):
        return None
    reason = escalation.reason(report.explanation)
    await banning.ban_within_transaction(
        actor, target, reason, step.duration, automatic=True, report=report.id, upheld=upheld
    )
    return target.id


async def in_force(user_id: str) -> escalation.InForce | None:
    """The ban the user is under now, as the escalation rule weighs it."""
    now = utcnow()
    for ban in await UserBan.filter(user_id=user_id, is_active=True):
        if ban.end_date is None or ban.ban_type == "permanent":
            return escalation.InForce(permanent=True)
        if ban.end_date > now:
            return escalation.InForce(permanent=False, remaining=ban.end_date - now)
    return None


# --- evidence before a decision -------------------------------------------------------------

RECENT_CHAT = 10


@dataclass(frozen=True)
class Evidence:
    """What a moderator sees before deciding a report: whom it is about, their record, and
    what upholding it would do (the same rule the decision applies)."""

    report: Report
    offender: User | None
    upheld: int  # reports against the offender already upheld
    bans: list[Any]  # the offender's bans, newest first
    recent_chat: list[ChatMessage]  # the offender's latest lines, newest first
    consequence: escalation.Consequence | None  # None: decided already, or nobody to count


async def evidence(actor: Actor, report_id: str) -> Evidence:
    moderators_only(actor)
    report = await Report.get_or_none(id=report_id.lower())
    if report is None:
        raise NotFound("Report not found", title="Report not found")
    offender_id = report.reported_user_id or await owner_of(report.problem_type, report.target_id)
    offender = await User.get_or_none(id=offender_id) if offender_id else None
    if offender is None:
        return Evidence(report, None, 0, [], [], None)
    upheld = await Report.filter(reported_user_id=offender.id, status="resolved").count()
    bans = await banning.history(actor, offender.id)
    chat = await ChatMessage.filter(user_id=offender.id).order_by("-created_at").limit(RECENT_CHAT)
    pending = report.status == "pending"
    then = escalation.consequence(upheld, await in_force(offender.id)) if pending else None
    return Evidence(report, offender, upheld, bans, list(chat), then)
