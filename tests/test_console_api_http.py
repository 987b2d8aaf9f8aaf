"""What the moderator console stands on, over a real server: read-only sessions that the
server enforces whatever the client, claims between moderators, and a report's evidence with
the escalation rule's consequence."""

from __future__ import annotations

import pytest

from codincod.accounts.models import UserBan
from codincod.puzzles.models import Puzzle
from tests.actors import bearer, moderator, player
from tests.sockets import Socket
from tests.support import ServerProcess, client, fresh_address, run_cli

pytestmark = pytest.mark.usefixtures("orm")
CLAIM = "/api/v1/moderation/claim"
PASSWORD = "a long password!!"
REASON = "Breaking the rules of the site"


async def _login(http, name: str, **extra) -> str:
    got = await http.post(
        "/api/v1/login",
        json={"identifier": name, "password": PASSWORD, **extra},
        headers={"X-Forwarded-For": fresh_address()},
    )
    assert got.status_code == 200, got.text
    http.cookies.clear()
    return got.cookies.get("token") or got.headers["set-cookie"].split(";")[0].split("=", 1)[1]


async def test_a_read_only_session_changes_nothing_whatever_the_client(
    server: ServerProcess, env: dict[str, str]
) -> None:
    async with client(server.url) as http:
        _, mod_id = await moderator(http, "ro_mod")
        _, target = await player(http, "ro_target")
        read_only = await _login(http, "ro_mod", scope="read")
        assert (await http.get("/api/v1/moderation/review", headers=bearer(read_only))).is_success
        assert (await http.get("/api/v1/admin/stats", headers=bearer(read_only))).is_success
        writes = [
            ("POST", f"/api/v1/moderation/user/{target}/ban/permanent", {"reason": REASON}),
            ("POST", "/api/v1/puzzle", {"title": "A puzzle of mine"}),
            ("PATCH", "/api/v1/account/preferences", {"editor": {}}),
            ("POST", "/api/v1/moderation/claim", {"type": "puzzle", "id": "0" * 24}),
            ("DELETE", "/api/v1/account/preferences", None),
        ]
        for method, path, body in writes:
            got = await http.request(method, path, json=body, headers=bearer(read_only))
            assert got.status_code == 403 and got.json()["error"] == "read-only session", path
        lobby = await Socket.open(server.url, "/ws", read_only)
        await lobby.next("rooms:overview")
        await lobby.send("room:host")
        refused = await lobby.next("error")
        assert "read-only" in refused["message"]
        await lobby.close()
        # A token printed by the command line for a dashboard: read-only, for 30 days.
        made = run_cli(["user", "token", "ro_mod", "--readonly", "--days", "30"], env)
        assert made.returncode == 0, made.stderr
        printed = made.stdout.strip()
        assert (await http.get("/api/v1/user/me", headers=bearer(printed))).json()[
            "userId"
        ] == mod_id
        got = await http.post("/api/v1/puzzle", json={"title": "x" * 8}, headers=bearer(printed))
        assert got.status_code == 403
        too_long = run_cli(["user", "token", "ro_mod", "--readonly", "--days", "400"], env)
        assert too_long.returncode != 0 and "days" in too_long.stderr
        # A full session exchanges itself for a read-only one; logging out still works.
        full = await _login(http, "ro_mod")
        exchanged = await http.get("/api/v1/token/read-only", headers=bearer(full))
        swapped = exchanged.json()["token"]
        got = await http.post("/api/v1/puzzle", json={"title": "y" * 8}, headers=bearer(swapped))
        assert got.status_code == 403
        assert (await http.post("/api/v1/logout", headers=bearer(swapped))).status_code == 200
        assert (await http.get("/api/v1/user/me", headers=bearer(swapped))).status_code == 401


async def _pending_puzzle(http, author: str) -> str:
    made = await http.post(
        "/api/v1/puzzle", json={"title": "Claim me please"}, headers=bearer(author)
    )
    puzzle = made.json()["_id"]

    await Puzzle.filter(id=puzzle).update(visibility="ready")
    return puzzle


async def test_two_moderators_never_decide_the_same_item(server: ServerProcess) -> None:
    async with client(server.url) as http:
        first, first_id = await moderator(http, "claim_first")
        second, _ = await moderator(http, "claim_second")
        author, _ = await player(http, "claim_author")
        puzzle = await _pending_puzzle(http, author)
        held = await http.post(
            "/api/v1/moderation/claim", json={"type": "puzzle", "id": puzzle}, headers=bearer(first)
        )
        assert held.status_code == 200, held.text
        assert held.json()["holder"] == {"_id": first_id, "username": "claim_first"}
        again = await http.post(
            "/api/v1/moderation/claim",
            json={"type": "pending_puzzle", "id": puzzle},
            headers=bearer(first),
        )
        assert again.status_code == 200  # renewed
        taken = await http.post(
            "/api/v1/moderation/claim",
            json={"type": "puzzle", "id": puzzle},
            headers=bearer(second),
        )
        assert taken.status_code == 409 and taken.json()["holder"]["username"] == "claim_first"
        queue = await http.get("/api/v1/moderation/review?limit=100", headers=bearer(second))
        row = next(item for item in queue.json()["data"] if item["id"] == puzzle)
        assert row["claimedBy"] == {"_id": first_id, "username": "claim_first"}
        refused = await http.post(
            f"/api/v1/moderation/puzzle/{puzzle}/approve", headers=bearer(second)
        )
        assert refused.status_code == 409 and "claim_first" in refused.json()["message"]
        released = await http.delete(
            f"/api/v1/moderation/claim/puzzle/{puzzle}", headers=bearer(first)
        )
        assert released.status_code == 200
        approved = await http.post(
            f"/api/v1/moderation/puzzle/{puzzle}/approve", headers=bearer(second)
        )
        assert approved.status_code == 200, approved.text
        bad = await http.post(
            "/api/v1/moderation/claim", json={"type": "chess", "id": puzzle}, headers=bearer(first)
        )
        assert bad.status_code == 400
        gone = await http.post(
            "/api/v1/moderation/claim",
            json={"type": "report", "id": "0" * 24},
            headers=bearer(first),
        )
        assert gone.status_code == 404


