"""The admin API and the staff feed over real HTTP and WebSockets: who may call what, the
figures, users and games in depth, migrations, role changes, and backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import websockets

from codincod.accounts.models import User
from codincod.moderation.models import AuditEntry
from tests.sockets import Socket
from tests.support import (
    DB_KIND,
    REASON,
    ServerProcess,
    auth,
    client,
    moderator,
    player,
    report,
    run_cli,
)

pytestmark = pytest.mark.usefixtures("orm")
ROUTES = [
    ("GET", "/api/v1/admin/stats", None),
    ("GET", "/api/v1/admin/users", None),
    ("GET", "/api/v1/admin/users/" + "0" * 24, None),
    ("POST", "/api/v1/admin/users/" + "0" * 24 + "/role", {"role": "moderator"}),
    ("GET", "/api/v1/admin/games", None),
    ("GET", "/api/v1/admin/games/" + "0" * 24, None),
    ("GET", "/api/v1/admin/migrations", None),
    ("POST", "/api/v1/admin/migrations/upgrade", None),
]


async def test_the_admin_api_is_for_staff_and_some_of_it_for_admins(
    server: ServerProcess, env: dict[str, str]
) -> None:
    async with client(server.url) as http:
        plain_user, _ = await player(http, "adm_user")
        mod, mod_id = await moderator(http, "adm_mod")
        for method, path, body in ROUTES:
            assert (await http.request(method, path, json=body)).status_code == 401, path
            refused = await http.request(method, path, json=body, headers=auth(plain_user))
            assert refused.status_code == 403, path
        target, target_id = await player(http, "adm_target")
        role = f"/api/v1/admin/users/{target_id}/role"
        not_admin = await http.post(role, json={"role": "moderator"}, headers=auth(mod))
        assert not_admin.status_code == 403
        upgrade = await http.post("/api/v1/admin/migrations/upgrade", headers=auth(mod))
        assert upgrade.status_code == 403

        refused_cli = run_cli(["user", "set-admin", "adm_user"], env)
        assert refused_cli.returncode != 0 and "not a moderator" in refused_cli.stderr
        made = run_cli(["user", "set-admin", "adm_mod"], env)
        assert made.returncode == 0, made.stderr
        by_hand = await AuditEntry.get(action="set_role", target_id=mod_id)
        assert (by_hand.actor_id, by_hand.details) == (None, {"admin": True})
        promoted = await http.post(
            role, json={"role": "moderator", "reason": "helps a lot"}, headers=auth(mod)
        )
        assert promoted.status_code == 200, promoted.text
        assert (await User.get(id=target_id)).role == "moderator"
        entry = await AuditEntry.get(action="set_role", target_id=target_id)
        assert (entry.actor_name, entry.reason, entry.details["previous"]) == (
            "adm_mod",
            "helps a lot",
            "user",
        )
        applied = await http.post("/api/v1/admin/migrations/upgrade", headers=auth(mod))
        assert applied.status_code == 200 and applied.json()["applied"] == []  # up to date
        migrations = (await http.get("/api/v1/admin/migrations", headers=auth(mod))).json()
        assert migrations["dialect"] == DB_KIND and migrations["pending"] == []
        assert len(migrations["applied"]) >= 8
        del target


async def test_figures_users_and_games(server: ServerProcess) -> None:
    from tests.support import game_with, in_game, sum_puzzle, users

    async with client(server.url) as http:
        mod, _ = await moderator(http, "adf_mod")
        stats = (await http.get("/api/v1/admin/stats", headers=auth(mod))).json()
        assert set(stats) >= {
            "users",
            "puzzles",
            "reportsPending",
            "appealsPending",
            "liveRooms",
            "liveGames",
            "submissionsLastHour",
            "executor",
        }
        assert stats["executor"] == {"kind": "embedded", "healthy": True}

        ((author, _),) = await users(http, "adf_author", 1)
        await sum_puzzle(http, author)
        (alice, alice_id), (bob, bob_id) = await users(http, "adf", 2)
        game_id = await game_with(server, [alice, bob])
        socket = await in_game(server, alice, game_id)
        await socket.next("game:overview", lambda f: "puzzle" in f)
        await socket.send("message:send", chatMessage={"message": "for the record"})
        await socket.next("message:send")
        await socket.close()
        await report(http, bob, "user", alice_id, "a report against alice for a test")
        await http.post(
            f"/api/v1/moderation/user/{alice_id}/ban/temporary",
            json={"duration": 1, "reason": REASON},
            headers=auth(mod),
        )

        listed = await http.get("/api/v1/admin/users?query=adf&banned=true", headers=auth(mod))
        assert [u["username"] for u in listed.json()["items"]] == ["adf0"]
        detail = (await http.get(f"/api/v1/admin/users/{alice_id}", headers=auth(mod))).json()
        assert detail["banned"] is True and len(detail["bans"]) == 1
        assert len(detail["reports"]) == 1 and detail["submissionCount"] == 0

        running = await http.get(
            "/api/v1/admin/games?status=in_progress&pageSize=100", headers=auth(mod)
        )
        assert game_id in [g["_id"] for g in running.json()["items"]]
        finished = await http.get(
            "/api/v1/admin/games?status=finished&pageSize=100", headers=auth(mod)
        )
        assert game_id not in [g["_id"] for g in finished.json()["items"]]
        record = (await http.get(f"/api/v1/admin/games/{game_id}", headers=auth(mod))).json()
        assert {p["_id"] for p in record["players"]} == {alice_id, bob_id}
        assert [c["message"] for c in record["chat"]] == ["for the record"]
        kinds = [e["kind"] for e in record["events"]]
        assert kinds[0] == "start" and "chat" in kinds and "join" in kinds
        times = [e["createdAt"] for e in record["events"]]
        assert times == sorted(times)  # in order: a replay


async def test_the_staff_feed(server: ServerProcess) -> None:
    async with client(server.url) as http:
        user, _ = await player(http, "adw_user")
        mod, _ = await moderator(http, "adw_mod")
        _, target_id = await player(http, "adw_target")
        refused = await Socket.open(server.url, "/ws/admin", user)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await refused.ws.recv()
        assert closed.value.rcvd.code == 1008
        feed = await Socket.open(server.url, "/ws/admin", mod)
        await feed.next("feed:open")
        await report(http, user, "user", target_id, "reported so that the feed hears it")
        filed = await feed.next("report:filed")
        assert len(filed["reportId"]) == 24
        await http.post(
            f"/api/v1/moderation/user/{target_id}/ban/permanent",
            json={"reason": REASON},
            headers=auth(mod),
        )
        assert (await feed.next("user:banned"))["userId"] == target_id
        lobby_socket = await Socket.open(server.url, "/ws", user)
        await lobby_socket.send("room:host")
        created = await feed.next("room:created")
        assert len(created["room"]) == 24
        await lobby_socket.send("room:leave", roomId=created["room"])
        assert (await feed.next("room:closed"))["room"] == created["room"]
        await lobby_socket.close()
        await feed.close()


def test_a_backup_is_a_copy_of_the_database(env: dict[str, str], tmp_path: Path) -> None:
    made = run_cli(["db", "backup"], env)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip().removeprefix("backed up to "))
    assert path.exists() and path.stat().st_size > 0
    if DB_KIND == "sqlite":
        with sqlite3.connect(path) as copy:
            assert copy.execute("SELECT count(*) FROM users").fetchone()[0] >= 1
    else:
        assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


async def test_a_full_moderation_session_leaves_its_trail(
    server: ServerProcess, env: dict[str, str]
) -> None:
    from codincod.puzzles.models import Puzzle

    async with client(server.url) as http:
        mod, mod_id = await moderator(http, "trail_mod")
        assert run_cli(["user", "set-admin", "trail_mod"], env).returncode == 0
        author, author_id = await player(http, "trail_author")
        rep, _ = await player(http, "trail_rep")
        made = []
        for n in range(2):
            created = await http.post(
                "/api/v1/puzzle", json={"title": f"Trail {n}"}, headers=auth(author)
            )
            made.append(created.json()["_id"])
            await Puzzle.filter(id=made[-1]).update(visibility="ready")
        first = await report(http, rep, "user", author_id, "first report about this author")
        await http.post(f"/api/v1/moderation/puzzle/{made[0]}/approve", headers=auth(mod))
        await http.post(
            f"/api/v1/moderation/puzzle/{made[1]}/revise",
            json={"reason": REASON},
            headers=auth(mod),
        )
        await http.post(
            f"/api/v1/moderation/report/{first}/resolve",
            json={"status": "rejected"},
            headers=auth(mod),
        )
        second = await report(http, rep, "puzzle", made[0], "second report, about a puzzle")
        await http.post(
            f"/api/v1/moderation/report/{second}/resolve",
            json={"status": "resolved"},
            headers=auth(mod),
        )
        base = f"/api/v1/moderation/user/{author_id}"
        await http.post(
            base + "/ban/temporary", json={"duration": 3, "reason": REASON}, headers=auth(mod)
        )
        await http.post(
            base + "/unban", json={"reason": "Unbanned by moderator"}, headers=auth(mod)
        )
        await http.post(base + "/ban/permanent", json={"reason": REASON}, headers=auth(mod))
        appeal = await http.post(
            "/api/v1/appeal",
            json={"reason": "I promise to behave from now on"},
            headers=auth(author),
        )
        await http.post(
            f"/api/v1/moderation/appeal/{appeal.json()['_id']}/accept",
            json={"reason": "Second chance given"},
            headers=auth(mod),
        )
        await http.post(
            f"/api/v1/admin/users/{author_id}/role", json={"role": "moderator"}, headers=auth(mod)
        )
        trail = await http.get(
            "/api/v1/moderation/audit?actor=trail_mod&pageSize=50", headers=auth(mod)
        )
        body = trail.json()
        actions = [e["action"] for e in body["items"]]
        assert actions == [
            "set_role",
            "appeal_accept",
            "ban",
            "unban",
            "ban",
            "resolve",
            "reject",
            "revise",
            "approve",
        ]
        assert body["totalItems"] == 9 and body["page"] == 1
        assert all(e["actor"] == {"_id": mod_id, "username": "trail_mod"} for e in body["items"])
        assert {e["targetType"] for e in body["items"]} == {"user", "appeal", "report", "puzzle"}
