"""Moderation over real HTTP, with the frontend's own bodies: the queue, puzzle decisions,
reports and escalation, bans (and the sockets they close), appeals, and the audit trail."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from codincod.accounts.models import UserBan
from codincod.games.models import ChatMessage
from codincod.moderation.models import Report
from codincod.puzzles.models import Puzzle
from tests.sockets import Socket
from tests.support import REASON, ServerProcess, auth, client, moderator, plain, player, report

pytestmark = pytest.mark.usefixtures("orm")


async def test_every_moderation_route_is_for_moderators_only(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token, _ = await player(http, "modmx_user")
        some = "0" * 24
        routes = [
            ("GET", "/api/v1/moderation/review", None),
            ("GET", "/api/v1/moderation/audit", None),
            ("POST", f"/api/v1/moderation/puzzle/{some}/approve", None),
            ("POST", f"/api/v1/moderation/puzzle/{some}/revise", {"reason": REASON}),
            ("POST", f"/api/v1/moderation/report/{some}/resolve", {"status": "resolved"}),
            (
                "POST",
                f"/api/v1/moderation/user/{some}/ban/temporary",
                {"reason": REASON, "duration": 1},
            ),
            ("POST", f"/api/v1/moderation/user/{some}/ban/permanent", {"reason": REASON}),
            ("POST", f"/api/v1/moderation/user/{some}/unban", {"reason": REASON}),
            ("GET", f"/api/v1/moderation/user/{some}/ban/history", None),
            ("POST", f"/api/v1/moderation/appeal/{some}/accept", {"reason": REASON}),
            ("POST", f"/api/v1/moderation/appeal/{some}/reject", {"reason": REASON}),
        ]
        for method, path, body in routes:
            anonymous = await http.request(method, path, json=body)
            assert anonymous.status_code == 401, (path, anonymous.text)
            refused = await http.request(method, path, json=body, headers=auth(token))
            assert refused.status_code == 403, (path, refused.text)
        assert (await http.post("/api/v1/appeal", json={"reason": REASON})).status_code == 401


async def test_the_queue_and_puzzle_decisions(server: ServerProcess) -> None:
    async with client(server.url) as http:
        mod, _ = await moderator(http, "modq_mod")
        author, _ = await player(http, "modq_author")
        ids = []
        for visibility in ("ready", "review", "draft"):
            made = await http.post(
                "/api/v1/puzzle", json={"title": f"Queue {visibility}"}, headers=auth(author)
            )
            ids.append(made.json()["_id"])
            await Puzzle.filter(id=ids[-1]).update(visibility=visibility)
        queue = await http.get(
            "/api/v1/moderation/review?type=pending_puzzle&limit=100", headers=auth(mod)
        )
        assert queue.status_code == 200
        listed = {item["id"]: item for item in queue.json()["data"]}
        assert ids[0] in listed and ids[1] in listed and ids[2] not in listed
        assert listed[ids[0]]["authorName"] == "modq_author"
        assert set(queue.json()["pagination"]) == {"page", "limit", "total", "totalPages"}
        assert (
            await http.get("/api/v1/moderation/review?type=nope", headers=auth(mod))
        ).status_code == 400

        approved = await http.post(
            f"/api/v1/moderation/puzzle/{ids[0]}/approve", headers=plain(mod)
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["puzzle"]["visibility"] == "approved"
        assert approved.json()["puzzle"]["validators"] == []  # this one has none; the key is there
        short = await http.post(
            f"/api/v1/moderation/puzzle/{ids[1]}/revise",
            content=b'{"reason": "short"}',
            headers=plain(mod),
        )
        assert short.status_code == 400
        revised = await http.post(
            f"/api/v1/moderation/puzzle/{ids[1]}/revise",
            content=b'{"reason": "Add more validators please"}',
            headers=plain(mod),
        )
        assert revised.status_code == 200 and revised.json()["puzzle"]["visibility"] == "revise"
        assert (await Puzzle.get(id=ids[1])).moderation_feedback == "Add more validators please"
        missing = await http.post(
            "/api/v1/moderation/puzzle/" + "0" * 24 + "/approve", headers=plain(mod)
        )
        assert missing.status_code == 404


async def test_reports_resolve_once_and_escalate_on_the_third_upheld(server: ServerProcess) -> None:
    async with client(server.url) as http:
        mod, mod_id = await moderator(http, "modr_mod")
        offender, offender_id = await player(http, "modr_bad")
        reporters = [await player(http, f"modr_rep{n}") for n in range(5)]
        reports = [await report(http, token, "user", offender_id) for token, _ in reporters]

        listed = await http.get("/api/v1/moderation/review?type=reported_user", headers=auth(mod))
        item = next(i for i in listed.json()["data"] if i["id"] == reports[0])
        assert (item["reportedUserId"], item["reportedUserName"]) == (offender_id, "modr_bad")
        assert item["reportedBy"] == "modr_rep0" and item["reportExplanation"] == "x" * 30

        async def resolve(report_id: str, status: str):
            return await http.post(
                f"/api/v1/moderation/report/{report_id}/resolve",
                content=f'{{"status": "{status}"}}'.encode(),
                headers=plain(mod),
            )

        assert (await resolve(reports[0], "rejected")).status_code == 200
        upheld = await resolve(reports[1], "resolved")
        assert upheld.status_code == 200
        decided = upheld.json()["report"]
        assert (decided["status"], decided["updatedAt"] > decided["createdAt"]) == (
            "resolved",
            True,
        )
        again = await resolve(reports[1], "resolved")  # changes nothing
        assert again.status_code == 409
        assert (await resolve(reports[0], "resolved")).status_code == 409  # rejected stays
        assert not await UserBan.filter(user_id=offender_id).exists()
        assert (await resolve(reports[2], "resolved")).status_code == 200
        assert not await UserBan.filter(user_id=offender_id).exists()  # two upheld: no ban yet
        assert (await resolve(reports[3], "resolved")).status_code == 200  # the third
        bans = await UserBan.filter(user_id=offender_id)
        assert len(bans) == 1 and bans[0].ban_type == "temporary" and bans[0].is_active
        assert bans[0].reason.startswith("Automatic escalation: ")
        assert (await resolve(reports[4], "resolved")).status_code == 200  # 4: same step
        assert await UserBan.filter(user_id=offender_id).count() == 1
        me = await http.get("/api/v1/user/me", headers=auth(offender))
        assert me.status_code == 403 and me.json()["banDetails"]["type"] == "temporary"
        assert (await Report.get(id=reports[3])).resolved_by_id == mod_id


async def test_a_reported_chat_line_comes_with_its_context(server: ServerProcess) -> None:
    from tests.support import game_with, in_game, users

    async with client(server.url) as http:
        mod, _ = await moderator(http, "modc_mod")
        from tests.support import sum_puzzle

        ((author, _),) = await users(http, "modc_author", 1)
        await sum_puzzle(http, author)
        (alice, alice_id), (bob, _) = await users(http, "modc", 2)
        game_id = await game_with(server, [alice, bob])
        socket = await in_game(server, alice, game_id)
        await socket.next("game:overview", lambda f: "puzzle" in f)
        for n in range(8):
            await socket.send("message:send", chatMessage={"message": f"line {n}"})
            await socket.next("message:send")
            await asyncio.sleep(0.35)  # within the chat's pace
        await socket.close()
        target = await ChatMessage.get(game_id=game_id, message="line 6")
        await report(http, bob, "game_chat", target.id, "rude words in the game chat here")
        queue = await http.get(
            "/api/v1/moderation/review?type=reported_game_chat&limit=100", headers=auth(mod)
        )
        item = next(i for i in queue.json()["data"] if i.get("reportedMessageId") == target.id)
        assert (item["gameId"], item["reportedUserId"], item["title"]) == (
            game_id,
            alice_id,
            "Chat from modc0",
        )
        context = [m["message"] for m in item["contextMessages"]]
        assert context == [f"line {n}" for n in range(1, 8)]  # five before, one after
        assert [m["isReported"] for m in item["contextMessages"]].count(True) == 1


async def test_bans_their_rules_their_sockets_and_their_history(server: ServerProcess) -> None:
    async with client(server.url) as http:
        mod, mod_id = await moderator(http, "modb_mod")
        _, other_mod_id = await moderator(http, "modb_mod2")
        victim, victim_id = await player(http, "modb_user")
        base = f"/api/v1/moderation/user/{victim_id}"
        for target in (mod_id, other_mod_id):
            refused = await http.post(
                f"/api/v1/moderation/user/{target}/ban/permanent",
                json={"reason": REASON},
                headers=auth(mod),
            )
            assert refused.status_code == 403
        assert (
            await http.post(base + "/unban", json={"reason": REASON}, headers=auth(mod))
        ).status_code == 409
        assert (
            await http.post(base + "/ban/temporary", json={"reason": REASON}, headers=auth(mod))
        ).status_code == 400
        long_reason = await http.post(
            base + "/ban/permanent", json={"reason": "x" * 501}, headers=auth(mod)
        )
        assert long_reason.status_code == 400

        lobby_socket = await Socket.open(server.url, "/ws", victim)
        await lobby_socket.next("rooms:overview")
        first = await http.post(
            base + "/ban/temporary",
            content=b'{"duration": 2, "reason": "' + REASON.encode() + b'"}',
            headers=plain(mod),
        )
        assert first.status_code == 200, first.text
        assert first.json()["ban"]["banType"] == "temporary" and "endDate" in first.json()["ban"]
        with pytest.raises(websockets.ConnectionClosed) as closed:  # the ban takes effect at once
            while True:
                await lobby_socket.ws.recv()
        assert closed.value.rcvd.code == 1008
        assert (
            len(closed.value.rcvd.reason.encode()) <= 123 and "banned" in closed.value.rcvd.reason
        )
        assert (await http.get("/api/v1/user/me", headers=auth(victim))).status_code == 403

        second = await http.post(
            base + "/ban/permanent", json={"reason": REASON + " again"}, headers=auth(mod)
        )
        assert second.status_code == 200
        active = await UserBan.filter(user_id=victim_id, is_active=True)
        assert [b.ban_type for b in active] == ["permanent"]  # the first ended
        history = await http.get(base + "/ban/history", headers=auth(mod))
        bans = history.json()["bans"]
        assert [b["banType"] for b in bans] == ["permanent", "temporary"]  # newest first
        assert bans[0]["bannedBy"] == {"_id": mod_id, "username": "modb_mod"}

        lifted = await http.post(
            base + "/unban", content=b'{"reason": "Unbanned by moderator"}', headers=plain(mod)
        )
        assert lifted.status_code == 200
        assert (await http.get("/api/v1/user/me", headers=auth(victim))).status_code == 200


async def test_a_banned_user_appeals_and_a_moderator_decides(server: ServerProcess) -> None:
    async with client(server.url) as http:
        mod, mod_id = await moderator(http, "moda_mod")
        user, user_id_ = await player(http, "moda_user")
        assert (
            await http.post("/api/v1/appeal", json={"reason": REASON}, headers=auth(user))
        ).status_code == 409
        base = f"/api/v1/moderation/user/{user_id_}"
        await http.post(base + "/ban/permanent", json={"reason": REASON}, headers=auth(mod))
        assert (
            await http.post("/api/v1/appeal", json={"reason": "short"}, headers=auth(user))
        ).status_code == 400
        filed = await http.post(
            "/api/v1/appeal", json={"reason": "I was hacked, sorry about that"}, headers=auth(user)
        )
        assert filed.status_code == 201, filed.text
        appeal = filed.json()
        assert len(appeal["_id"]) == 24 and appeal["status"] == "pending"
        again = await http.post(
            "/api/v1/appeal", json={"reason": "Please, once more, really"}, headers=auth(user)
        )
        assert again.status_code == 409
        mine = await http.get("/api/v1/appeal/mine", headers=auth(user))
        assert mine.status_code == 200 and mine.json()["_id"] == appeal["_id"]

        queue = await http.get(
            "/api/v1/moderation/review?type=ban_appeal&limit=100", headers=auth(mod)
        )
        item = next(i for i in queue.json()["data"] if i["id"] == appeal["_id"])
        assert (item["type"], item["reportedUserId"]) == ("ban_appeal", user_id_)
        short = await http.post(
            f"/api/v1/moderation/appeal/{appeal['_id']}/accept",
            json={"reason": "ok"},
            headers=auth(mod),
        )
        assert short.status_code == 400
        accepted = await http.post(
            f"/api/v1/moderation/appeal/{appeal['_id']}/accept",
            json={"reason": "Fair enough, welcome back"},
            headers=auth(mod),
        )
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        assert (await http.get("/api/v1/user/me", headers=auth(user))).status_code == 200
        twice = await http.post(
            f"/api/v1/moderation/appeal/{appeal['_id']}/reject",
            json={"reason": "Changed my mind now"},
            headers=auth(mod),
        )
        assert twice.status_code == 409
        assert (await http.get("/api/v1/appeal/mine", headers=auth(user))).json()[
            "status"
        ] == "accepted"

        audit = await http.get("/api/v1/moderation/audit?actor=moda_mod", headers=auth(mod))
        assert audit.status_code == 200
        entries = audit.json()["items"]
        assert [e["action"] for e in entries] == ["appeal_accept", "ban"]  # newest first
        assert entries[0]["actor"] == {"_id": mod_id, "username": "moda_mod"}
        assert entries[1]["targetType"] == "user" and entries[1]["targetId"] == user_id_
        by_id = await http.get(
            f"/api/v1/moderation/audit?actor={mod_id}&action=ban", headers=auth(mod)
        )
        assert [e["action"] for e in by_id.json()["items"]] == ["ban"]
        by_target = await http.get(
            f"/api/v1/moderation/audit?targetId={user_id_}", headers=auth(mod)
        )
        assert {e["action"] for e in by_target.json()["items"]} == {"ban"}
