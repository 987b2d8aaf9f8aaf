"""Languages, execute, submissions and the puzzle self-check over real HTTP: on a server whose
code runs on the Piston peer, and on the default server with the embedded runner."""

from __future__ import annotations

import shutil
from datetime import timedelta

import httpx
import pytest

from codincod.execution.models import ProgrammingLanguage
from codincod.games.models import Game, GamePlayer, GameSubmission
from codincod.puzzles.models import Puzzle
from codincod.submissions.models import Submission
from codincod.timeutil import utcnow
from tests.pistonpeer import PistonPeer
from tests.support import (
    SUM,
    ServerProcess,
    auth,
    client,
    free_port,
    make_moderator,
    python_id,
    register,
    sum_puzzle,
)

pytestmark = pytest.mark.usefixtures("orm")


# --- languages ----------------------------------------------------------------------------------


async def test_languages_come_from_the_runtimes(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        listed = (await http.get("/api/v1/programming-language")).json()["languages"]
        names = [item["language"] for item in listed]
        assert "python" in names and names == sorted(names)
        if shutil.which("gcc"):
            assert "c" in names
        python = next(item for item in listed if item["language"] == "python")
        assert set(python) >= {"_id", "language", "version", "aliases"}
        one = await http.get(f"/api/v1/programming-language/{python['_id']}")
        assert one.json() == python
        for missing in ("0" * 24, "not-an-id"):
            response = await http.get(f"/api/v1/programming-language/{missing}")
            assert response.status_code == 404
            assert response.json()["error"] == "Programming language not found"


async def test_uninstalled_languages_are_not_listed(piston_server: ServerProcess) -> None:
    await ProgrammingLanguage.get_or_create(language="brainfuck", version="2.7.3")
    async with client(piston_server.url) as http:
        listed = (await http.get("/api/v1/programming-language")).json()["languages"]
    assert "brainfuck" not in [item["language"] for item in listed]


def test_languages_sync_command(env: dict[str, str], piston_peer: PistonPeer) -> None:
    from tests.support import run_cli

    synced = run_cli(["languages", "sync"], {**env, "CODINCOD_PISTON_URL": piston_peer.url})
    assert synced.returncode == 0, synced.stderr
    assert "languages:" in synced.stdout and "unchanged" in synced.stdout
    listed = run_cli(["languages", "list"], env)
    assert "python" in listed.stdout
    down = run_cli(["languages", "sync"], {**env, "CODINCOD_PISTON_URL": "http://127.0.0.1:9"})
    assert down.returncode == 1 and "Unable to reach" in down.stderr


# --- execute ------------------------------------------------------------------------------------


async def test_execute_runs_one_test(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        token = await register(http, "ex_runner")
        body = {"code": SUM, "language": "python", "testInput": "2 3", "testOutput": "5"}
        # The play page sends its JSON as text/plain.
        response = await http.post(
            "/api/v1/execute",
            content=httpx.Request("POST", "/", json=body).content,
            headers={**auth(token), "Content-Type": "text/plain;charset=UTF-8"},
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["run"]["stdout"] == "5\n"
        assert {"stdout", "stderr", "output", "code", "signal"} <= set(result["run"])
        assert result["puzzleResultInformation"] == {
            "result": "success",
            "successRate": 1,
            "passed": 1,
            "failed": 0,
            "total": 1,
        }
        wrong = await http.post(
            "/api/v1/execute", json={**body, "testOutput": "6"}, headers=auth(token)
        )
        assert wrong.json()["puzzleResultInformation"]["result"] == "error"
        crash = await http.post(
            "/api/v1/execute",
            json={**body, "code": "print(", "testOutput": ""},
            headers=auth(token),
        )
        assert crash.json()["puzzleResultInformation"]["result"] == "error"
        assert "SyntaxError" in crash.json()["run"]["stderr"]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="the C runtime needs gcc")
async def test_execute_reports_compile_errors(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        token = await register(http, "ex_compiler")
        response = await http.post(
            "/api/v1/execute",
            json={"code": "int main() { return 0 }", "language": "c"},
            headers=auth(token),
        )
        assert response.status_code == 200, response.text
        assert response.json()["compile"]["code"] != 0
        assert "error" in response.json()["run"]["stderr"]
        assert response.json()["puzzleResultInformation"]["result"] == "error"


async def test_execute_refuses_what_it_cannot_do(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        anonymous = await http.post("/api/v1/execute", json={"code": "1", "language": "python"})
        assert anonymous.status_code == 401
        token = await register(http, "ex_refused")
        cases = [
            ({"code": "1", "language": "cobol"}, 400, "Unsupported language"),
            ({"code": "", "language": "python"}, 400, "Validation Error"),
            ({"code": 5, "language": "python"}, 400, "Validation Error"),
            ({"language": "python"}, 400, "Validation Error"),
            ({"code": "x" * 70_000, "language": "python"}, 400, "Validation Error"),
        ]
        for body, status, error in cases:
            response = await http.post("/api/v1/execute", json=body, headers=auth(token))
            assert (response.status_code, response.json()["error"]) == (status, error), body
        garbage = await http.post("/api/v1/execute", content=b"{nope", headers=auth(token))
        assert garbage.status_code == 400


async def test_abusive_code_gets_a_verdict(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        token = await register(http, "ex_abuser")
        for code, status in [
            ("while True: pass", "TO"),
            ("print('x' * 10_000_000)", "OL"),
            ("x = bytearray(4 * 1024 ** 3)", "RE"),
        ]:
            response = await http.post(
                "/api/v1/execute", json={"code": code, "language": "python"}, headers=auth(token)
            )
            assert response.status_code == 200, response.text
            assert response.json()["run"]["status"] == status, code
            assert response.json()["puzzleResultInformation"]["result"] == "error"


@pytest.mark.parametrize("mode", ["error500", "garbage", "slow"])
async def test_execute_when_piston_misbehaves(
    piston_server: ServerProcess, peer: PistonPeer, mode: str
) -> None:
    async with client(piston_server.url) as http:
        token = await register(http, f"ex_{mode}")
        peer.behave(mode, delay=5 if mode == "slow" else 0)
        response = await http.post(
            "/api/v1/execute", json={"code": "print(1)", "language": "python"}, headers=auth(token)
        )
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "Service unavailable"
        assert response.json()["message"]


async def test_execute_rate_limit(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        token = await register(http, "ex_limited")
        body = {"code": "print(1)", "language": "python"}
        statuses = [
            (await http.post("/api/v1/execute", json=body, headers=auth(token))).status_code
            for _ in range(31)
        ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


async def test_a_server_whose_piston_is_down(env: dict[str, str], tmp_path) -> None:
    down = {"CODINCOD_PISTON_URL": f"http://127.0.0.1:{free_port()}"}
    process = ServerProcess({**env, **down}, tmp_path / "down.log")
    process.start()
    try:
        async with client(process.url) as http:
            languages = await http.get("/api/v1/programming-language")
            assert languages.status_code == 503
            token = await register(http, "ex_nopiston")
            response = await http.post(
                "/api/v1/execute", json={"code": "1", "language": "python"}, headers=auth(token)
            )
            assert response.status_code == 503
            assert "Unable to reach" in response.json()["message"]
    finally:
        process.stop()
    assert "languages not synced" in process.log()


# --- submissions --------------------------------------------------------------------------------


async def test_submission_judges_every_validator(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        author = await register(http, "sub_author")
        player = await register(http, "sub_player")
        player_id = (await http.get("/api/v1/user/me", headers=auth(player))).json()["userId"]
        puzzle_id = await sum_puzzle(http, author)
        language = await python_id(http)
        body = {
            "puzzleId": puzzle_id,
            "programmingLanguage": language,  # the frontend's key
            "code": SUM,
            "userId": "0" * 24,  # never trusted
        }
        response = await http.post(
            "/api/v1/submission",
            content=httpx.Request("POST", "/", json=body).content,
            headers={**auth(player), "Content-Type": "text/plain;charset=UTF-8"},
        )
        assert response.status_code == 201, response.text
        result = response.json()
        assert result["_id"] == result["submissionId"]
        assert result["user"] == result["userId"] == player_id
        assert result["puzzle"] == result["puzzleId"] == puzzle_id
        assert result["programmingLanguageId"] == language
        assert result["programmingLanguage"]["_id"] == language
        assert result["result"] == {
            "result": "success",
            "successRate": 1,
            "passed": 10,
            "failed": 0,
            "total": 10,
        }
        assert result["codeLength"] == len(SUM)
        assert result["createdAt"].endswith("Z")
        assert "exec;dur=" in response.headers["server-timing"]

        half = "n = sum(map(int, input().split()))\nprint(n if n < 10 else -1)"
        partial = await http.post(
            "/api/v1/submission",
            json={"puzzleId": puzzle_id, "programmingLanguageId": language, "code": half},
            headers=auth(player),
        )
        assert partial.status_code == 201
        assert partial.json()["result"]["result"] == "error"
        assert partial.json()["result"]["passed"] == 5
        assert partial.json()["result"]["successRate"] == 0.5

    stored = await Submission.get(id=result["_id"])
    assert stored.user_id == player_id and stored.code_length == len(SUM)  # type: ignore[attr-defined]
    assert (stored.passed, stored.total, stored.result) == (10, 10, "success")


async def test_submission_refusals(piston_server: ServerProcess, peer: PistonPeer) -> None:
    async with client(piston_server.url) as http:
        author = await register(http, "subr_author")
        player = await register(http, "subr_player")
        puzzle_id = await sum_puzzle(http, author)
        draft_id = await sum_puzzle(http, author, approve=False)
        empty = await http.post("/api/v1/puzzle", json={"title": "Empty"}, headers=auth(author))
        empty_id = empty.json()["_id"]
        language = await python_id(http)
        good = {"puzzleId": puzzle_id, "programmingLanguage": language, "code": SUM}
        anonymous = await http.post("/api/v1/submission", json=good)
        assert anonymous.status_code == 401
        cases = [
            ({**good, "puzzleId": "0" * 24}, 404),
            ({**good, "puzzleId": draft_id}, 404),  # another author's draft
            ({**good, "puzzleId": "zz"}, 400),
            ({**good, "programmingLanguage": "0" * 24}, 400),
            ({"puzzleId": puzzle_id, "code": SUM}, 400),
            ({**good, "code": 5}, 400),
        ]
        for body, status in cases:
            response = await http.post("/api/v1/submission", json=body, headers=auth(player))
            assert response.status_code == status, (body, response.text)
            assert response.json()["error"]
        mine = await http.post(
            "/api/v1/submission", json={**good, "puzzleId": empty_id}, headers=auth(author)
        )
        assert mine.status_code == 400 and "validators" in mine.json()["message"]
        # The author may run their own draft.
        own = await http.post(
            "/api/v1/submission", json={**good, "puzzleId": draft_id}, headers=auth(author)
        )
        assert own.status_code == 201

        before = await Submission.filter(puzzle_id=puzzle_id).count()
        peer.behave("error500")
        failed = await http.post("/api/v1/submission", json=good, headers=auth(player))
        assert failed.status_code == 503
        assert await Submission.filter(puzzle_id=puzzle_id).count() == before


async def test_submission_code_visibility(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        author = await register(http, "vis_author")
        owner = await register(http, "vis_owner")
        rival = await register(http, "vis_rival")
        stranger = await register(http, "vis_stranger")
        mod = await register(http, "vis_mod")
        await make_moderator("vis_mod")
        puzzle_id = await sum_puzzle(http, author)
        language = await python_id(http)
        made = await http.post(
            "/api/v1/submission",
            json={"puzzleId": puzzle_id, "programmingLanguage": language, "code": SUM},
            headers=auth(owner),
        )
        submission_id = made.json()["_id"]

        async def sees_code(token: str) -> bool:
            response = await http.get(f"/api/v1/submission/{submission_id}", headers=auth(token))
            assert response.status_code == 200, response.text
            assert response.json()["programmingLanguage"]["language"] == "python"
            assert response.json()["result"]["result"] == "success"
            return "code" in response.json()

        assert await sees_code(owner) and await sees_code(mod)
        assert not await sees_code(stranger) and not await sees_code(rival)

        ids = {}
        for name in ("vis_owner", "vis_rival"):
            me = await http.get(
                "/api/v1/user/me", headers=auth(owner if name == "vis_owner" else rival)
            )
            ids[name] = me.json()["userId"]
        now = utcnow()
        game = await Game.create(
            owner_id=ids["vis_owner"],
            puzzle_id=puzzle_id,
            start_time=now - timedelta(minutes=5),
            end_time=now + timedelta(minutes=5),
        )
        for position, user_id in enumerate(ids.values()):
            await GamePlayer.create(game_id=game.id, user_id=user_id, position=position)
        await GameSubmission.create(
            game_id=game.id, user_id=ids["vis_owner"], submission_id=submission_id
        )
        assert not await sees_code(rival)  # the game is still on
        await Game.filter(id=game.id).update(status="finished")
        assert await sees_code(rival)
        assert not await sees_code(stranger)

        for missing in ("0" * 24, "nope"):
            response = await http.get(f"/api/v1/submission/{missing}", headers=auth(owner))
            assert response.status_code == 404
        assert (await http.get(f"/api/v1/submission/{submission_id}")).status_code == 401


# --- the self-check -----------------------------------------------------------------------------


async def test_self_check_moves_a_passing_puzzle_to_ready(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        author = await register(http, "sc_author")
        puzzle_id = await sum_puzzle(http, author, approve=False)
        response = await http.put(
            f"/api/v1/puzzle/{puzzle_id}",
            json={"visibility": "review", "statement": "Add them."},
            headers=auth(author),
        )
        assert response.status_code == 200, response.text
        assert response.json()["selfCheck"] == {"passed": True}
        stored = await Puzzle.get(id=puzzle_id)
        assert stored.visibility == "ready" and stored.statement == "Add them."


async def test_self_check_keeps_a_failing_puzzle_a_draft(piston_server: ServerProcess) -> None:
    async with client(piston_server.url) as http:
        author = await register(http, "sc_failer")
        puzzle_id = await sum_puzzle(http, author, approve=False)
        language = await python_id(http)
        wrong = "a, b = map(int, input().split())\nprint(a + b if a % 2 else a * b)"
        response = await http.put(
            f"/api/v1/puzzle/{puzzle_id}",
            json={
                "visibility": "review",
                "title": "Sum, edited",
                "solution": {"code": wrong, "programmingLanguage": language},
            },
            headers=auth(author),
        )
        assert response.status_code == 200, response.text
        report = response.json()["selfCheck"]
        assert report["passed"] is False
        assert "5 validators" in report["reason"]
        assert [item["index"] for item in report["failedValidators"]] == [0, 2, 4, 6, 8]
        assert report["failedValidators"][0]["reason"] == "wrong output"
        assert response.json()["visibility"] == "draft"
        stored = await Puzzle.get(id=puzzle_id)
        assert (stored.visibility, stored.title) == ("draft", "Sum, edited")  # edits kept

        nothing = await http.post("/api/v1/puzzle", json={"title": "Bare"}, headers=auth(author))
        bare = await http.put(
            f"/api/v1/puzzle/{nothing.json()['_id']}",
            json={"visibility": "ready"},
            headers=auth(author),
        )
        assert bare.json()["selfCheck"]["passed"] is False
        assert "validators" in bare.json()["selfCheck"]["reason"]
        assert bare.json()["visibility"] == "draft"


# --- the embedded runner ------------------------------------------------------------------------


async def test_the_default_server_runs_python_itself(server: ServerProcess) -> None:
    async with client(server.url) as http:
        listed = (await http.get("/api/v1/programming-language")).json()["languages"]
        assert [item["language"] for item in listed] == ["python"]
        token = await register(http, "local_runner")
        ok = await http.post(
            "/api/v1/execute",
            json={"code": SUM, "language": "python", "testInput": "4 5", "testOutput": "9"},
            headers=auth(token),
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["puzzleResultInformation"]["result"] == "success"
        for code, status in [
            ("while True: pass", "TO"),
            ("import os\nwhile True: os.fork()", None),
            ("print('x' * 10_000_000)", "OL"),
        ]:
            response = await http.post(
                "/api/v1/execute", json={"code": code, "language": "python"}, headers=auth(token)
            )
            assert response.status_code == 200, response.text
            assert response.json()["puzzleResultInformation"]["result"] == "error"
            if status:
                assert response.json()["run"]["status"] == status
        puzzle_id = await sum_puzzle(http, token)
        submitted = await http.post(
            "/api/v1/submission",
            json={"puzzleId": puzzle_id, "programmingLanguage": listed[0]["_id"], "code": SUM},
            headers=auth(token),
        )
        assert submitted.status_code == 201, submitted.text
        assert submitted.json()["result"]["successRate"] == 1
        other = await http.post(
            "/api/v1/execute", json={"code": "1", "language": "c"}, headers=auth(token)
        )
        assert other.status_code == 400


async def test_sync_keeps_existing_languages_and_their_ids(peer: PistonPeer) -> None:
    """Piston upgrades Python and renames an alias: the old row stays (submissions point at
    it), the new version gets its own row, and the changed aliases are taken over."""
    from dataclasses import replace

    from codincod.execution import languages
    from codincod.execution.piston import PistonExecutor

    original = list(peer.runtimes)
    python = next(runtime for runtime in original if runtime.language == "python")
    before = await ProgrammingLanguage.get_or_none(language="python", version=python.version)
    executor = PistonExecutor(peer.url)
    try:
        await languages.sync(executor)
        kept = await ProgrammingLanguage.get(language="python", version=python.version)
        assert before is None or before.id == kept.id
        newer = replace(python, version="99.0.1", aliases=["py", "snake"])
        peer.runtimes[:] = [replace(python, aliases=["py"]), newer]
        await executor.close()
        executor = PistonExecutor(peer.url)  # a fresh runtime list
        report = await languages.sync(executor)
        assert (report.added, report.updated) == (1, 1)
        again = await ProgrammingLanguage.get(id=kept.id)
        assert (again.version, again.aliases) == (python.version, ["py"])
        listed = await languages.installed(executor)
        assert [(row.language, row.version) for row in listed][:2] == [
            ("python", "99.0.1"),
            ("python", python.version),
        ]
    finally:
        peer.runtimes[:] = original
        await executor.close()
        await ProgrammingLanguage.filter(version="99.0.1").delete()
        await ProgrammingLanguage.filter(id=kept.id).update(aliases=list(python.aliases))
