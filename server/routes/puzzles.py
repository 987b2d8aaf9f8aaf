from __future__ import annotations

from typing import cast

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from codincod.actors import Actor
from codincod.comments import service as comments
from codincod.comments.schemas import CommentCreate
from codincod.pagination import Page
from codincod.puzzles import readcache
from codincod.puzzles import service as puzzles
from codincod.puzzles.reads import Row
from codincod.puzzles.schemas import PuzzleCreate, PuzzleListQuery, PuzzleUpdate
from codincod.validation import parse
from server import shapes
from server.http import actor, body_as, optional_actor, query_args
from server.openapi import described
from server.wire import (
    comment_dto,
    encode,
    no_content,
    page_dto,
    puzzle_dto,
    puzzle_page_dto,
    raw_json,
    reply,
    solution_dto,
)

bp = Blueprint("puzzles", url_prefix="/api/v1/puzzle", strict_slashes=False)


@bp.get("/")
@described({200: shapes.PuzzlePage}, query=PuzzleListQuery, auth="optional")
async def list_puzzles(request: Request) -> HTTPResponse:
    """Puzzles newest first; filters: difficulty, tags, author, search, visibility."""
    query = parse(PuzzleListQuery, query_args(request))

    def render(page: Page[Row]) -> bytes:
        return encode(page_dto(page, [puzzle_dto(p) for p in page.items]))

    return raw_json(await readcache.puzzle_list(await optional_actor(request), query, render))


@bp.post("/")
@described({201: shapes.Puzzle}, body=PuzzleCreate, auth="required")
async def create_puzzle(request: Request) -> HTTPResponse:
    puzzle = await puzzles.create(await actor(request), body_as(request, PuzzleCreate))
    return reply(puzzle_dto(puzzle, solution={"code": ""}), status=201)


@bp.get("/<puzzle_id:str>")
@described({200: shapes.Puzzle}, auth="optional")
async def get_puzzle(request: Request, puzzle_id: str) -> HTTPResponse:
    def render(found: puzzles.PuzzleView) -> bytes:
        return encode(puzzle_page_dto(found))

    async def who() -> Actor | None:
        return await optional_actor(request)

    return raw_json(await readcache.puzzle_page(who, puzzle_id, render))


@bp.put("/<puzzle_id:str>")
@described({200: shapes.Puzzle}, body=PuzzleUpdate, auth="required")
async def update_puzzle(request: Request, puzzle_id: str) -> HTTPResponse:
    """Change the fields sent; absent fields keep their values."""
    who = await actor(request)
    change = body_as(request, PuzzleUpdate)
    app = request.app.ctx
    updated = await puzzles.update(who, puzzle_id, change, app.executor, app.run_limits)
    body = puzzle_page_dto(updated.view)
    if updated.self_check is not None:
        body["selfCheck"] = cast(shapes.SelfCheck, updated.self_check.as_dict())
    return reply(body)


@bp.delete("/<puzzle_id:str>")
@described({204: None}, auth="required")
async def delete_puzzle(request: Request, puzzle_id: str) -> HTTPResponse:
    await puzzles.delete(await actor(request), puzzle_id)
    return no_content()


@bp.get("/<puzzle_id:str>/solution")
@described({200: shapes.Puzzle}, auth="required")
async def puzzle_solution(request: Request, puzzle_id: str) -> HTTPResponse:
    found, language = await puzzles.with_solution(await actor(request), puzzle_id)
    body = puzzle_dto(found.puzzle, found.validators, solution=solution_dto(found.puzzle, language))
    return reply(body)


@bp.post("/<target_id:str>/comment")
@described({201: shapes.Comment}, body=CommentCreate, auth="required")
async def comment_on_puzzle(request: Request, target_id: str) -> HTTPResponse:
    """Comment on a puzzle, or reply when the id is a comment's (as the frontend does)."""
    who = await actor(request)
    created = await comments.comment_on(who, target_id, body_as(request, CommentCreate))
    return reply(comment_dto(created.comment, created.reply_ids), status=201)
