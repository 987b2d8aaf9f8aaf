"""Puzzles, comments, votes and reports over real HTTP, as the frontend uses them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from codincod.accounts.models import User
from codincod.comments.models import Comment, CommentVote
from codincod.execution.models import ProgrammingLanguage
from codincod.puzzles.models import Puzzle
from tests.support import auth, client, eventually, fresh_address, make_moderator, register

pytestmark = pytest.mark.usefixtures("orm")

EDIT = {
    "title": "Sum two numbers",
    "statement": "Read two integers and print their sum.",
    "constraints": "-10^9 <= a, b <= 10^9",
    "validators": [
        {
            "input": "1 2\n",
            "output": "3  \n",
            "createdAt": "2025-01-01T00:00:00.000Z",
            "updatedAt": "2025-01-01T00:00:00.000Z",
        },
        {
            "input": "5 5",
            "output": "10",
            "createdAt": "2025-01-01T00:00:00.000Z",
            "updatedAt": "2025-01-01T00:00:00.000Z",
        },
    ],
    "solution": {"code": "print(sum(map(int, input().split())))"},
    "visibility": "draft",
    "createdAt": "2025-01-01T00:00:00.000Z",
    "author": "0" * 24,
}


async def test_create_edit_view_and_visibility(server) -> None:
    async with client(server.url) as http:
        author = await register(http, "pz_author")
        other = await register(http, "pz_other")
        mod = await register(http, "pz_mod")
        await make_moderator("pz_mod")

        created = await http.post(
            "/api/v1/puzzle", json={"title": "Sum two numbers"}, headers=auth(author)
        )
        assert created.status_code == 201, created.text
        puzzle_id = created.json()["_id"]
        assert created.json()["visibility"] == "draft"
        assert created.json()["author"]["username"] == "pz_author"

        edited = await http.put(f"/api/v1/puzzle/{puzzle_id}", json=EDIT, headers=auth(author))
        assert edited.status_code == 200, edited.text
        body = edited.json()
        assert [v["output"] for v in body["validators"]] == ["3", "10"]  # trimmed at the end
        assert body["validators"][0]["input"] == "1 2"
        assert body["author"]["username"] == "pz_author"  # the body's author is ignored

        # A draft is visible to its author and moderators only.
        assert (await http.get(f"/api/v1/puzzle/{puzzle_id}")).status_code == 404
        assert (
            await http.get(f"/api/v1/puzzle/{puzzle_id}", headers=auth(other))
        ).status_code == 404
        assert (
            await http.get(f"/api/v1/puzzle/{puzzle_id}", headers=auth(author))
        ).status_code == 200
        assert (await http.get(f"/api/v1/puzzle/{puzzle_id}", headers=auth(mod))).status_code == 200
        listed = (await http.get("/api/v1/puzzle", params={"pageSize": 100})).json()
        assert puzzle_id not in [p["_id"] for p in listed["items"]]
        mine = (
            await http.get("/api/v1/puzzle", params={"pageSize": 100}, headers=auth(author))
        ).json()
        assert puzzle_id in [p["_id"] for p in mine["items"]]

        # Authors cannot approve; moderators can.
        approve = await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(author)
        )
        assert approve.status_code == 403
        assert approve.json()["error"] == "Only moderators can approve puzzles"
        by_mod = await http.put(
            f"/api/v1/puzzle/{puzzle_id}",
            json={"visibility": "approved", "difficulty": "expert"},
            headers=auth(mod),
        )
        assert by_mod.status_code == 200
        assert (
            await http.put(
                f"/api/v1/puzzle/{puzzle_id}", json={"title": "Hijacked!"}, headers=auth(other)
            )
        ).status_code == 403

        public = await http.get(f"/api/v1/puzzle/{puzzle_id}")
        assert public.status_code == 200
        assert public.json()["difficulty"] == "expert"
        assert "solution" not in public.json()


async def test_edits_keep_comments_and_difficulty(server) -> None:
    async with client(server.url) as http:
        author = await register(http, "keep_author")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Keep things"}, headers=auth(author))
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}",
            json={"difficulty": "advanced", "tags": ["strings"]},
            headers=auth(author),
        )
        comment = await http.post(
            f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "first!"}, headers=auth(author)
        )
        assert comment.status_code == 201
        edited = await http.put(f"/api/v1/puzzle/{puzzle_id}", json=EDIT, headers=auth(author))
        body = edited.json()
        assert body["difficulty"] == "advanced" and body["tags"] == ["strings"]
        assert [c["text"] for c in body["comments"]] == ["first!"]


async def test_solution_only_for_author_and_moderators(server) -> None:
    language = await ProgrammingLanguage.create(language="python", version="3.12.0", aliases=["py"])
    async with client(server.url) as http:
        author = await register(http, "sol_author")
        other = await register(http, "sol_other")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Solved one"}, headers=auth(author))
        ).json()["_id"]
        change = {**EDIT, "solution": {"code": "print(3)", "programmingLanguage": language.id}}
        assert (
            await http.put(f"/api/v1/puzzle/{puzzle_id}", json=change, headers=auth(author))
        ).status_code == 200
        solution = await http.get(f"/api/v1/puzzle/{puzzle_id}/solution", headers=auth(author))
        assert solution.status_code == 200
        assert solution.json()["solution"]["code"] == "print(3)"
        assert solution.json()["solution"]["programmingLanguage"]["language"] == "python"
        assert (
            await http.get(f"/api/v1/puzzle/{puzzle_id}/solution", headers=auth(other))
        ).status_code == 403
        assert (await http.get(f"/api/v1/puzzle/{puzzle_id}/solution")).status_code == 401
        bad_language = {**EDIT, "solution": {"code": "x", "programmingLanguage": "f" * 24}}
        assert (
            await http.put(f"/api/v1/puzzle/{puzzle_id}", json=bad_language, headers=auth(author))
        ).status_code == 400


async def test_delete_rules_and_cascade(server) -> None:
    async with client(server.url) as http:
        author = await register(http, "del_author")
        mod = await register(http, "del_mod")
        await make_moderator("del_mod")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Short lived"}, headers=auth(author))
        ).json()["_id"]
        top = (
            await http.post(
                f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "top"}, headers=auth(author)
            )
        ).json()
        await http.post(
            f"/api/v1/puzzle/{top['_id']}/comment", json={"text": "reply"}, headers=auth(author)
        )
        assert await Comment.filter(puzzle_id=puzzle_id).count() == 2
        assert (
            await http.delete(f"/api/v1/puzzle/{puzzle_id}", headers=auth(author))
        ).status_code == 204
        assert await Comment.filter(puzzle_id=puzzle_id).count() == 0

        public_id = (
            await http.post("/api/v1/puzzle", json={"title": "Gone public"}, headers=auth(author))
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{public_id}", json={"visibility": "approved"}, headers=auth(mod)
        )
        refused = await http.delete(f"/api/v1/puzzle/{public_id}", headers=auth(author))
        assert refused.status_code == 403 and "contact support" in refused.json()["message"]
        assert (
            await http.delete(f"/api/v1/puzzle/{public_id}", headers=auth(mod))
        ).status_code == 204


async def test_comment_threads_replies_and_deletes(server) -> None:
    async with client(server.url) as http:
        author = await register(http, "cm_author")
        other = await register(http, "cm_other")
        mod = await register(http, "cm_mod")
        await make_moderator("cm_mod")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Talk about it"}, headers=auth(author))
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(mod)
        )
        top = await http.post(
            f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "nice puzzle"}, headers=auth(other)
        )
        assert top.status_code == 201
        top = top.json()
        assert top["commentType"] == "puzzle-comment" and top["parentId"] == puzzle_id
        assert top["author"]["username"] == "cm_other" and top["comments"] == []
        # The frontend posts replies to the puzzle route with the comment's id.
        via_puzzle = await http.post(
            f"/api/v1/puzzle/{top['_id']}/comment", json={"text": "thanks"}, headers=auth(author)
        )
        via_comment = await http.post(
            f"/api/v1/comment/{top['_id']}/comment", json={"text": "agreed"}, headers=auth(mod)
        )
        for created in (via_puzzle, via_comment):
            assert created.status_code == 201
            assert created.json()["commentType"] == "comment-comment"
            assert created.json()["parentId"] == top["_id"]
        fetched = (await http.get(f"/api/v1/comment/{top['_id']}")).json()
        assert fetched["comments"] == [via_puzzle.json()["_id"], via_comment.json()["_id"]]
        page = (await http.get(f"/api/v1/puzzle/{puzzle_id}")).json()
        assert [c["text"] for c in page["comments"]] == ["nice puzzle"]  # replies hang below
        assert page["comments"][0]["comments"] == fetched["comments"]

        assert (
            await http.delete(f"/api/v1/comment/{top['_id']}", headers=auth(author))
        ).status_code == 403
        assert (
            await http.delete(f"/api/v1/comment/{via_comment.json()['_id']}", headers=auth(mod))
        ).status_code == 204
        assert (
            await http.delete(f"/api/v1/comment/{top['_id']}", headers=auth(other))
        ).status_code == 204
        assert (await http.get(f"/api/v1/comment/{via_puzzle.json()['_id']}")).status_code == 404
        unknown = await http.post(
            f"/api/v1/puzzle/{'a' * 24}/comment", json={"text": "orphan?"}, headers=auth(other)
        )
        assert unknown.status_code == 404


async def test_votes_toggle_and_stay_exact_under_concurrency(server) -> None:
    async with client(server.url) as http:
        author = await register(http, "vote_author")
        voters = [await register(http, f"voter_{n}") for n in range(12)]
        await make_moderator("vote_author")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Vote here"}, headers=auth(author))
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(author)
        )
        comment_id = (
            await http.post(
                f"/api/v1/puzzle/{puzzle_id}/comment",
                json={"text": "vote me"},
                headers=auth(author),
            )
        ).json()["_id"]
        url = f"/api/v1/comment/{comment_id}/vote"
        up = await http.post(url, json={"type": "upvote"}, headers=auth(author))
        assert (up.json()["upvote"], up.json()["downvote"]) == (1, 0)
        switched = await http.post(url, json={"type": "downvote"}, headers=auth(author))
        assert (switched.json()["upvote"], switched.json()["downvote"]) == (0, 1)
        removed = await http.post(url, json={"type": "downvote"}, headers=auth(author))
        assert (removed.json()["upvote"], removed.json()["downvote"]) == (0, 0)

    async def vote(token: str, kind: str) -> int:
        async with client(server.url) as voter:
            return (await voter.post(url, json={"type": kind}, headers=auth(token))).status_code

    statuses = await asyncio.gather(
        *(vote(token, "upvote" if n % 3 else "downvote") for n, token in enumerate(voters))
    )
    assert statuses == [200] * len(voters)
    comment = await Comment.get(id=comment_id)
    assert (comment.upvote, comment.downvote) == (8, 4)
    assert await CommentVote.filter(comment_id=comment_id).count() == 12
    # One user toggling from several tabs at once: whatever wins, the counts are the votes.
    racing = await asyncio.gather(
        *(vote(voters[0], kind) for kind in ("upvote", "downvote", "upvote", "downvote") * 2)
    )
    assert set(racing) <= {200, 409}
    comment = await Comment.get(id=comment_id)
    stored = CommentVote.filter(comment_id=comment_id)
    ups, downs = (
        await stored.filter(type="upvote").count(),
        await stored.filter(type="downvote").count(),
    )
    assert (comment.upvote, comment.downvote) == (ups, downs)


async def test_reports_for_every_target(server) -> None:
    async with client(server.url) as http:
        reporter = await register(http, "reporter")
        author = await register(http, "reported")
        await make_moderator("reported")
        puzzle_id = (
            await http.post(
                "/api/v1/puzzle", json={"title": "Reported puzzle"}, headers=auth(author)
            )
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(author)
        )
        comment_id = (
            await http.post(
                f"/api/v1/puzzle/{puzzle_id}/comment",
                json={"text": "rude words"},
                headers=auth(author),
            )
        ).json()["_id"]
        user_id = (await User.get(username="reported")).id
        explanation = "This is offensive, please take a look at it."
        for kind, target in (("puzzle", puzzle_id), ("comment", comment_id), ("user", user_id)):
            made = await http.post(
                "/api/v1/report",
                json={
                    "problematicIdentifier": target,
                    "problemType": kind,
                    "explanation": explanation,
                },
                headers=auth(reporter),
            )
            assert made.status_code == 201, made.text
            assert made.json()["status"] == "pending" and made.json()["problemType"] == kind
        again = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": puzzle_id,
                "problemType": "puzzle",
                "explanation": explanation,
            },
            headers=auth(reporter),
        )
        assert again.status_code == 409
        missing_chat = await http.post(
            "/api/v1/report",
            content=json.dumps(
                {
                    "problematicIdentifier": "b" * 24,
                    "problemType": "game_chat",
                    "explanation": explanation,
                }
            ),
            headers={**auth(reporter), "Content-Type": "text/plain"},
        )
        assert (
            missing_chat.status_code == 404
            and missing_chat.json()["message"] == "Chat message not found"
        )
        short = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": puzzle_id,
                "problemType": "puzzle",
                "explanation": "too short",
            },
            headers=auth(reporter),
        )
        assert short.status_code == 400


async def test_profile_puzzles_follow_visibility(server) -> None:
    async with client(server.url) as http:
        owner = await register(http, "prof_owner")
        other = await register(http, "prof_other")
    user = await User.get(username="prof_owner")
    await Puzzle.create(title="Public one", author=user, visibility="approved")
    await Puzzle.create(title="Secret draft", author=user, visibility="draft")
    async with client(server.url) as http:
        anonymous = (await http.get("/api/v1/user/prof_owner/puzzle")).json()
        as_other = (await http.get("/api/v1/user/prof_owner/puzzle", headers=auth(other))).json()
        as_owner = (await http.get("/api/v1/user/prof_owner/puzzle", headers=auth(owner))).json()
        missing = await http.get("/api/v1/user/nobody_home/puzzle")
    assert [p["title"] for p in anonymous["items"]] == ["Public one"]
    assert as_other["totalItems"] == 1
    assert sorted(p["title"] for p in as_owner["items"]) == ["Public one", "Secret draft"]
    assert as_owner["items"][0]["author"]["username"] == "prof_owner"
    assert missing.status_code == 404


async def test_list_pagination_filters_and_sort(server) -> None:
    async with client(server.url) as http:
        await register(http, "lister")
    user = await User.get(username="lister")
    for n in range(5):
        await Puzzle.create(
            title=f"Listed puzzle {n}",
            author=user,
            visibility="approved",
            difficulty="beginner" if n % 2 else "advanced",
            tags=["arrays"] if n == 3 else [],
        )
    async with client(server.url) as http:
        page = (await http.get("/api/v1/puzzle", params={"author": "lister", "pageSize": 2})).json()
        assert page["totalItems"] == 5 and page["totalPages"] == 3 and page["pageSize"] == 2
        assert [p["title"] for p in page["items"]] == ["Listed puzzle 4", "Listed puzzle 3"]
        beginners = (
            await http.get("/api/v1/puzzle", params={"author": "lister", "difficulty": "beginner"})
        ).json()
        assert sorted(p["title"] for p in beginners["items"]) == [
            "Listed puzzle 1",
            "Listed puzzle 3",
        ]
        tagged = (
            await http.get("/api/v1/puzzle", params={"author": "lister", "tags": "arrays"})
        ).json()
        assert [p["title"] for p in tagged["items"]] == ["Listed puzzle 3"] and tagged[
            "totalItems"
        ] == 1
        found = (
            await http.get("/api/v1/puzzle", params={"search": "PUZZLE 2", "author": "lister"})
        ).json()
        assert [p["title"] for p in found["items"]] == ["Listed puzzle 2"]
        beyond = (await http.get("/api/v1/puzzle", params={"author": "lister", "page": 99})).json()
        assert beyond["items"] == []
        for bad in (
            {"page": "0"},
            {"page": "-1"},
            {"page": ""},
            {"pageSize": "101"},
            {"page": "1e99"},
            {"difficulty": "impossible"},
            {"tags": "nope"},
            {"page": "99999999999"},
        ):
            response = await http.get("/api/v1/puzzle", params=bad)
            assert response.status_code == 400, (bad, response.text)


async def test_public_reads_follow_every_change(server) -> None:
    """Whatever the server remembers of public pages, a change shows: at once when made
    through the server (it waits for its own notifications before answering a write), within
    moments when made elsewhere (the ORM, plain SQL)."""
    from codincod import db

    async with client(server.url) as http:
        author = await register(http, "cache_author")
        await make_moderator("cache_author")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Cached one"}, headers=auth(author))
        ).json()["_id"]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(author)
        )
        params = {"author": "cache_author"}
        for _ in range(3):
            assert (await http.get(f"/api/v1/puzzle/{puzzle_id}")).json()["title"] == "Cached one"
            assert (await http.get("/api/v1/puzzle", params=params)).json()["totalItems"] == 1
        await http.post(
            f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "fresh"}, headers=auth(author)
        )
        page = (await http.get(f"/api/v1/puzzle/{puzzle_id}")).json()
        assert [c["text"] for c in page["comments"]] == ["fresh"]
        await db.connection().execute_query(
            db.sql("UPDATE puzzles SET title = 'Renamed by SQL' WHERE id = $1"), [puzzle_id]
        )

        async def title() -> str:
            return (await http.get(f"/api/v1/puzzle/{puzzle_id}")).json()["title"]

        async def listed_titles() -> list[str]:
            listed = (await http.get("/api/v1/puzzle", params=params)).json()
            return [p["title"] for p in listed["items"]]

        async def author_profile() -> Any:
            return (await http.get(f"/api/v1/puzzle/{puzzle_id}")).json()["author"].get("profile")

        async def page_status() -> int:
            return (await http.get(f"/api/v1/puzzle/{puzzle_id}")).status_code

        await eventually(title, "Renamed by SQL")
        await eventually(listed_titles, ["Renamed by SQL"])
        await User.filter(username="cache_author").update(profile_bio="now with a bio")
        await eventually(author_profile, {"bio": "now with a bio"})
        await Puzzle.filter(id=puzzle_id).update(visibility="draft")
        await eventually(page_status, 404)
        await eventually(listed_titles, [])


async def test_shared_list_views_keep_each_users_drafts(server) -> None:
    """Users without drafts share the public list pages; the moment one has a draft, their
    list shows it and nobody else's does; moderators see every puzzle."""
    async with client(server.url) as http:
        writer = await register(http, "view_writer")
        reader = await register(http, "view_reader")
        mod = await register(http, "view_mod")
        await make_moderator("view_mod")
        params = {"author": "view_writer"}

        async def total(token: str | None) -> int:
            headers = auth(token) if token else {}
            response = await http.get("/api/v1/puzzle", params=params, headers=headers)
            return response.json()["totalItems"]

        for _ in range(2):  # the second read comes from the cache where there is one
            assert [await total(t) for t in (None, writer, reader, mod)] == [0, 0, 0, 0]
        created = await http.post(
            "/api/v1/puzzle", json={"title": "Draft of mine"}, headers=auth(writer)
        )
        puzzle_id = created.json()["_id"]
        for _ in range(2):
            assert [await total(t) for t in (None, writer, reader, mod)] == [0, 1, 0, 1]
        await http.put(
            f"/api/v1/puzzle/{puzzle_id}", json={"visibility": "approved"}, headers=auth(mod)
        )
        for _ in range(2):
            assert [await total(t) for t in (None, writer, reader, mod)] == [1, 1, 1, 1]
        await http.delete(f"/api/v1/puzzle/{puzzle_id}", headers=auth(mod))
        assert [await total(t) for t in (None, writer, reader, mod)] == [0, 0, 0, 0]


