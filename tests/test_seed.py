"""``codincod seed`` through the real CLI on a fresh database, then a real server on it: every
demo puzzle's reference solution passes its validators on the embedded runner, the accounts
log in with the passwords printed once, the console's queues and replay have something, and
running it again adds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import ServerProcess, client, run_cli, server_env


@pytest.fixture(scope="module")
def seeded(fresh_database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = tmp_path_factory.mktemp("seed-data")
    env = server_env(data, fresh_database("seed"))
    assert run_cli(["db", "upgrade"], env).returncode == 0
    first = run_cli(["seed"], env, timeout=300)
    assert first.returncode == 0, first.stderr
    server = ServerProcess(env, tmp_path_factory.mktemp("seed-logs") / "server.log")
    server.start()
    yield env, first.stdout, server
    server.stop()


def test_seeding_twice_adds_nothing(seeded: Any) -> None:
    env, said, _server = seeded
    passwords = dict(re.findall(r"account (\w+) +password (\S+)", said))
    assert set(passwords) == {"demo_admin", "demo_moderator", "demo_player", "demo_rowdy"}
    before = run_cli(["checksum"], env).stdout
    again = run_cli(["seed"], env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "password" not in again.stdout and again.stdout.count("was there already") == 4
    assert "0 puzzles added" in again.stdout
    assert run_cli(["checksum"], env).stdout == before


async def test_a_seeded_instance_is_playable(seeded: Any) -> None:
    _env, said, server = seeded
    passwords = dict(re.findall(r"account (\w+) +password (\S+)", said))
    async with client(server.url) as http:
        listed = (await http.get("/api/v1/puzzle?pageSize=50")).json()
        assert listed["totalItems"] >= 12
        assert len({p["difficulty"] for p in listed["items"]}) >= 3
        login = await http.post(
            "/api/v1/login",
            json={"identifier": "demo_player", "password": passwords["demo_player"]},
        )
        assert login.status_code == 200, login.text
        headers = {"Cookie": f"token={login.cookies['token']}"}
        admin = await http.post(
            "/api/v1/login",
            json={"identifier": "demo_admin", "password": passwords["demo_admin"]},
        )
        author = {"Cookie": f"token={admin.cookies['token']}"}
        languages = (await http.get("/api/v1/programming-language")).json()["languages"]
        python = next(item["_id"] for item in languages if item["language"] == "python")
        for item in listed["items"]:
            page = (await http.get(f"/api/v1/puzzle/{item['_id']}")).json()
            assert len(page["validators"]) >= 10
            shown = await http.get(f"/api/v1/puzzle/{item['_id']}/solution", headers=author)
            solution = shown.json()["solution"]["code"]
            run = {"puzzleId": item["_id"], "programmingLanguage": python, "code": solution}
            async with client(server.url) as each:  # submissions are limited per address
                judged = await each.post("/api/v1/submission", json=run, headers=headers)
            assert judged.status_code == 201, judged.text
            assert judged.json()["result"]["result"] == "success", item["title"]


async def test_the_console_has_queues_and_a_replay(seeded: Any) -> None:
    _env, said, server = seeded
    passwords = dict(re.findall(r"account (\w+) +password (\S+)", said))
    async with client(server.url) as http:
        login = await http.post(
            "/api/v1/login",
            json={"identifier": "demo_moderator", "password": passwords["demo_moderator"]},
        )
        headers = {"Cookie": f"token={login.cookies['token']}"}
        review = await http.get("/api/v1/moderation/review?type=pending_puzzle", headers=headers)
        assert review.json()["pagination"]["total"] >= 1
        for kind in ("comment", "game_chat"):
            reports = await http.get(
                f"/api/v1/moderation/review?type=reported_{kind}", headers=headers
            )
            assert reports.json()["pagination"]["total"] >= 1, kind
        games = await http.get("/api/v1/admin/games?status=finished", headers=headers)
        game_id = games.json()["items"][0]["_id"]
        replay = (await http.get(f"/api/v1/admin/games/{game_id}", headers=headers)).json()
        kinds = [event["kind"] for event in replay["events"]]
        assert kinds[0] == "start" and kinds[-1] == "finish" and "chat" in kinds
        assert len(replay["chat"]) == 3 and len(replay["playerSubmissions"]) == 2
