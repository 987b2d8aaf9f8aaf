"""``codincod import-mongo`` / ``export-mongo`` as an operator runs them: the real CLI on a
hand-made CodinCod dump, a real server on the imported database, logins with the old
passwords, the delta run, the corrupt file and the round trip compared by checksums."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import mongodump as m
from tests.support import ServerProcess, run_cli, server_env

LONG = "a very long passphrase " * 4  # 92 bytes: bcryptjs read the first 72
NOW = datetime.now(UTC)
# Hashed once: a newer dump of the same database holds the same hashes.
HASHES = {
    "2b": m.node_hash("alice's old password"),
    "2a": m.node_hash("bob pw 2", "$2a$"),
    "long": m.node_hash(LONG),
}


def scenario() -> dict[str, list[dict[str, Any]]]:
    """A CodinCod database with every case the import has a rule for."""
    two_b, two_a = HASHES["2b"], HASHES["2a"]
    users = [
        m.user(1, "mg_alice", two_b, role="admin"),
        m.user(2, "mg_bob", two_a, currentBan=m.oid(1, 11)),
        m.user(3, "mg bad name!", HASHES["long"]),
        m.user(4, "MG_ALICE", two_b, email="alice2@example.test"),
        m.user(5, "mg_carol", two_b, roles=["moderator"]),
        m.user(6, "mg_dave", two_b, currentBan=m.oid(2, 11)),
        m.user(7, "mg_erin", two_b),
    ]
    del users[4]["role"]
    puzzles = [
        m.puzzle(1, m.oid(1, 1), comments=[m.oid(1, 6)]),
        m.puzzle(2, m.oid(99, 1)),  # its author is not in the dump
        m.puzzle(
            3,
            m.oid(2, 1),
            solution={"code": "x", "language": "python", "languageVersion": "3.10.0"},
        ),
    ]
    submissions = [
        m.submission(1, m.oid(1, 3), m.oid(2, 1)),
        m.submission(2, m.oid(1, 3), m.oid(1, 1)),
    ]
    legacy = m.submission(3, m.oid(1, 3), m.oid(7, 1), language="python", languageVersion="3.10.0")
    del legacy["programmingLanguage"]
    comments = [
        m.comment(
            1, m.oid(2, 1), m.oid(1, 3), "puzzle-comment", comments=[m.oid(2, 6), m.oid(3, 6)]
        ),
        m.comment(2, m.oid(1, 1), m.oid(1, 6), "comment-comment"),
        m.comment(3, m.oid(1, 1), m.oid(1, 6), "puzzle-comment"),  # the frontend's reply bug
        m.comment(4, m.oid(98, 1), m.oid(1, 3), "puzzle-comment"),  # author not in the dump
        m.comment(5, m.oid(1, 1), m.oid(4, 6), "comment-comment"),  # replies to a skipped one
    ]
    votes = [
        m.vote(1, m.oid(1, 1), m.oid(1, 6)),
        m.vote(2, m.oid(1, 1), m.oid(1, 6), "downvote"),  # a later duplicate
        m.vote(3, m.oid(2, 1), m.oid(1, 6)),
        m.vote(4, m.oid(7, 1), m.oid(1, 6), "downvote"),
        m.vote(5, m.oid(7, 1), m.oid(77, 6)),  # on a comment not in the dump
    ]
    game = m.game(
        1,
        m.oid(1, 1),
        m.oid(1, 3),
        [m.oid(1, 1), m.oid(2, 1), m.oid(55, 1)],
        playerSubmissions=[m.oid(1, 5), m.oid(2, 5)],
    )
    game["options"]["allowedLanguages"] = [{"language": "python", "version": "3.12.0"}]
    return {
        "users": users,
        "programminglanguages": [m.language(1, "python", "3.12.0")],
        "puzzles": puzzles,
        "submissions": [*submissions, legacy],
        "comments": comments,
        "uservotes": votes,
        "games": [game],
        "chatmessages": [m.chat(n, m.oid(1, 8), m.oid(1 + n % 2, 1), "mg_alice") for n in range(6)],
        "userbans": [
            m.ban(1, m.oid(2, 1), m.oid(1, 1), "permanent", None, True),
            m.ban(2, m.oid(6, 1), m.oid(1, 1), "temporary", NOW - timedelta(days=1), True),
            m.ban(3, m.oid(7, 1), m.oid(1, 1), "temporary", NOW + timedelta(days=9), True),
        ],
        "reports": [m.report(1, m.oid(1, 1), m.oid(2, 1)), m.report(2, m.oid(1, 1), m.oid(2, 1))],
        "usermetrics": [m.metrics(1, m.oid(1, 1), 1612.5)],
        "preferences": [m.preferences(1, m.oid(1, 1), [m.oid(2, 1), m.oid(77, 1)])],
        "migrationtrackers": [
            {"_id": m.oid(1, 20), "name": "2025-10-26-migrate-user-roles-to-role"}
        ],
    }


@dataclass
class Place:
    env: dict[str, str]
    folder: Path

    def cli(self, *args: str) -> Any:
        return run_cli(list(args), self.env, timeout=300)

    def imported(self, dump: Path, *extra: str) -> dict[str, Any]:
        out = self.folder / f"report-{len(list(self.folder.glob('report-*')))}.json"
        result = self.cli("import-mongo", str(dump), "--report", str(out), *extra)
        assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
        return json.loads(out.read_text()) | {"stdout": result.stdout}

    def sums(self) -> str:
        result = self.cli("checksum")
        assert result.returncode == 0, result.stderr
        return result.stdout


def place(fresh_database: Any, tmp: Path, label: str) -> Place:
    (tmp / label).mkdir()
    env = server_env(tmp / label, fresh_database(label))
    assert run_cli(["db", "upgrade"], env).returncode == 0
    return Place(env, tmp / label)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mongo")


@pytest.fixture(scope="module")
def dump(tmp: Path) -> Path:
    return m.write_dump(tmp / "dump", scenario())


@pytest.fixture(scope="module")
def moved(fresh_database: Any, tmp: Path, dump: Path) -> tuple[Place, dict[str, Any]]:
    target = place(fresh_database, tmp, "moved")
    return target, target.imported(dump)


@pytest.fixture(scope="module")
def served(fresh_database: Any, tmp: Path, dump: Path) -> Iterator[str]:
    """A server on an imported database of its own (logins change what they touch)."""
    target = place(fresh_database, tmp, "served")
    target.imported(dump)
    process = ServerProcess(target.env, tmp / "served.log")
    process.start()
    yield process.url
    process.stop()


def skipped(report: dict[str, Any], collection: str) -> dict[str, str]:
    return {e["_id"]: e["reason"] for e in report["collections"][collection]["skipped"]}


def repaired(report: dict[str, Any], collection: str) -> dict[str, str]:
    return {
        e["_id"]: "; ".join(e["changes"]) for e in report["collections"][collection]["repaired"]
    }


def hexid(n: int, kind: int) -> str:
    return str(m.oid(n, kind))


# --- the report ----------------------------------------------------------------------------------


def test_every_collection_is_counted_read_and_accounted_for(moved) -> None:
    _, report = moved
    for name, docs in scenario().items():
        counts = report["collections"][name]
        assert counts["in_dump"] == counts["read"] == len(docs), name
        if name != "migrationtrackers":
            assert counts["imported"] + len(counts["skipped"]) == counts["read"], name
    assert report["collections"]["migrationtrackers"]["note"] == "read, not imported"
    assert report["dangling_references"] == {}
    assert "foreign keys: every reference holds" in report["stdout"]


def test_dangling_references_are_skipped_with_their_reason(moved) -> None:
    _, report = moved
    assert "author" in skipped(report, "puzzles")[hexid(2, 3)]
    assert hexid(4, 6) in skipped(report, "comments")
    assert "replies to is not imported" in skipped(report, "comments")[hexid(5, 6)]
    assert "comment it votes on" in skipped(report, "uservotes")[hexid(5, 7)]
    assert "later vote" in skipped(report, "uservotes")[hexid(2, 7)]
    assert "later pending report" in skipped(report, "reports")[hexid(2, 12)]


def test_legacy_shapes_and_bad_names_are_repaired_and_said(moved) -> None:
    _, report = moved
    users = repaired(report, "users")
    assert "'mg bad name!' renamed to 'mg_bad_name_'" in users[hexid(3, 1)]
    assert "'MG_ALICE' renamed to 'MG_ALICE1'" in users[hexid(4, 1)]
    assert "legacy roles array: moderator" in users[hexid(5, 1)]
    assert "legacy language" in repaired(report, "submissions")[hexid(3, 5)]
    assert "made 'comment-comment'" in repaired(report, "comments")[hexid(3, 6)]


# --- the imported database through the server ----------------------------------------------------


def login(url: str, name: str, password: str) -> httpx.Response:
    return httpx.post(url + "/api/v1/login", json={"identifier": name, "password": password})


def test_users_log_in_with_their_old_passwords(served: str) -> None:
    assert login(served, "mg_alice", "alice's old password").status_code == 200
    assert login(served, "mg_alice", "wrong password").status_code in (400, 401)
    # bcryptjs read the first 72 bytes: so does the check of an imported hash ...
    same_start = LONG[:72] + "whatever follows"
    assert login(served, "mg_bad_name_", same_start).status_code == 200
    # ... which that login replaced by a hash of the whole password: the rest counts now
    assert login(served, "mg_bad_name_", LONG).status_code in (400, 401)
    assert login(served, "mg_bad_name_", same_start).status_code == 200


def test_a_2a_hash_verifies_and_bans_hold_exactly_as_stored(served: str) -> None:
    banned = login(served, "mg_bob", "bob pw 2")  # $2a$ hash, permanent current ban
    assert banned.status_code == 403, banned.text
    assert login(served, "mg_dave", "alice's old password").status_code == 200  # ended
    assert login(served, "mg_erin", "alice's old password").status_code == 200  # not current


def test_urls_keep_resolving_with_the_same_ids(served: str) -> None:
    puzzle = httpx.get(f"{served}/api/v1/puzzle/{hexid(1, 3)}")
    assert puzzle.status_code == 200, puzzle.text
    body = puzzle.json()
    assert body["title"] == "Puzzle 1"
    created = datetime.fromisoformat(body["createdAt"].replace("Z", "+00:00"))
    assert created == datetime(2025, 6, 1, 12, 1, 0, 123000, tzinfo=UTC)  # milliseconds kept
    assert httpx.get(f"{served}/api/v1/user/mg_alice").status_code == 200
    assert httpx.get(f"{served}/api/v1/user/MG_ALICE1").status_code == 200
    thread = httpx.get(f"{served}/api/v1/comment/{hexid(1, 6)}").json()
    replies = {c["_id"] if isinstance(c, dict) else c for c in thread["comments"]}
    assert replies == {hexid(2, 6), hexid(3, 6)}  # the reply-bug comment is a reply now
    assert thread["upvote"] == 2 and thread["downvote"] == 1  # the votes imported


def test_ratings_and_finished_games_come_over_with_a_replay(served: str) -> None:
    token = login(served, "mg_alice", "alice's old password").cookies["token"]
    headers = {"Authorization": f"Bearer {token}"}
    board = httpx.get(f"{served}/api/v1/leaderboard/fastest").json()
    assert any(
        e.get("username") == "mg_alice" and round(e["rating"], 1) == 1612.5 for e in _entries(board)
    )
    game = httpx.get(f"{served}/api/v1/admin/games/{hexid(1, 8)}", headers=headers)
    assert game.status_code == 200, game.text
    kept = game.json()
    kinds = {event["kind"] for event in kept["events"]}
    assert {"start", "join", "submission", "chat", "finish"} <= kinds
    assert len(kept["chat"]) == 6


def _entries(board: Any) -> list[dict[str, Any]]:
    listed = board.get("leaderboard") or board.get("entries") or board.get("data") or []
    return [{**e, **(e.get("user") or {})} for e in listed]


# --- again, newer, dry, broken, and back ---------------------------------------------------------


def test_running_again_changes_nothing(moved, dump: Path) -> None:
    target, _ = moved
    before = target.sums()
    again = target.imported(dump)
    assert again["changes"] == 0
    assert target.sums() == before


def test_a_newer_dump_brings_in_only_the_difference(fresh_database, tmp: Path, dump: Path) -> None:
    target = place(fresh_database, tmp, "delta")
    target.imported(dump)
    newer = scenario()
    newer["users"].append(m.user(8, "mg_frank", m.node_hash("frank pw")))
    newer["puzzles"][0]["title"] = "Puzzle 1, revised"
    newer["comments"] = [c for c in newer["comments"] if c["_id"] != m.oid(2, 6)]
    newer["comments"][0]["comments"] = [m.oid(3, 6)]
    report = target.imported(m.write_dump(tmp / "newer", newer))
    tables = report["tables"]
    assert tables["users"]["new"] == 1 and tables["users"]["changed"] == 0
    assert tables["puzzles"]["changed"] == 1 and tables["puzzles"]["new"] == 0
    assert report["collections"]["comments"]["deleted_ids"] == [hexid(2, 6)]
    assert tables["submissions"] == {"new": 0, "changed": 0, "unchanged": 3, "deleted": 0}
    fresh = place(fresh_database, tmp, "delta_fresh")
    fresh.imported(tmp / "newer")
    assert target.sums() == fresh.sums()  # the same as importing the newer dump at once


def test_a_dry_run_reports_and_writes_nothing(fresh_database, tmp: Path, dump: Path) -> None:
    target = place(fresh_database, tmp, "dry")
    before = target.sums()
    report = target.imported(dump, "--dry-run")
    assert report["dry_run"] and report["tables"]["users"]["new"] == 7
    assert "dry run: nothing written" in report["stdout"]
    assert target.sums() == before


def test_a_corrupt_file_is_reported_at_its_offset_and_the_rest_imports(
    fresh_database, tmp: Path, dump: Path
) -> None:
    broken = tmp / "broken"
    shutil.copytree(dump, broken)
    chats = (broken / "chatmessages.bson").read_bytes()
    first = int.from_bytes(chats[:4], "little")
    second = int.from_bytes(chats[first : first + 4], "little")
    cut = first + second  # the third document starts here: garbage from there on
    (broken / "chatmessages.bson").write_bytes(chats[:cut] + b"\x30\x00\x00\x00\x07garbage")
    target = place(fresh_database, tmp, "broken_into")
    report = target.imported(broken)
    chat = report["collections"]["chatmessages"]
    assert chat["corrupt"]["offset"] == cut
    assert chat["imported"] == 2
    assert report["collections"]["users"]["imported"] == 7
    assert f"corrupt at byte {cut}" in report["stdout"]


def test_export_then_import_gives_identical_tables(moved, fresh_database, tmp: Path) -> None:
    target, _ = moved
    out = tmp / "exported"
    result = target.cli("export-mongo", str(out))
    assert result.returncode == 0, result.stderr
    for name in (
        "users",
        "preferences",
        "programminglanguages",
        "puzzles",
        "submissions",
        "games",
        "chatmessages",
        "comments",
        "uservotes",
        "reports",
        "userbans",
        "usermetrics",
    ):
        assert (out / f"{name}.bson").exists() and (out / f"{name}.metadata.json").exists()
    users = {str(u["_id"]): u for u in m.read_dump(out, "users")}
    assert users[hexid(1, 1)]["password"].startswith("$2b$")  # as stored
    assert users[hexid(2, 1)]["currentBan"] == m.oid(1, 11)
    again = place(fresh_database, tmp, "round_trip")
    report = again.imported(out)
    assert all(not c["skipped"] for c in report["collections"].values())
    assert again.sums() == target.sums()


def test_an_import_into_a_database_not_upgraded_says_what_to_do(
    fresh_database, tmp: Path, dump: Path
) -> None:
    env = server_env(tmp / "bare", fresh_database("bare"))
    result = run_cli(["import-mongo", str(dump)], env)
    assert result.returncode != 0
    assert "codincod db upgrade" in result.stderr
