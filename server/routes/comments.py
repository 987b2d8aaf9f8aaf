from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.comments import service as comments
from codincod.comments.schemas import CommentCreate, VoteRequest
from server import shapes
from server.http import actor, body_as, optional_actor
from server.openapi import described
from server.ratelimit import VOTE
from server.wire import comment_dto, no_content, reply

bp = Blueprint("comments", url_prefix="/api/v1/comment", strict_slashes=False)


@bp.get("/<comment_id:str>")
@described({200: shapes.Comment}, auth="optional")
async def get_comment(request: Request, comment_id: str) -> HTTPResponse:
    found = await comments.get(await optional_actor(request), comment_id)
    return reply(comment_dto(found.comment, found.reply_ids))


@bp.delete("/<comment_id:str>")
@described({204: None}, auth="required")
async def delete_comment(request: Request, comment_id: str) -> HTTPResponse:
    await comments.delete(await actor(request), comment_id)
    return no_content()


@bp.post("/<comment_id:str>/comment")
@described({201: shapes.Comment}, body=CommentCreate, auth="required")
async def reply_to_comment(request: Request, comment_id: str) -> HTTPResponse:
    who = await actor(request)
    created = await comments.reply(who, comment_id, body_as(request, CommentCreate))
    return reply(comment_dto(created.comment, created.reply_ids), status=201)


@bp.post("/<comment_id:str>/vote", ctx_rate_limit=VOTE)
@described({200: shapes.Comment}, body=VoteRequest, auth="required")
async def vote_on_comment(request: Request, comment_id: str) -> HTTPResponse:
    who = await actor(request)
    found = await comments.vote(who, comment_id, body_as(request, VoteRequest))
    return reply(comment_dto(found.comment, found.reply_ids))
