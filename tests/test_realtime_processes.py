"""Rooms and games outlive a server process, and are shared by several: a SIGKILL mid-game
loses nothing, and two processes on one PostgreSQL serve one room and one game together."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Iterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
import websockets

from codincod.games.models import Game, RoomMember
from tests.support import (
    DB_KIND,
    SUM,
    ServerProcess,
    client,
    event_listeners,
    events_heard_again,
    game_with,
    hand_in,
    hosted,
    in_game,
    lobby,
    only_puzzle,
    submit,
    sum_puzzle,
    users,
    with_users,
)

pytestmark = pytest.mark.usefixtures("orm")


@pytest.fixture
def own_server(env: dict[str, str], tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(env, tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def kill(server: ServerProcess) -> None:
    assert server.process is not None
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


async def test_a_crash_and_restart_loses_no_room_game_submission_or_message(
    own_server: ServerProcess,
) -> None:
    server = own_server
    async with client(server.url) as http:
        ((author, _),) = await users(http, "crash_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, alice_id), (bob, bob_id), (carol, carol_id), (dave, _) = await users(
            http, "crash", 4
        )
        a, b = await lobby(server, alice), await lobby(server, bob)
        room = await hosted(a)
        await b.send("room:join", roomId=room["roomId"])
        await a.next("room:overview", with_users(2))

        async with only_puzzle(puzzle_id):
            game_id = await game_with(server, [carol, dave], maxGameDurationInSeconds=600)
        c = await in_game(server, carol, game_id)
        await c.next("game:overview", lambda f: "puzzle" in f)
        for n in range(3):
            await c.send("message:send", chatMessage={"message": f"before the crash {n}"})
            await c.next("message:send")
        handed = await submit(http, carol, puzzle_id, SUM)
        assert (await hand_in(http, carol, game_id, handed)).status_code == 201

        kill(server)
        server.start()

        # The lobby: the frontend rejoins from ?roomId; both keep their places, host included.
        a, b = await lobby(server, alice), await lobby(server, bob)
        await a.send("room:join", roomId=room["roomId"])
        await b.send("room:join", roomId=room["roomId"])
        back = (await a.next("room:overview", with_users(2)))["room"]
        assert [u["userId"] for u in back["users"]] == [alice_id, bob_id]
        assert back["owner"] == room["owner"]  # the same member, joined at the same time

        # The game: still running, with its hand-in and its chat.
        c = await in_game(server, carol, game_id)
        again = await c.next("game:overview", lambda f: "puzzle" in f)
        assert [s["user"]["_id"] for s in again["game"]["playerSubmissions"]] == [carol_id]
        lines = [(await c.next("message:send"))["chatMessage"]["message"] for _ in range(3)]
        assert lines == [f"before the crash {n}" for n in range(3)]
        await c.send("message:send", chatMessage={"message": "after the crash"})
        assert (await c.next("message:send"))["chatMessage"]["message"] == "after the crash"
        assert (await Game.get(id=game_id)).status != "finished"
        for socket in (a, b, c):
            await socket.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="SQLite serves from one process")
async def test_two_processes_share_a_room_and_a_game(
    server: ServerProcess, own_server: ServerProcess
) -> None:
    first, second = server, own_server
    async with client(first.url) as http:
        ((author, _),) = await users(http, "pair_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, alice_id), (bob, bob_id) = await users(http, "pair", 2)
        a, b = await lobby(first, alice), await lobby(second, bob)
        room = await hosted(a)
        await b.next(
            "rooms:overview", lambda f: room["roomId"] in [r["roomId"] for r in f["rooms"]]
        )
        await b.send("room:join", roomId=room["roomId"])
        for socket in (a, b):
            joined = await socket.next("room:overview", with_users(2))
            assert [u["userId"] for u in joined["room"]["users"]] == [alice_id, bob_id]
        await a.send("room:chat-message", roomId=room["roomId"], message="across")
        assert (await b.next("room:chat-message"))["message"] == "across"

        async with only_puzzle(puzzle_id):
            await a.send("game:start", roomId=room["roomId"])
            urls = {(await s.next("game:start"))["gameUrl"] for s in (a, b)}
        assert len(urls) == 1
        game_id = urls.pop().rsplit("/", 1)[1]
        started = await Game.get(id=game_id)  # a quick game: over two seconds after its start
        await Game.filter(id=game_id).update(end_time=started.start_time + timedelta(seconds=2))

        ga, gb = await in_game(first, alice, game_id), await in_game(second, bob, game_id)
        for socket in (ga, gb):
            await socket.next("game:overview", lambda f: "puzzle" in f)
        await gb.send("message:send", chatMessage={"message": "hello from the other process"})
        for socket in (ga, gb):
            line = (await socket.next("message:send"))["chatMessage"]
            assert (line["username"], line["message"]) == ("pair1", "hello from the other process")
        await ga.send("language:change", language="python")
        assert (await gb.next("language:change"))["username"] == "pair0"

        right = await submit(http, alice, puzzle_id, SUM)
        assert (await hand_in(http, alice, game_id, right)).status_code == 201
        seen = await gb.next("game:overview", lambda f: len(f["game"]["playerSubmissions"]) == 1)
        assert seen["game"]["playerSubmissions"][0]["user"]["_id"] == alice_id
        async with client(second.url) as other:
            wrong = await submit(other, bob, puzzle_id, "print(0)")
            assert (await hand_in(other, bob, game_id, wrong)).status_code == 201
        await ga.next("game:overview", lambda f: len(f["game"]["playerSubmissions"]) == 2)

        for socket in (ga, gb):  # both processes sweep; one ends the game, both tell theirs
            await socket.next("game:finished", timeout=20)
        board = (await http.get("/api/v1/leaderboard/fastest?pageSize=100")).json()
        played = {e["userId"]: e["gamesPlayed"] for e in board["entries"]}
        assert (played[alice_id], played[bob_id]) == (1, 1)  # rated once, not once per process
        for socket in (a, b, ga, gb):
            await socket.close()


async def test_the_server_stops_promptly_with_sockets_open(own_server: ServerProcess) -> None:
    async with client(own_server.url) as http:
        ((author, _),) = await users(http, "stop_author", 1)
        await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "stop", 2)
    game_id = await game_with(own_server, [alice, bob])
    sockets = [await lobby(own_server, alice), await in_game(own_server, bob, game_id)]
    await sockets[1].next("game:overview", lambda f: "puzzle" in f)
    await sockets[1].send("message:send", chatMessage={"message": "before the restart"})
    await sockets[1].next("message:send")
    room = await hosted(sockets[0])
    assert own_server.process is not None
    os.killpg(own_server.process.pid, signal.SIGTERM)
    own_server.process.wait(timeout=10)  # not hanging on the sockets' leftover work
    for socket in sockets:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await socket.ws.recv()
        assert closed.value.rcvd is None or closed.value.rcvd.code != 1008  # they reconnect
    # Going down is not leaving: the host keeps the room for when the server is back.
    assert await RoomMember.filter(room_id=room["roomId"]).count() == 1
    own_server.start()
    back = await in_game(own_server, bob, game_id)  # the page reconnects: it has the chat
    await back.next("game:overview", lambda f: "puzzle" in f)
    await back.nothing("message:send", 0.5)
    await back.close()


async def _deaf_while(admin: asyncpg.Connection, deaf: ServerProcess, action: Awaitable) -> None:
    """``deaf`` loses its event connection (every new one dropped too, for 0.8 s) while
    ``action`` runs elsewhere; returns once it listens again."""
    killed: list[int] = []
    for attempt in range(8):
        pids = await event_listeners(admin, deaf)
        await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid", pids)
        killed += pids
        if attempt == 0:  # the backend is gone in a moment; a new one comes in 0.2 s
            await asyncio.sleep(0.03)
            await action
        await asyncio.sleep(0.1)
    await events_heard_again(admin, deaf, killed)


@pytest.mark.skipif(DB_KIND != "postgres", reason="the bus crosses PostgreSQL")
async def test_a_lobby_that_lost_its_events_hears_of_its_room_and_of_the_game_it_started(
    server: ServerProcess, own_server: ServerProcess, database_url: str
) -> None:
    async with client(server.url) as http:
        ((author, _),) = await users(http, "deaf_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, _), (bob, _), (carol, _) = await users(http, "deaf", 3)
    a, b = await lobby(own_server, alice), await lobby(server, bob)
    room = await hosted(a)
    await b.send("room:join", roomId=room["roomId"])
    await b.next("room:overview", with_users(2))
    admin = await asyncpg.connect(database_url)
    try:
        c = await lobby(own_server, carol)
        await _deaf_while(admin, server, c.send("room:join", roomId=room["roomId"]))
        await b.next("room:overview", with_users(3))
        async with only_puzzle(puzzle_id):
            await _deaf_while(admin, server, a.send("game:start", roomId=room["roomId"]))
            url = (await a.next("game:start"))["gameUrl"]
            assert (await b.next("game:start"))["gameUrl"] == url
    finally:
        await admin.close()
    for socket in (a, b, c):
        await socket.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="the bus crosses PostgreSQL")
async def test_a_process_that_lost_its_events_tells_its_sockets_what_they_missed(
    server: ServerProcess, own_server: ServerProcess, database_url: str
) -> None:
    """One process's event connection drops (again and again) while the other's players
    talk: once it listens again its players get each line they missed, once, and then hear
    the others live; the process that sent while its own connection was down sends then."""
    async with client(server.url) as http:
        ((author, _),) = await users(http, "drop_author", 1)
        await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "drop", 2)
    game_id = await game_with(server, [alice, bob], maxGameDurationInSeconds=600)
    here, there = await in_game(server, alice, game_id), await in_game(own_server, bob, game_id)
    for socket in (here, there):
        await socket.next("game:overview", lambda f: "puzzle" in f)
    admin = await asyncpg.connect(database_url)
    try:
        for deaf, speaker, hearer in ((server, there, here), (own_server, here, there)):
            said = speaker.send("message:send", chatMessage={"message": "missed"})
            await _deaf_while(admin, deaf, said)
            line = (await hearer.next("message:send", timeout=5))["chatMessage"]
            assert line["message"] == "missed"
            await hearer.nothing("message:send", 0.5)  # once
            await speaker.send("message:send", chatMessage={"message": "live again"})
            line = (await hearer.next("message:send", timeout=5))["chatMessage"]
            assert line["message"] == "live again"
            await speaker.next(
                "message:send", lambda f: f["chatMessage"]["message"] == "live again"
            )
            await speaker.next("message:send", lambda f: f["chatMessage"]["message"] == "missed")
    finally:
        await admin.close()
    for socket in (here, there):
        await socket.close()
