"""Real-time multiplayer over real sockets: the lobby and waiting rooms, games and their chat,
the server ending and rating games, leaderboards, and garbage on the wire."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
import websockets

from codincod.accounts.models import User
from codincod.games.lifecycle import CONCRETE_MODES
from codincod.games.models import ChatMessage, Game, GameEvent, GamePlayer, RoomMember
from codincod.puzzles.models import Puzzle
from codincod.ratings.models import UserModeMetrics
from codincod.timeutil import utcnow
from tests.sockets import Socket
from tests.support import (
    DB_KIND,
    SUM,
    ServerProcess,
    auth,
    client,
    eventually,
    game_with,
    hand_in,
    hosted,
    in_game,
    listed,
    lobby,
    only_puzzle,
    started_game,
    submit,
    sum_puzzle,
    unlisted,
    users,
    with_users,
)

pytestmark = pytest.mark.usefixtures("orm")


async def test_lobby_rooms_chat_and_an_owner_only_single_start(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "lob_author", 1)
        await sum_puzzle(http, author)
        (alice, alice_id), (bob, bob_id), (carol, _) = await users(http, "lob_p", 3)
    a, b, c = [await lobby(server, token) for token in (alice, bob, carol)]
    room = await hosted(a)
    room_id = room["roomId"]
    assert [u["userId"] for u in room["users"]] == [alice_id] and room["owner"][
        "userId"
    ] == alice_id
    assert "inviteCode" not in room
    await c.next("rooms:overview", listed(room_id))  # the lobby hears of the new room

    await b.send("room:join", roomId=room_id)
    both = await a.next("room:overview", with_users(2))
    assert [u["userId"] for u in both["room"]["users"]] == [alice_id, bob_id]
    assert both["room"]["owner"]["userId"] == alice_id
    await b.next("room:overview", with_users(2))
    counted = await c.next(
        "rooms:overview", lambda f: {"roomId": room_id, "amountOfPlayersJoined": 2} in f["rooms"]
    )
    assert counted

    await b.send("room:chat-message", roomId=room_id, message="hello room")
    for member in (a, b):
        line = await member.next("room:chat-message")
        assert (line["username"], line["message"]) == ("lob_p1", "hello room")
        assert line["createdAt"].endswith("Z")
    await c.send("room:chat-message", roomId=room_id, message="not a member")
    assert "must be in the room" in (await c.next("error"))["message"]
    await a.nothing("room:chat-message", 0.3)

    await b.send("game:start", roomId=room_id)
    assert (await b.next("error"))["message"] == "Only the host can start the game"
    await c.send("game:start", roomId=room_id)
    assert (await c.next("error"))["message"] == "You must be in the room to do that"

    game_id = await started_game([a, b], room_id)
    await c.next("rooms:overview", unlisted(room_id))  # a started room leaves the lobby
    await a.send("game:start", roomId=room_id)
    assert (await a.next("error"))["message"] == "This room is no longer open"
    assert await Game.filter(rooms__id=room_id).count() == 1

    game = await Game.get(id=game_id)
    seats = (
        await GamePlayer.filter(game_id=game_id)
        .order_by("position")
        .values_list("user_id", flat=True)
    )
    assert list(seats) == [alice_id, bob_id] and game.owner_id == alice_id
    drawn = await Puzzle.get(id=game.puzzle_id)
    assert drawn.visibility == "approved" and drawn.author_id not in (alice_id, bob_id)
    assert abs((game.start_time - game.created_at).total_seconds() - 1) < 0.01  # countdown 1 s
    assert (game.end_time - game.start_time).total_seconds() == 900  # quick host: the default
    assert await GameEvent.filter(game_id=game_id, kind="start").count() == 1
    for socket in (a, b, c):
        await socket.close()


async def test_hosting_elsewhere_leaves_the_room_and_closed_sockets_leave_after_grace(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        (alice, _), (bob, bob_id), (carol, _) = await users(http, "grace", 3)
    a, b, c = [await lobby(server, token) for token in (alice, bob, carol)]
    first = (await hosted(a))["roomId"]
    await b.send("room:join", roomId=first)
    await a.next("room:overview", with_users(2))
    second = (await hosted(b))["roomId"]  # bob hosts: he leaves alice's room
    await a.next("room:overview", with_users(1))
    await c.next("rooms:overview", lambda f: listed(first)(f) and listed(second)(f))

    c.drop()
    await b.close()  # bob's only socket closes: after the grace, his room closes
    await c.next("rooms:overview", unlisted(second), timeout=6)
    assert not await RoomMember.filter(user_id=bob_id).exists()

    # A reconnect within the grace keeps one's place, host included.
    await a.close()
    a = await lobby(server, alice)
    await a.send("room:join", roomId=first)
    again = await a.next("room:overview")
    await asyncio.sleep(1.5)
    assert await RoomMember.filter(room_id=first).count() == 1
    assert again["room"]["roomId"] == first
    for socket in (a, c):
        await socket.close()


async def test_private_rooms_are_joined_with_their_code(server: ServerProcess) -> None:
    async with client(server.url) as http:
        (alice, _), (bob, _), (carol, _) = await users(http, "priv", 3)
    a, b, c = [await lobby(server, token) for token in (alice, bob, carol)]
    room = await hosted(a, visibility="private", mode="shortest", maxGameDurationInSeconds=600)
    code = room["inviteCode"]
    assert len(code) == 6 and code.isalnum() and code.isupper()
    await b.send("room:join", roomId=room["roomId"])
    assert (await b.next("error"))["message"] == f"Room {room['roomId']} not found"
    await b.send("room:join-by-invite", inviteCode="ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
    assert (await b.next("error"))["message"].startswith("Invalid invite code: ")
    await b.send("room:join-by-invite", inviteCode=code)
    joined = await b.next("room:overview", with_users(2))
    assert joined["room"]["inviteCode"] == code
    await c.nothing("rooms:overview", 0.5, listed(room["roomId"]))  # private: never listed
    for socket in (a, b, c):
        await socket.close()


async def test_games_are_scoped_and_users_may_have_several_sockets(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "scope_author", 1)
        await sum_puzzle(http, author)
        (alice, _), (bob, _), (carol, _), (dave, _) = await users(http, "scope", 4)
    first = await game_with(server, [alice, bob])
    second = await game_with(server, [carol, dave])
    a1, a2 = await in_game(server, alice, first), await in_game(server, alice, first)
    b, c = await in_game(server, bob, first), await in_game(server, carol, second)
    for socket in (a1, a2, b, c):
        # The countdown is a second: the puzzle comes once the game runs.
        shown = await socket.next("game:overview", lambda f: "puzzle" in f, timeout=5)
        assert "solution" not in shown["puzzle"]
        assert all("author" in comment for comment in shown["puzzle"]["comments"])
        assert shown["game"]["status"] == "in_progress"
    await a1.send(
        "message:send",
        chatMessage={"username": "scope3", "message": "gl hf", "createdAt": "2020-01-01T00:00:00Z"},
    )
    for socket in (a1, a2, b):
        line = (await socket.next("message:send"))["chatMessage"]
        assert (line["username"], line["message"]) == ("scope0", "gl hf")  # the token's name
        assert len(line["_id"]) == 24 and line["createdAt"] != "2020-01-01T00:00:00Z"
    await b.send("language:change", language="python")
    for socket in (a1, a2, b):
        assert (await socket.next("language:change")) == {
            "event": "language:change",
            "language": "python",
            "username": "scope1",
        }
    await c.nothing("message:send", 0.5)
    await c.nothing("language:change", 0.1)
    saved = await ChatMessage.get(game_id=first)
    assert (saved.username, saved.message) == ("scope0", "gl hf")
    for socket in (a1, a2, b, c):
        await socket.close()


async def test_watchers_stay_connected_join_late_and_get_the_chat_replayed(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "late_author", 1)
        await sum_puzzle(http, author)
        (alice, alice_id), (bob, _), (eve, eve_id) = await users(http, "late", 3)
    game_id = await game_with(server, [alice, bob])
    started = await Game.get(id=game_id)
    for n in range(55):  # chat from before: the newest 50 come back, oldest first
        await ChatMessage.create(
            game_id=game_id,
            user_id=alice_id,
            username="late0",
            message=f"line {n}",
            created_at=started.created_at + timedelta(milliseconds=n),
        )
    await asyncio.sleep(1.1)
    watcher = await in_game(server, eve, game_id)
    overview = await watcher.next("game:overview")
    assert "puzzle" not in overview
    assert (await watcher.next("error"))["message"] == "User not in this game"
    await watcher.send("message:send", chatMessage={"message": "can I play?"})
    assert (await watcher.next("error"))["message"] == "Join the game first"
    await watcher.nothing("message:send", 0.3)  # the chat is the players' own

    player = await in_game(server, alice, game_id)
    await player.next("game:overview", lambda f: "puzzle" in f)
    replayed = [(await player.next("message:send"))["chatMessage"]["message"] for _ in range(50)]
    assert replayed == [f"line {n}" for n in range(5, 55)]  # the newest 50, oldest first
    await watcher.send("game:join")
    joined = await watcher.next("game:overview", lambda f: "puzzle" in f)
    assert eve_id in [p["_id"] for p in joined["game"]["players"]]
    caught_up = [(await watcher.next("message:send"))["chatMessage"]["message"] for _ in range(50)]
    assert caught_up == replayed
    seen = await player.next(
        "game:overview", lambda f: eve_id in [p["_id"] for p in f["game"]["players"]]
    )
    assert "puzzle" not in seen  # alice has it already
    assert await GameEvent.filter(game_id=game_id, kind="join", user_id=eve_id).exists()
    await watcher.close()
    await player.close()


async def test_unknown_games_and_refused_sockets(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((alice, _),) = await users(http, "refuse_ws", 1)
    for game_id in ("nope", "0" * 24):
        socket = await in_game(server, alice, game_id)
        assert (await socket.next("game:nonexistent"))["message"] == "Game not found"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.next("anything")
        assert closed.value.rcvd.code == 1008
    for path in ("/ws", "/ws/game/" + "0" * 24):
        anonymous = await Socket.open(server.url, path, None)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await anonymous.ws.recv()
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            1008,
            "Authentication required",
        )
        stale = await Socket.open(server.url, path, "not-a-token")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await stale.ws.recv()
        assert closed.value.rcvd.code == 1008
    with pytest.raises(websockets.InvalidStatus) as refused:
        await Socket.open(server.url, "/ws", alice, Origin="https://evil.example")
    assert refused.value.response.status_code == 403
    fine = await Socket.open(server.url, "/ws", alice, Origin="http://localhost:5173")
    await fine.next("rooms:overview")
    await fine.close()


async def test_garbage_frames_get_errors_and_the_socket_carries_on(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((alice, _),) = await users(http, "garbage", 1)
    socket = await lobby(server, alice)
    garbage: list[str | bytes] = [
        b"\xff\xfe\x00",
        "not json",
        "[1, 2]",
        '"event"',
        '{"event": 5}',
        '{"event": "rooms:overview"}',
        '{"event": "room:join", "roomId": 5}',
        '{"event": "room:join"}',
        '{"event": "room:chat-message", "roomId": "x", "message": ""}',
        '{"event": "room:host", "options": {"mode": "chess"}}',
        '{"event": "room:host", "options": {"maxGameDurationInSeconds": "long"}}',
        '{"event": "room:join-by-invite", "inviteCode": "abc"}',
        '{"event": "room:chat-message", "roomId": "x", "message": "nul \\u0000 here"}',
        b'{"event": "room:join", "roomId": "0"}',
        '{"event": "room:join", "roomId": "' + "a" * 100_000 + '"}',  # over 64 KiB
        '{"event": "room:join-by-invite", "inviteCode": "' + "A" * 100_000 + '"}',
        '{"event": "room:join", "roomId": ' + "[" * 5000 + "]" * 5000 + "}",  # deep
        b'{"event": "room:join", "roomId": "' + b"a" * 70_000 + b'"}',
    ]
    for frame in garbage:
        await socket.ws.send(frame)
        error = await socket.next("error")
        assert error["message"] and "Traceback" not in error["message"]
    room = await hosted(socket)  # still serving
    assert room["owner"]["username"] == "garbage0"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        # over the 1 MiB a socket reads at all: closed (maybe before the send has finished)
        await socket.ws.send("x" * 2_000_000)
        while True:
            await socket.ws.recv()
    assert closed.value.rcvd.code == 1009


async def test_chat_allows_two_a_second_and_refuses_floods(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "flood_author", 1)
        await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "flood", 2)
    game_id = await game_with(server, [alice, bob])
    socket = await in_game(server, alice, game_id)
    for n in range(6):  # two a second for three seconds: every one delivered
        await socket.send("message:send", chatMessage={"message": f"steady {n}"})
        await socket.next(
            "message:send", lambda f, n=n: f["chatMessage"]["message"] == f"steady {n}"
        )
        await asyncio.sleep(0.5)
    for n in range(30):
        await socket.send("message:send", chatMessage={"message": f"flood {n}"})
    refused = 0
    for _ in range(30):
        frame = await socket.next("error", timeout=2) if refused < 20 else None
        if frame is None:
            break
        refused += "too fast" in frame["message"]
    assert refused >= 20
    kept = await ChatMessage.filter(game_id=game_id, message__startswith="flood").count()
    assert kept <= 10
    await socket.close()


async def test_hand_ins_update_the_game_and_the_server_ends_and_rates_it(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "rate_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, alice_id), (bob, bob_id), (mod, mod_id) = await users(http, "rate", 3)
        await User.filter(id=mod_id).update(role="moderator")
        async with only_puzzle(puzzle_id):
            game_id = await game_with(server, [alice, bob], maxGameDurationInSeconds=2)
        game = await Game.get(id=game_id)
        sockets = [await in_game(server, token, game_id) for token in (alice, bob)]
        for socket in sockets:
            await socket.next("game:overview", lambda f: "puzzle" in f)

        wrong = await submit(http, bob, puzzle_id, "print(0)")
        assert (await hand_in(http, bob, game_id, wrong)).status_code == 201
        for socket in sockets:
            await socket.next("game:overview", lambda f: len(f["game"]["playerSubmissions"]) == 1)
        right = await submit(http, alice, puzzle_id, SUM)
        assert (await hand_in(http, alice, game_id, right)).status_code == 201
        for socket in sockets:
            frame = await socket.next(
                "game:overview", lambda f: len(f["game"]["playerSubmissions"]) == 2
            )
            handed = frame["game"]["playerSubmissions"]
            assert [s["user"]["_id"] for s in handed] == [alice_id, bob_id]  # ranked, not in order
            assert handed[0]["codeLength"] == len(SUM) and handed[0]["result"]["successRate"] == 1
            assert handed[0]["programmingLanguage"]["language"] == "python"
            assert "code" not in handed[0]

        finished = [await s.next("game:finished", timeout=20) for s in sockets]
        heard = utcnow()
        assert game.end_time <= heard <= game.end_time + timedelta(seconds=15)
        assert finished[0]["game"]["status"] == "finished"

        async def board() -> dict:
            return (await http.get("/api/v1/leaderboard/fastest?pageSize=100")).json()

        for _ in range(40):
            entries = {e["userId"]: e for e in (await board())["entries"]}
            if alice_id in entries and bob_id in entries:
                break
            await asyncio.sleep(0.2)
        assert entries[alice_id]["rating"] > 1500 > entries[bob_id]["rating"]
        assert (entries[alice_id]["gamesPlayed"], entries[alice_id]["gamesWon"]) == (1, 1)
        assert (entries[bob_id]["gamesPlayed"], entries[bob_id]["gamesWon"]) == (1, 0)
        assert entries[alice_id]["rank"] < entries[bob_id]["rank"]
        assert (await Game.get(id=game_id)).ratings_applied

        refused = await http.post("/api/v1/leaderboard/recalculate", headers=auth(alice))
        assert refused.status_code == 403
        before = await board()
        for _ in range(2):  # idempotent: the same games give the same ratings
            done = await http.post("/api/v1/leaderboard/recalculate", headers=auth(mod))
            assert done.status_code == 200 and done.json()["success"] is True
            after = await board()
            assert [
                (e["userId"], round(e["rating"], 6), e["gamesPlayed"]) for e in after["entries"]
            ] == [(e["userId"], round(e["rating"], 6), e["gamesPlayed"]) for e in before["entries"]]

        mine = (await http.get(f"/api/v1/leaderboard/user/{alice_id}")).json()
        assert mine["rankings"]["fastest"]["gamesPlayed"] == 1
        nobody = (await http.get(f"/api/v1/leaderboard/user/{mod_id}")).json()
        assert nobody["rankings"] == {}
        assert not await UserModeMetrics.filter(user_id=mod_id).exists()  # no side effect
        assert (await http.get("/api/v1/leaderboard/user/" + "0" * 24)).status_code == 404
        assert (await http.get("/api/v1/leaderboard/chess")).status_code == 400
        for socket in sockets:
            await socket.close()


async def test_a_room_of_one_starts_with_its_options_bounded_and_random_resolved(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "solo_author", 1)
        await sum_puzzle(http, author)
        ((solo, solo_id),) = await users(http, "solo", 1)
    for asked, kept in ((7200, 3600), (1, 2), (600, 600)):
        socket = await lobby(server, solo)
        room = await hosted(socket, mode="random", maxGameDurationInSeconds=asked, rated=False)
        game_id = await started_game([socket], room["roomId"])
        game = await Game.get(id=game_id)
        assert game.mode in CONCRETE_MODES  # random is resolved when the game starts
        assert (game.end_time - game.start_time).total_seconds() == kept
        assert (game.max_duration_seconds, game.rated, game.owner_id) == (kept, False, solo_id)
        await socket.close()


async def test_a_chat_line_can_be_reported_and_every_event_is_kept(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "kept_author", 1)
        await sum_puzzle(http, author)
        (alice, alice_id), (bob, _) = await users(http, "kept", 2)
        game_id = await game_with(server, [alice, bob])
        a, b = await in_game(server, alice, game_id), await in_game(server, bob, game_id)
        await a.next("game:overview", lambda f: "puzzle" in f)
        await a.send("language:change", language="python")
        await a.send("message:send", chatMessage={"message": "you will lose"})
        line = (await b.next("message:send"))["chatMessage"]
        report = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": line["_id"],
                "problemType": "game_chat",
                "explanation": "trash talk in the game chat",
            },
            headers=auth(bob),
        )
        assert report.status_code == 201, report.text
        await a.close()
        await b.close()
        await asyncio.sleep(0.5)
    kinds = (
        await GameEvent.filter(game_id=game_id)
        .order_by("created_at")
        .values_list("kind", "user_id")
    )
    assert kinds[0] == ("start", alice_id)
    assert {
        ("join", alice_id),
        ("language", alice_id),
        ("chat", alice_id),
        ("leave", alice_id),
    } <= set(kinds)


async def test_socket_upgrades_are_limited_per_client(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((alice, _),) = await users(http, "upgrades", 1)
    address = {"X-Forwarded-For": "203.0.113.77"}
    opened = []
    refused = 0
    for _ in range(35):
        try:
            opened.append(await Socket.open(server.url, "/ws", alice, **address))
        except websockets.InvalidStatus as error:
            assert error.response.status_code == 429
            refused += 1
    assert len(opened) == 30 and refused == 5
    elsewhere = await Socket.open(server.url, "/ws", alice)  # another client: its own budget
    for socket in (*opened, elsewhere):
        await socket.close()


async def test_a_page_that_comes_back_is_not_sent_the_chat_again(server: ServerProcess) -> None:
    """The frontend adds every chat line it is sent: a page whose socket was lost still shows
    the chat, so only a page that closed its socket (a reload, a new visit) gets it again."""
    async with client(server.url) as http:
        ((author, _),) = await users(http, "again_author", 1)
        await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "again", 2)
    game_id = await game_with(server, [alice, bob])
    page = await in_game(server, alice, game_id)
    await page.next("game:overview", lambda f: "puzzle" in f)
    await page.send("message:send", chatMessage={"message": "said once"})
    await page.next("message:send")
    await page.close()  # the page closed it: a reload
    page = await in_game(server, alice, game_id)
    await page.next("game:overview", lambda f: "puzzle" in f)
    assert (await page.next("message:send"))["chatMessage"]["message"] == "said once"
    page.ws.transport.abort()  # the connection is lost; the page lives on
    for _ in range(50):  # the server notices at once; the leave is written just after
        last = (
            await GameEvent.filter(game_id=game_id, kind__in=("join", "leave"))
            .order_by("-created_at")
            .first()
        )
        if last is not None and last.kind == "leave" and last.data.get("ended") == "lost":
            break
        await asyncio.sleep(0.05)
    assert last is not None and (last.kind, last.data) == (
        "leave",
        {"socket": True, "ended": "lost"},
    )
    page = await in_game(server, alice, game_id)
    await page.next("game:overview", lambda f: "puzzle" in f)
    await page.nothing("message:send", 0.5)
    await page.close()


async def test_the_staff_feed_hears_a_timer_ended_game_and_code_stays_hidden_through_grace(
    server: ServerProcess, piston_server: ServerProcess
) -> None:
    """No game socket is open: a server's sweeper ends the game (either of the two processes
    on the database), and the staff feed hears it: on PostgreSQL on both processes, on SQLite
    (one process by design, its events stay in it) on the one that ended it. A rival reads a
    hand-in's code only once the game is over, not during the grace in which hand-ins are
    still taken."""
    async with client(server.url) as http:
        ((author, _),) = await users(http, "hidden_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, _), (bob, _), (mod, mod_id) = await users(http, "hidden", 3)
        await User.filter(id=mod_id).update(role="moderator")
        for each in (server, piston_server):  # the change reaches each process's cache (NOTIFY)
            async with client(each.url) as there:

                async def stats(there: httpx.AsyncClient = there) -> int:
                    return (await there.get("/api/v1/admin/stats", headers=auth(mod))).status_code

                await eventually(stats, 200)
        feeds = [await Socket.open(s.url, "/ws/admin", mod) for s in (server, piston_server)]
        for feed in feeds:
            await feed.next("feed:open")
        async with only_puzzle(puzzle_id):
            game_id = await game_with(server, [alice, bob], maxGameDurationInSeconds=2)
        game = await Game.get(id=game_id)
        await asyncio.sleep(max(0.0, (game.start_time - utcnow()).total_seconds()) + 0.1)
        handed = await submit(http, bob, puzzle_id, SUM)
        assert (await hand_in(http, bob, game_id, handed)).status_code == 201
        await asyncio.sleep(max(0.0, (game.end_time - utcnow()).total_seconds()) + 0.5)
        during_grace = (await http.get(f"/api/v1/submission/{handed}", headers=auth(alice))).json()
        assert "code" not in during_grace, during_grace
        waits = [
            asyncio.ensure_future(f.next("game:finished", lambda f: f["game"] == game_id, 20))
            for f in feeds
        ]
        wanted = asyncio.ALL_COMPLETED if DB_KIND == "postgres" else asyncio.FIRST_COMPLETED
        done, pending = await asyncio.wait(waits, return_when=wanted)
        for waiting in pending:
            waiting.cancel()
        assert all(task.exception() is None for task in done), done
        after = (await http.get(f"/api/v1/submission/{handed}", headers=auth(alice))).json()
        assert after["code"] == SUM
        for feed in feeds:
            await feed.close()


async def test_a_player_pressing_join_again_is_not_sent_the_chat_twice(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "twice_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "twice_chat", 2)
        async with only_puzzle(puzzle_id):
            game_id = await game_with(server, [alice, bob], maxGameDurationInSeconds=60)
        first = await in_game(server, alice, game_id)
        await first.next("game:overview")
        await first.send("message:send", chatMessage={"message": "hello there"})
        await first.next("message:send")
        second = await in_game(server, bob, game_id)
        await second.next("message:send", lambda f: f["chatMessage"]["message"] == "hello there")
        await second.send("game:join")
        await second.nothing(
            "message:send", seconds=1, where=lambda f: f["chatMessage"]["message"] == "hello there"
        )
        for socket in (first, second):
            await socket.close()


def documented_frames(path: str) -> dict[str, Any]:
    """The sockets' frames as the OpenAPI document describes them, by event name."""
    from typing import get_args, get_type_hints

    from server.openapi import SOCKETS

    shapes = {}
    for frame in SOCKETS[path]["sends"]:
        event = get_type_hints(frame)["event"]
        for name in get_args(event) or ():
            shapes[name] = frame
    return shapes


