"""The stack's reference for uncached reads (bench only): bare Sanic + asyncpg + orjson running
codincod's own SQL for the puzzle list and a puzzle's page, with none of codincod's code around
it. ``bench/puzzles.py`` writes the statements to a JSON file and starts this with it:

    python bench/bare_reads.py PORT DATABASE_URL STATEMENTS.json
"""

from __future__ import annotations

import json
import sys

import asyncpg
import orjson
from sanic import Request, Sanic
from sanic.response import HTTPResponse

app = Sanic("bare_reads")
with open(sys.argv[3]) as file:
    STATEMENTS = json.load(file)


def _json(body: object) -> HTTPResponse:
    return HTTPResponse(orjson.dumps(body), content_type="application/json")


@app.before_server_start
async def connect(app: Sanic) -> None:
    app.ctx.pool = await asyncpg.create_pool(sys.argv[2], min_size=5, max_size=5)


@app.get("/list")
async def puzzle_list(request: Request) -> HTTPResponse:
    page, size = int(request.args.get("page", "1")), 20
    async with app.ctx.pool.acquire() as connection:
        total = await connection.fetchval(STATEMENTS["total"], *STATEMENTS["total_params"])
        rows = await connection.fetch(
            STATEMENTS["page"], size, (page - 1) * size, *STATEMENTS["page_params"][2:]
        )
    return _json({"totalItems": total, "items": [dict(row) for row in rows]})


@app.get("/puzzle/<puzzle_id:str>")
async def puzzle_page(request: Request, puzzle_id: str) -> HTTPResponse:
    async with app.ctx.pool.acquire() as connection:
        puzzle = await connection.fetchrow(STATEMENTS["puzzle"], puzzle_id)
        validators = await connection.fetch(STATEMENTS["validators"], puzzle_id)
        comments = await connection.fetch(STATEMENTS["comments"], puzzle_id)
    body = dict(puzzle) if puzzle else {}
    body["validators"] = [dict(row) for row in validators]
    body["comments"] = [dict(row) for row in comments]
    return _json(body)


if __name__ == "__main__":
    app.run(
        host="127.0.0.1", port=int(sys.argv[1]), single_process=True, access_log=False, motd=False
    )