async def test_list_totals_and_order_match_the_rows(server) -> None:
    """Totals come from counts the database keeps (triggers) and pages from the list's index:
    whatever changes the puzzles (the API, the ORM, plain SQL), every view's total and order
    are those of the rows themselves."""
    from tortoise.expressions import Q

    from codincod import db

    async with client(server.url) as http:
        mine = await register(http, "tally_author")
        mod = await register(http, "tally_mod")
        await make_moderator("tally_mod")
        me = await User.get(username="tally_author")
        other = await User.get(username="tally_mod")
        for n in range(7):
            await Puzzle.create(
                title=f"Tally {n} {'100%' if n == 2 else '100x'}",
                author=me if n % 2 else other,
                visibility=("approved", "draft", "review")[n % 3],
                difficulty=("beginner", "expert")[n % 2],
            )
        flipped = await Puzzle.filter(author=other, visibility="draft").first()
        assert flipped is not None
        await Puzzle.filter(id=flipped.id).update(visibility="approved", difficulty="expert")
        gone = await Puzzle.filter(author=me, visibility="approved").first()
        assert gone is not None
        await db.connection().execute_query(db.sql("DELETE FROM puzzles WHERE id = $1"), [gone.id])

        async def listed(token: str | None, **params: Any) -> tuple[int, list[str]]:
            # A client address of its own: these many reads must not meet the shared limit.
            headers = {**(auth(token) if token else {}), "X-Forwarded-For": fresh_address()}
            ids: list[str] = []
            total, page = -1, 1
            while True:
                query = {"pageSize": 3, "page": page, **params}
                body = (await http.get("/api/v1/puzzle", params=query, headers=headers)).json()
                total = body["totalItems"]
                ids += [item["_id"] for item in body["items"]]
                if page >= body["totalPages"]:
                    return total, ids
                page += 1

        async def expected(condition: Q) -> tuple[int, list[str]]:
            rows = await Puzzle.filter(condition).order_by("-created_at", "-id")
            return len(rows), [row.id for row in rows]

        approved = Q(visibility="approved")
        own = approved | Q(author_id=me.id)
        cases: list[tuple[str | None, dict[str, str], Q]] = [
            (None, {}, approved),
            (None, {"difficulty": "expert"}, approved & Q(difficulty="expert")),
            (mine, {}, own),
            (mine, {"difficulty": "beginner"}, own & Q(difficulty="beginner")),
            (mine, {"visibility": "review"}, Q(author_id=me.id, visibility="review")),
            (mod, {}, Q()),
            (mod, {"visibility": "draft"}, Q(visibility="draft")),
            (mod, {"search": "100%"}, Q(title__contains="100%")),
            (mod, {"search": "tally_"}, Q(title__icontains="tally_")),
        ]
        for token, params, condition in cases:
            want = await expected(condition)
            await eventually(lambda t=token, p=params: listed(t, **p), want)
        assert (await listed(mod, search="100%"))[0] == 1