async def test_a_reports_evidence_says_what_upholding_it_does(server: ServerProcess) -> None:
    async with client(server.url) as http:
        mod, _ = await moderator(http, "ev_mod")
        _, offender = await player(http, "ev_offender")
        reports = []
        for n in range(5):
            reporter, _ = await player(http, f"ev_rep{n}")
            made = await http.post(
                "/api/v1/report",
                json={
                    "problematicIdentifier": offender,
                    "problemType": "user",
                    "explanation": "Insulting other players in every game chat.",
                },
                headers=bearer(reporter) | {"X-Forwarded-For": fresh_address()},
            )
            reports.append(made.json()["_id"])
        texts = []
        for report in reports:
            evidence = await http.get(
                f"/api/v1/moderation/report/{report}/evidence", headers=bearer(mod)
            )
            body = evidence.json()
            assert body["user"]["username"] == "ev_offender"
            texts.append(body["consequence"]["text"])
            await http.post(
                f"/api/v1/moderation/report/{report}/resolve",
                json={"status": "resolved"},
                headers=bearer(mod),
            )
        assert texts == [
            "1st upheld report: no new ban",
            "2nd upheld report: no new ban",
            "3rd upheld report: 1-day ban",
            "4th upheld report: no new ban",
            "5th upheld report: 3-day ban",
        ]
        after = (
            await http.get(f"/api/v1/moderation/report/{reports[-1]}/evidence", headers=bearer(mod))
        ).json()
        assert after["consequence"] is None and after["upheldReports"] == 5
        assert [ban["isActive"] for ban in after["bans"]] == [True, False]


async def test_a_decided_puzzle_is_not_decided_again_without_looking(server: ServerProcess) -> None:
    """One moderator sends a puzzle back; another, on a stale screen, approves it: 409."""
    async with client(server.url) as http:
        first, _ = await moderator(http, "twice_first")
        second, _ = await moderator(http, "twice_second")
        author, _ = await player(http, "twice_author")
        puzzle = await _pending_puzzle(http, author)
        sent_back = await http.post(
            f"/api/v1/moderation/puzzle/{puzzle}/revise",
            json={"reason": "Add validators for negative numbers"},
            headers=bearer(first),
        )
        assert sent_back.status_code == 200, sent_back.text
        stale = await http.post(
            f"/api/v1/moderation/puzzle/{puzzle}/approve", headers=bearer(second)
        )
        assert stale.status_code == 409 and "not waiting for review" in stale.json()["message"]
    assert (await Puzzle.get(id=puzzle)).visibility == "revise"


async def test_an_upheld_report_never_shortens_a_ban_in_force(server: ServerProcess) -> None:
    """A moderator bans for 2 days; the 3rd upheld report (a 1-day step) leaves that ban."""
    async with client(server.url) as http:
        mod, _ = await moderator(http, "short_mod")
        _, offender = await player(http, "short_offender")
        reports = []
        for n in range(3):
            reporter, _ = await player(http, f"short_rep{n}")
            made = await http.post(
                "/api/v1/report",
                json={
                    "problematicIdentifier": offender,
                    "problemType": "user",
                    "explanation": "Insulting other players in every game chat.",
                },
                headers=bearer(reporter) | {"X-Forwarded-For": fresh_address()},
            )
            reports.append(made.json()["_id"])
        await http.post(
            f"/api/v1/moderation/user/{offender}/ban/temporary",
            json={"reason": REASON, "duration": 2},
            headers=bearer(mod),
        )
        for report in reports[:2]:
            await http.post(
                f"/api/v1/moderation/report/{report}/resolve",
                json={"status": "resolved"},
                headers=bearer(mod),
            )
        evidence = await http.get(
            f"/api/v1/moderation/report/{reports[2]}/evidence", headers=bearer(mod)
        )
        assert evidence.json()["consequence"]["text"] == (
            "3rd upheld report: no new ban (the ban in force lasts longer)"
        )
        await http.post(
            f"/api/v1/moderation/report/{reports[2]}/resolve",
            json={"status": "resolved"},
            headers=bearer(mod),
        )
    active = await UserBan.filter(user_id=offender, is_active=True)
    assert len(active) == 1 and active[0].reason == REASON
