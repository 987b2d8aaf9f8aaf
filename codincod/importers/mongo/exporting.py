"""``codincod export-mongo``: the way back. Every table the Node server also had, written as
a mongodump folder in its mongoose shapes, with the same ids and the password hashes as
stored, so ``mongorestore`` loads it and the Node server serves it. Fields the Node models do
not name (a hand-in's passed/failed counts, a game's ``rated``) ride along: mongoose ignores
them and a re-import reads them back, so a round trip loses nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bson import ObjectId

from codincod import db
from codincod.config import Settings
from codincod.games.modes import MODES
from codincod.importers.mongo import dump
from codincod.importers.tables import Connection, Row, Table, tables

Doc = dict[str, Any]
Progress = Callable[[str, int, int], None]


@dataclass
class Exported:
    folder: str
    documents: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.documents.values())


def _oid(value: str | None) -> ObjectId | None:
    return ObjectId(value) if value else None


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class _Children:
    """Rows grouped under the id they hang off (a puzzle's test cases, a game's seats)."""

    def __init__(self) -> None:
        self.by_parent: dict[str, list[Any]] = {}

    def add(self, parent: str, value: Any) -> None:
        self.by_parent.setdefault(parent, []).append(value)

    def of(self, parent: str) -> list[Any]:
        return self.by_parent.get(parent, [])


async def _grouped(
    connection: Connection, query: str, parent: str, value: Callable[[Row], Any]
) -> _Children:
    children = _Children()
    for row in await connection.fetch(query):
        children.add(row[parent], value(row))
    return children


class _Shapes:
    """Rows to mongoose documents; what spans tables is read once, up front."""

    async def load(self, connection: Connection) -> None:
        self.validators = await _grouped(
            connection,
            "SELECT * FROM validators ORDER BY puzzle_id, position",
            "puzzle_id",
            lambda r: {
                "_id": _oid(r["id"]),
                "input": r["input"],
                "output": r["output"],
                "createdAt": _time(r["created_at"]),
                "updatedAt": _time(r["updated_at"]),
            },
        )
        self.threads = await _grouped(
            connection,
            "SELECT id, puzzle_id FROM comments WHERE parent_id IS NULL ORDER BY created_at, id",
            "puzzle_id",
            lambda r: _oid(r["id"]),
        )
        self.replies = await _grouped(
            connection,
            "SELECT id, parent_id FROM comments WHERE parent_id IS NOT NULL "
            "ORDER BY created_at, id",
            "parent_id",
            lambda r: _oid(r["id"]),
        )
        self.players = await _grouped(
            connection,
            "SELECT game_id, user_id FROM game_players ORDER BY game_id, position",
            "game_id",
            lambda r: _oid(r["user_id"]),
        )
        self.hand_ins = await _grouped(
            connection,
            "SELECT game_id, submission_id FROM game_submissions ORDER BY created_at, id",
            "game_id",
            lambda r: _oid(r["submission_id"]),
        )
        self.current_ban = {
            r["user_id"]: r["id"]
            for r in await connection.fetch("SELECT id, user_id FROM user_bans WHERE is_active")
        }
        self.metrics = await _grouped(
            connection,
            "SELECT * FROM user_mode_metrics ORDER BY user_id, mode",
            "user_id",
            dict,
        )

    def users(self, r: Row) -> Doc:
        profile = {
            "picture": r["profile_picture"],
            "bio": r["profile_bio"],
            "location": r["profile_location"],
            "socials": db.json_value(r["profile_socials"]) or [],
        }
        return {
            "_id": _oid(r["id"]),
            "username": r["username"],
            "email": r["email"],
            "password": r["password_hash"],
            "role": "admin" if r["is_admin"] else r["role"],
            "profile": {k: v for k, v in profile.items() if v is not None},
            "reportCount": r["report_count"],
            "banCount": r["ban_count"],
            "currentBan": _oid(self.current_ban.get(r["id"])),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def preferences(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "owner": _oid(r["owner_id"]),
            "blockedUsers": [_oid(u) for u in db.json_value(r["blocked_users"]) or []],
            "preferredLanguage": r["preferred_language"],
            "theme": r["theme"],
            "editor": db.json_value(r["editor"]),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def programminglanguages(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "language": r["language"],
            "version": r["version"],
            "aliases": db.json_value(r["aliases"]) or [],
            "runtime": r["runtime"],
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def puzzles(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "title": r["title"],
            "statement": r["statement"],
            "constraints": r["constraints"],
            "author": _oid(r["author_id"]),
            "validators": self.validators.of(r["id"]),
            "difficulty": r["difficulty"],
            "visibility": r["visibility"],
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
            "solution": {
                "code": r["solution_code"],
                "programmingLanguage": _oid(r["solution_language_id"]),
            },
            "tags": db.json_value(r["tags"]) or [],
            "comments": self.threads.of(r["id"]),
            "moderationFeedback": r["moderation_feedback"],
        }

    def submissions(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "code": r["code"],
            "createdAt": _time(r["created_at"]),
            "puzzle": _oid(r["puzzle_id"]),
            "user": _oid(r["user_id"]),
            "programmingLanguage": _oid(r["programming_language_id"]),
            "result": {
                "result": r["result"],
                "successRate": r["success_rate"],
                "passed": r["passed"],
                "failed": r["failed"],
                "total": r["total"],
            },
        }

    def comments(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "author": _oid(r["author_id"]),
            "text": r["text"],
            "upvote": r["upvote"],
            "downvote": r["downvote"],
            "comments": self.replies.of(r["id"]),
            "commentType": r["comment_type"],
            "parentId": _oid(r["parent_id"] or r["puzzle_id"]),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def uservotes(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "author": _oid(r["user_id"]),
            "votedOn": r["comment_id"],
            "type": r["type"],
            "createdAt": _time(r["created_at"]),
        }

    def games(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "players": self.players.of(r["id"]),
            "owner": _oid(r["owner_id"]),
            "puzzle": _oid(r["puzzle_id"]),
            "createdAt": _time(r["created_at"]),
            "startTime": _time(r["start_time"]),
            "endTime": _time(r["end_time"]),
            "options": {
                "maxGameDurationInSeconds": r["max_duration_seconds"],
                "visibility": r["visibility"],
                "allowedLanguages": [_oid(i) for i in db.json_value(r["allowed_languages"]) or []],
                "mode": r["mode"],
                "rated": bool(r["rated"]),
            },
            "playerSubmissions": self.hand_ins.of(r["id"]),
        }

    def chatmessages(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "gameId": _oid(r["game_id"]),
            "userId": _oid(r["user_id"]),
            "username": r["username"],
            "message": r["message"],
            "isDeleted": bool(r["is_deleted"]),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def reports(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "problematicIdentifier": _oid(r["target_id"]),
            "problemType": r["problem_type"],
            "reportedBy": _oid(r["reported_by_id"]),
            "explanation": r["explanation"],
            "status": r["status"],
            "resolvedBy": _oid(r["resolved_by_id"]),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def userbans(self, r: Row) -> Doc:
        return {
            "_id": _oid(r["id"]),
            "userId": _oid(r["user_id"]),
            "bannedBy": _oid(r["banned_by_id"]),
            "banType": r["ban_type"],
            "reason": r["reason"],
            "startDate": _time(r["start_date"]),
            "endDate": _time(r["end_date"]),
            "isActive": bool(r["is_active"]),
            "createdAt": _time(r["created_at"]),
            "updatedAt": _time(r["updated_at"]),
        }

    def usermetrics(self, r: Row) -> Doc:
        """One document per user, its modes side by side (its ``_id`` is the user's)."""
        modes = {m["mode"]: m for m in self.metrics.of(r["id"]) if m["mode"] in MODES}
        stamps = [t for m in modes.values() if (t := _time(m["updated_at"])) is not None]
        updated = max(stamps, default=None)
        doc: Doc = {"_id": _oid(r["id"]), "userId": _oid(r["id"])}
        for mode, m in modes.items():
            doc[mode] = {
                "gamesPlayed": m["games_played"],
                "gamesWon": m["games_won"],
                "bestScore": m["best_score"],
                "averageScore": m["average_score"],
                "totalScore": m["total_score"],
                "glickoRating": {
                    "rating": m["rating"],
                    "rd": m["rd"],
                    "volatility": m["volatility"],
                    "lastUpdated": _time(m["rating_updated_at"]),
                },
                "rank": m["rank"],
                "lastGameDate": _time(m["last_game_date"]),
            }
        doc["totalGamesPlayed"] = sum(m["games_played"] for m in modes.values())
        doc["totalGamesWon"] = sum(m["games_won"] for m in modes.values())
        doc["createdAt"] = doc["updatedAt"] = updated
        return doc


# collection -> the table its documents come from (usermetrics: one per user with metrics)
SOURCES = {
    "users": "users",
    "preferences": "preferences",
    "programminglanguages": "programming_languages",
    "puzzles": "puzzles",
    "submissions": "submissions",
    "games": "games",
    "chatmessages": "chat_messages",
    "comments": "comments",
    "uservotes": "comment_votes",
    "reports": "reports",
    "userbans": "user_bans",
    "usermetrics": "users",
}
# the indexes the Node server's models declare, so a restored database answers as fast
INDEXES: dict[str, list[dict[str, Any]]] = {
    "users": [
        {"v": 2, "key": {"username": 1}, "name": "username_1", "unique": True},
        {"v": 2, "key": {"email": 1}, "name": "email_1", "unique": True},
    ],
    "preferences": [{"v": 2, "key": {"owner": 1}, "name": "owner_1", "unique": True}],
    "programminglanguages": [
        {
            "v": 2,
            "key": {"language": 1, "version": 1},
            "name": "language_1_version_1",
            "unique": True,
        }
    ],
    "usermetrics": [{"v": 2, "key": {"userId": 1}, "name": "userId_1", "unique": True}],
    "uservotes": [{"v": 2, "key": {"author": 1, "votedOn": 1}, "name": "author_1_votedOn_1"}],
}


async def export_dump(
    settings: Settings, folder: Path, progress: Progress | None = None
) -> Exported:
    started = time.monotonic()
    result = Exported(str(folder))
    await db.init_db(settings)
    try:
        info = tables()
        async with Connection(settings) as connection:
            shapes = _Shapes()
            await shapes.load(connection)
            for collection, table in SOURCES.items():
                result.documents[collection] = await _write(
                    connection, info[table], folder, collection, shapes, progress
                )
    finally:
        await db.close_db()
    result.seconds = time.monotonic() - started
    return result


async def _write(
    connection: Connection,
    table: Table,
    folder: Path,
    collection: str,
    shapes: _Shapes,
    progress: Progress | None,
) -> int:
    shape: Callable[[Row], Doc] = getattr(shapes, collection)
    out = dump.Writer(folder, collection, INDEXES.get(collection, []))
    try:
        async for row in connection.rows(table):
            if collection == "usermetrics" and not shapes.metrics.of(row["id"]):
                continue
            out.write(shape(row))
            if progress is not None and out.written % 20000 == 0:
                progress(collection, out.written, 0)
    finally:
        out.close()
    if progress is not None:
        progress(collection, out.written, out.written)
    return out.written
