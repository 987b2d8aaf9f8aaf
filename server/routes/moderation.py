"""Moderation: the review queue, puzzle decisions, reports, bans, appeals and the audit log.
Moderators only; every handler translates, the rules are in ``codincod.moderation``."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.moderation import appeals, audit, banning, claims, review
from codincod.timeutil import iso_z
from codincod.validation import parse
from server import shapes
from server.http import actor, body_as, query_args
from server.openapi import described
from server.wire import (
    appeal_dto,
    audit_dto,
    ban_dto,
    evidence_dto,
    page_dto,
    puzzle_page_dto,
    reply,
    report_dto,
    review_item_dto,
)

bp = Blueprint("moderation", url_prefix="/api/v1/moderation", strict_slashes=False)


@bp.get("/review")
@described({200: shapes.ReviewQueue}, query=review.QueueQuery, auth="required")
async def review_queue(request: Request) -> HTTPResponse:
    """Puzzles waiting for review, pending reports by kind, or pending ban appeals."""
    page = await review.queue(await actor(request), parse(review.QueueQuery, query_args(request)))
    pagination = {
        "page": page.page,
        "limit": page.page_size,
        "total": page.total,
        "totalPages": page.total_pages,
    }
    return reply({"data": [review_item_dto(i) for i in page.items], "pagination": pagination})


@bp.post("/puzzle/<puzzle_id:str>/approve")
@described({200: shapes.ModeratedPuzzle}, auth="required")
async def approve_puzzle(request: Request, puzzle_id: str) -> HTTPResponse:
    """Approve a puzzle (the frontend sends no body)."""
    puzzle = await review.approve(await actor(request), puzzle_id)
    return reply({"message": "Puzzle approved successfully", "puzzle": puzzle_page_dto(puzzle)})


@bp.post("/puzzle/<puzzle_id:str>/revise")
@described({200: shapes.ModeratedPuzzle}, body=review.Revision, auth="required")
async def revise_puzzle(request: Request, puzzle_id: str) -> HTTPResponse:
    """Send a puzzle back to its author with a reason."""
    who = await actor(request)
    change = body_as(request, review.Revision)
    puzzle = await review.revise(who, puzzle_id, change.reason)
    return reply({"message": "Puzzle sent back for revisions", "puzzle": puzzle_page_dto(puzzle)})


@bp.post("/report/<report_id:str>/resolve")
@described({200: shapes.ResolvedReport}, body=review.Resolution, auth="required")
async def resolve_report(request: Request, report_id: str) -> HTTPResponse:
    """Uphold (``resolved``) or reject a pending report; upheld ones may escalate to a ban."""
    who = await actor(request)
    decision = body_as(request, review.Resolution)
    report = await review.resolve(who, report_id, decision.status)
    return reply({"message": "Report resolved successfully", "report": report_dto(report)})


@bp.post("/user/<user_id:str>/ban/temporary")
@described({200: shapes.BanMade}, body=banning.TemporaryBan, auth="required")
async def ban_for_a_while(request: Request, user_id: str) -> HTTPResponse:
    """Ban for ``duration`` days (or ``durationMs``); a previous ban ends."""
    who = await actor(request)
    wanted = body_as(request, banning.TemporaryBan)
    made = await banning.ban(who, user_id, wanted.reason, wanted.length)
    return reply({"message": "User temporarily banned", "ban": ban_dto(made)})


@bp.post("/user/<user_id:str>/ban/permanent")
@described({200: shapes.BanMade}, body=banning.PermanentBan, auth="required")
async def ban_for_good(request: Request, user_id: str) -> HTTPResponse:
    """Ban for good; a previous ban ends."""
    who = await actor(request)
    wanted = body_as(request, banning.PermanentBan)
    made = await banning.ban(who, user_id, wanted.reason, None)
    return reply({"message": "User permanently banned", "ban": ban_dto(made)})


@bp.post("/user/<user_id:str>/unban")
@described({200: shapes.Message}, body=banning.Unban, auth="required")
async def unban(request: Request, user_id: str) -> HTTPResponse:
    """End the user's ban (a 400 when there is none)."""
    who = await actor(request)
    await banning.unban(who, user_id, body_as(request, banning.Unban).reason)
    return reply({"message": "User unbanned successfully"})


@bp.get("/user/<user_id:str>/ban/history")
@described({200: shapes.BanHistory}, auth="required")
async def ban_history(request: Request, user_id: str) -> HTTPResponse:
    """A user's bans, newest first."""
    bans = await banning.history(await actor(request), user_id)
    return reply({"bans": [ban_dto(b) for b in bans]})


@bp.post("/appeal/<appeal_id:str>/accept")
@described({200: shapes.Appeal}, body=appeals.Decision, auth="required")
async def accept_appeal(request: Request, appeal_id: str) -> HTTPResponse:
    """Accept a ban appeal: the ban ends."""
    who = await actor(request)
    reason = body_as(request, appeals.Decision).reason
    return reply(appeal_dto(await appeals.decide(who, appeal_id, True, reason)))


@bp.post("/appeal/<appeal_id:str>/reject")
@described({200: shapes.Appeal}, body=appeals.Decision, auth="required")
async def reject_appeal(request: Request, appeal_id: str) -> HTTPResponse:
    """Reject a ban appeal: the ban stands."""
    who = await actor(request)
    reason = body_as(request, appeals.Decision).reason
    return reply(appeal_dto(await appeals.decide(who, appeal_id, False, reason)))


@bp.get("/audit")
@described({200: shapes.AuditPage}, query=audit.AuditQuery, auth="required")
async def audit_log(request: Request) -> HTTPResponse:
    """Staff actions, newest first; filters: actor (name or id), action, targetId."""
    page = await audit.listing(await actor(request), parse(audit.AuditQuery, query_args(request)))
    return reply(page_dto(page, [audit_dto(row.entry, row.target_name) for row in page.items]))


# --- claims and evidence ------------------------------------------------------------------------


def _claim_body(found: claims.Claim) -> dict[str, Any]:
    return {
        "holder": {"_id": found.holder_id, "username": found.holder_name},
        "expiresAt": iso_z(found.expires_at),
    }


@bp.post("/claim")
@described(
    {200: shapes.ClaimHeld, 409: shapes.ClaimHeld}, body=claims.ClaimRequest, auth="required"
)
async def claim_item(request: Request) -> HTTPResponse:
    """Work on an item (``type``: puzzle, report or appeal; or a review queue type): it is
    yours for 5 minutes, renewed by claiming again. 409 names who holds it otherwise."""
    who = await actor(request)
    wanted = body_as(request, claims.ClaimRequest)
    return reply(_claim_body(await claims.claim(who, wanted.type, wanted.id)))


@bp.delete("/claim/<item_type:str>/<item_id:str>")
@described({200: shapes.Message}, auth="required")
async def release_item(request: Request, item_type: str, item_id: str) -> HTTPResponse:
    """Stop working on an item: others may decide it."""
    who = await actor(request)
    released = await claims.release(who, item_type, item_id)
    return reply({"message": "Released" if released else "You held no claim on it"})


@bp.get("/report/<report_id:str>/evidence")
@described({200: shapes.ReportEvidence}, auth="required")
async def report_evidence(request: Request, report_id: str) -> HTTPResponse:
    """A report with whom it is about, their upheld reports, bans and recent chat, and what
    upholding it would do (the escalation rule the decision applies)."""
    found = await review.evidence(await actor(request), report_id)
    return reply(evidence_dto(found))
