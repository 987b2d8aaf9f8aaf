"""The import's pure rules, on hand-made documents: names, bans in force, references,
legacy shapes, replies, duplicate votes, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from codincod.importers.mongo.known import Known, assign_usernames, fixed_username, hex_id
from codincod.importers.mongo.mapping import (
    Index,
    map_comments,
    map_submissions,
    map_userbans,
    map_users,
    map_uservotes,
    settle_comments,
    when,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
U1, U2, P1 = "0" * 23 + "1", "0" * 23 + "2", "a" * 24


@pytest.mark.parametrize(
    ("name", "taken", "fixed"),
    [
        ("good_name", set(), "good_name"),
        ("bad name!", set(), "bad_name_"),
        ("ab", set(), "ab_"),
        ("x" * 25, set(), "x" * 20),
        ("alice", {"alice"}, "alice1"),
        ("alice", {"alice", "alice1"}, "alice2"),
        ("y" * 20, {"y" * 20}, "y" * 19 + "1"),
        ("émile", set(), "_mile"),
    ],
)
def test_a_name_is_made_valid_and_unused(name: str, taken: set[str], fixed: str) -> None:
    assert fixed_username(name, taken) == fixed


def test_the_older_account_keeps_a_name_shared_but_for_case() -> None:
    known = Known()
    assign_usernames([(NOW, U2, "Alice"), (NOW - timedelta(days=1), U1, "alice")], known)
    assert known.user_names == {U1: "alice", U2: "Alice1"}
    assert known.renamed == {U2: "Alice"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ObjectId("65a1b2c3d4e5f60718293a4b"), "65a1b2c3d4e5f60718293a4b"),
        ("65A1B2C3D4E5F60718293A4B", "65a1b2c3d4e5f60718293a4b"),
        ("not an id", None),
        ("65a1b2c3d4e5f60718293a4", None),
        (None, None),
        (12, None),
    ],
)
def test_ids(value: object, expected: str | None) -> None:
    assert hex_id(value) == expected


def test_times_keep_milliseconds_in_utc() -> None:
    naive = datetime(2025, 6, 1, 12, 0, 0, 123456)
    assert when(naive) == datetime(2025, 6, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert when("yesterday") is None


def _known(*users: str) -> Known:
    known = Known(now=NOW)
    for user in users:
        known.keep("users", user)
        known.user_names[user] = f"user_{user[-1]}"
    return known


BAN = "b" * 24


@pytest.mark.parametrize(
    ("current", "active", "kind", "end", "in_force"),
    [
        (True, True, "permanent", None, True),
        (True, True, "temporary", NOW + timedelta(days=1), True),
        (True, True, "temporary", NOW - timedelta(days=1), False),  # over already
        (True, False, "permanent", None, False),  # lifted
        (False, True, "permanent", None, False),  # not the user's current ban
        (True, True, "temporary", None, False),  # a temporary ban without an end
    ],
)
def test_a_ban_is_in_force_exactly_when_current_active_and_not_over(
    current: bool, active: bool, kind: str, end: datetime | None, in_force: bool
) -> None:
    known = _known(U1, U2)
    if current:
        known.current_ban[U1] = BAN
    doc = {"_id": ObjectId(BAN), "userId": ObjectId(U1), "bannedBy": ObjectId(U2)}
    doc |= {"banType": kind, "reason": "spam, again and again", "endDate": end, "isActive": active}
    mapped = map_userbans(doc, known)
    assert mapped.rows[0][1]["is_active"] is in_force


@pytest.mark.parametrize(
    ("stored", "role", "admin"),
    [
        ({"role": "user"}, "user", False),
        ({"role": "moderator"}, "moderator", False),
        ({"role": "admin"}, "moderator", True),
        ({"roles": ["moderator", "user"]}, "moderator", False),
        ({"roles": []}, "user", False),
    ],
)
def test_roles_old_and_new(stored: dict[str, object], role: str, admin: bool) -> None:
    known = _known(U1)
    doc = {"_id": ObjectId(U1), "email": "A@X.test ", "password": "$2b$10$x", **stored}
    row = map_users(doc, known).rows[0][1]
    assert (row["role"], row["is_admin"], row["email"]) == (role, admin, "a@x.test")


def test_a_legacy_language_becomes_a_reference_made_once() -> None:
    known = _known(U1)
    known.keep("puzzles", P1)
    doc = {"_id": ObjectId("c" * 24), "puzzle": ObjectId(P1), "user": ObjectId(U1)}
    doc |= {"language": "python", "languageVersion": "3.10.0", "code": "print(1)"}
    made = known.language("python", "3.10.0")
    known.keep("programminglanguages", made or "")
    row = map_submissions(doc, known).rows[0][1]
    assert row["programming_language_id"] == made == known.language("python", "3.10.0")
    assert row["code_length"] == 8


def test_a_submission_whose_puzzle_is_missing_is_skipped() -> None:
    known = _known(U1)
    doc = {"_id": ObjectId("c" * 24), "puzzle": ObjectId(P1), "user": ObjectId(U1)}
    assert map_submissions(doc, known).skip == "its puzzle or its user is not in the dump"


def _comment(n: int, parent: str, kind: str = "puzzle-comment") -> dict[str, object]:
    return {
        "_id": ObjectId(f"{n:024x}"),
        "author": ObjectId(U1),
        "parentId": ObjectId(parent),
        "commentType": kind,
    }


def test_replies_follow_their_parents_and_a_reply_bug_comment_becomes_a_reply() -> None:
    known = _known(U1)
    known.keep("puzzles", P1)
    docs = [_comment(3, f"{2:024x}"), _comment(2, f"{1:024x}", "comment-comment"), _comment(1, P1)]
    index = Index(known)
    for doc in docs:
        index.see("comments", doc)
    index.finish()
    settled = dict(
        settle_comments([(hex_id(d["_id"]) or "", map_comments(d, known)) for d in docs], known)
    )
    rows = {own: mapped.rows[0][1] for own, mapped in settled.items()}
    assert rows[f"{3:024x}"]["parent_id"] == f"{2:024x}"
    assert rows[f"{3:024x}"]["comment_type"] == "comment-comment"
    assert "made 'comment-comment'" in settled[f"{3:024x}"].repairs[0]
    assert all(row["puzzle_id"] == P1 for row in rows.values())


def test_a_reply_to_a_skipped_comment_is_skipped_too() -> None:
    known = _known(U1)
    known.keep("puzzles", P1)
    orphan = _comment(1, P1) | {"author": ObjectId(U2)}  # its author is not imported
    reply = _comment(2, f"{1:024x}", "comment-comment")
    index = Index(known)
    for doc in (orphan, reply):
        index.see("comments", doc)
    index.finish()
    settled = dict(
        settle_comments(
            [(hex_id(d["_id"]) or "", map_comments(d, known)) for d in (orphan, reply)], known
        )
    )
    assert settled[f"{2:024x}"].skip == "the comment it replies to is not imported"


def test_only_the_earliest_vote_of_a_user_on_a_comment_counts() -> None:
    known = _known(U1)
    comment = f"{1:024x}"
    known.keep("comments", comment)
    votes = [
        {
            "_id": ObjectId("d" * 24),
            "author": ObjectId(U1),
            "votedOn": comment,
            "type": "downvote",
            "createdAt": NOW,
        },
        {
            "_id": ObjectId("e" * 24),
            "author": ObjectId(U1),
            "votedOn": comment,
            "type": "upvote",
            "createdAt": NOW - timedelta(hours=1),
        },
    ]
    index = Index(known)
    for vote in votes:
        index.see("uservotes", vote)
    index.finish()
    assert (
        map_uservotes(votes[0], known).skip == "a later vote of the same user on the same comment"
    )
    assert map_uservotes(votes[1], known).rows[0][1]["type"] == "upvote"