def keeps_to_the_document(path: str, frames: list[dict]) -> None:
    from pydantic import TypeAdapter

    shapes = documented_frames(path)
    for frame in frames:
        assert frame["event"] in shapes, f"{path}: {frame['event']} is not documented"
        TypeAdapter(shapes[frame["event"]]).validate_python(frame)


async def test_every_frame_a_socket_sends_keeps_to_the_document(server: ServerProcess) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "shape_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "shape", 2)
    host, guest = await lobby(server, alice), await lobby(server, bob)
    async with only_puzzle(puzzle_id):
        room = await hosted(host, visibility="private")
        await guest.send("room:join-by-invite", inviteCode=room["inviteCode"])
        await host.next("room:overview", with_users(2))
        await host.send("room:chat-message", roomId=room["roomId"], message="ready?")
        await guest.next("room:chat-message")
        game_id = await started_game([host, guest], room["roomId"])
    await guest.send("room:join", roomId="nonsense")
    await guest.next("error")
    a, b = await in_game(server, alice, game_id), await in_game(server, bob, game_id)
    await a.next("game:overview", lambda f: "puzzle" in f, timeout=5)
    await a.send("message:send", chatMessage={"message": "gl hf"})
    await b.next("message:send")
    await b.send("language:change", language="python")
    await a.next("language:change")
    await a.send("bogus")
    await a.next("error")
    missing = await in_game(server, alice, "f" * 24)
    await missing.next("game:nonexistent")
    for socket in (host, guest):
        keeps_to_the_document("/ws", socket.seen)
    for socket in (a, b, missing):
        keeps_to_the_document("/ws/game/{gameId}", socket.seen)
    for socket in (host, guest, a, b, missing):
        await socket.close()
