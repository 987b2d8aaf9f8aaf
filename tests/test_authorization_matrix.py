"""Every puzzle, comment, report and profile endpoint, by every kind of caller: the expected
status, in one table. Destructive cases get fresh targets for each caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from codincod.accounts.models import User, UserBan
from codincod.comments.models import Comment
from codincod.puzzles.models import Puzzle
from tests.support import client, register

pytestmark = pytest.mark.usefixtures("orm")

CALLERS = ("anonymous", "author", "other", "moderator", "banned")
REPORT = "Please look at this, it breaks the rules of the site."


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]

    async def puzzle(self, visibility: str) -> Puzzle:
        return await Puzzle.create(
            title=f"Matrix {visibility}", author=self.users["author"], visibility=visibility
        )

    async def comment(self) -> Comment:
        puzzle = await self.puzzle("approved")
        return await Comment.create(author=self.users["author"], puzzle=puzzle, text="a comment")


Path = Callable[[World], Awaitable[str]]


async def _draft(w: World) -> str:
    return (await w.puzzle("draft")).id


async def _approved(w: World) -> str:
    return (await w.puzzle("approved")).id


async def _comment(w: World) -> str:
    return (await w.comment()).id


def at(template: str, target: Callable[[World], Awaitable[str]] | None = None) -> Path:
    async def build(w: World) -> str:
        return template.format(await target(w)) if target else template

    return build


# (name, method, path, body, expected statuses for CALLERS in order)
MATRIX = [
    ("list puzzles", "GET", at("/api/v1/puzzle"), None, (200, 200, 200, 200, 200)),
    (
        "create puzzle",
        "POST",
        at("/api/v1/puzzle"),
        {"title": "New one"},
        (401, 201, 201, 201, 403),
    ),
    ("get draft", "GET", at("/api/v1/puzzle/{}", _draft), None, (404, 200, 404, 200, 404)),
    ("get approved", "GET", at("/api/v1/puzzle/{}", _approved), None, (200, 200, 200, 200, 200)),
    (
        "edit draft",
        "PUT",
        at("/api/v1/puzzle/{}", _draft),
        {"title": "Edited"},
        (401, 200, 403, 200, 403),
    ),
    (
        "approve draft",
        "PUT",
        at("/api/v1/puzzle/{}", _draft),
        {"visibility": "approved"},
        (401, 403, 403, 200, 403),
    ),
    ("delete draft", "DELETE", at("/api/v1/puzzle/{}", _draft), None, (401, 204, 403, 204, 403)),
    (
        "delete approved",
        "DELETE",
        at("/api/v1/puzzle/{}", _approved),
        None,
        (401, 403, 403, 204, 403),
    ),
    ("solution", "GET", at("/api/v1/puzzle/{}/solution", _draft), None, (401, 200, 403, 200, 403)),
    (
        "comment approved",
        "POST",
        at("/api/v1/puzzle/{}/comment", _approved),
        {"text": "hi"},
        (401, 201, 201, 201, 403),
    ),
    (
        "comment draft",
        "POST",
        at("/api/v1/puzzle/{}/comment", _draft),
        {"text": "hi"},
        (401, 201, 404, 201, 403),
    ),
    ("get comment", "GET", at("/api/v1/comment/{}", _comment), None, (200, 200, 200, 200, 200)),
    (
        "delete comment",
        "DELETE",
        at("/api/v1/comment/{}", _comment),
        None,
        (401, 204, 403, 204, 403),
    ),
    (
        "reply",
        "POST",
        at("/api/v1/comment/{}/comment", _comment),
        {"text": "re"},
        (401, 201, 201, 201, 403),
    ),
    (
        "reply via puzzle route",
        "POST",
        at("/api/v1/puzzle/{}/comment", _comment),
        {"text": "re"},
        (401, 201, 201, 201, 403),
    ),
    (
        "vote",
        "POST",
        at("/api/v1/comment/{}/vote", _comment),
        {"type": "upvote"},
        (401, 200, 200, 200, 403),
    ),
    # an author does not report their own puzzle: a report counts against whom it is about
    ("report puzzle", "POST", at("/api/v1/report"), "report", (401, 400, 201, 201, 403)),
    ("user puzzles", "GET", at("/api/v1/user/mx_author/puzzle"), None, (200, 200, 200, 200, 200)),
    (
        "user activity",
        "GET",
        at("/api/v1/user/mx_author/activity"),
        None,
        (200, 200, 200, 200, 200),
    ),
    ("user", "GET", at("/api/v1/user/mx_author"), None, (200, 200, 200, 200, 200)),
]


@pytest.fixture(scope="module")
async def world(server) -> World:
    tokens: dict[str, str] = {}
    async with client(server.url) as http:
        for caller in CALLERS[1:]:
            tokens[caller] = await register(http, f"mx_{caller}")
    users = {caller: await User.get(username=f"mx_{caller}") for caller in CALLERS[1:]}
    await User.filter(id=users["moderator"].id).update(role="moderator")
    users["moderator"].role = "moderator"
    await UserBan.create(
        user=users["banned"],
        banned_by=users["moderator"],
        ban_type="permanent",
        reason="matrix ban",
    )
    return World(users=users, tokens=tokens)


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
async def test_authorization_matrix(server, world, name, method, path, body, expected) -> None:
    outcome = {}
    for caller in CALLERS:
        url = await path(world)
        payload = body
        if body == "report":
            payload = {
                "problematicIdentifier": await _approved(world),
                "problemType": "puzzle",
                "explanation": REPORT,
            }
        headers = {"Cookie": f"token={world.tokens[caller]}"} if caller in world.tokens else {}
        async with client(server.url) as http:
            response = await http.request(method, url, json=payload, headers=headers)
        outcome[caller] = response.status_code
        assert response.status_code < 500, response.text
    assert outcome == dict(zip(CALLERS, expected, strict=True)), name
