"""Hand-made mongodump folders in the shapes of CodinCod's mongoose models, for the import
and export tests and the benchmark. Passwords are hashed the way the Node server did
(bcrypt over the first 72 bytes, ``$2a$``/``$2b$``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt
import bson
from bson import ObjectId

BASE = datetime(2025, 6, 1, 12, 0, 0, 123000, tzinfo=UTC)


def oid(n: int, kind: int = 0) -> ObjectId:
    """A readable fixed id: ``kind`` then ``n``, 24 hex digits."""
    return ObjectId(f"{kind:04x}{n:020x}")


def at(minutes: float) -> datetime:
    return BASE + timedelta(minutes=minutes)


def node_hash(password: str, prefix: str = "$2b$", rounds: int = 4) -> str:
    """A bcryptjs-style hash: the first 72 bytes of the password, with the given prefix."""
    hashed = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds)).decode()
    return prefix + hashed[4:]


def user(n: int, name: str, password_hash: str, **extra: Any) -> dict[str, Any]:
    return {
        "_id": oid(n, 1),
        "username": name,
        "email": f"{name.lower()}@example.test" if "email" not in extra else extra.pop("email"),
        "password": password_hash,
        "role": "user",
        "profile": {"bio": f"bio of {name}", "socials": ["https://example.test"]},
        "reportCount": 0,
        "banCount": 0,
        "currentBan": None,
        "createdAt": at(n),
        "updatedAt": at(n),
        **extra,
    }


def language(n: int, name: str, version: str) -> dict[str, Any]:
    return {
        "_id": oid(n, 2),
        "language": name,
        "version": version,
        "aliases": [name[:2]],
        "runtime": name,
        "createdAt": at(0),
        "updatedAt": at(0),
    }


def puzzle(n: int, author: ObjectId, **extra: Any) -> dict[str, Any]:
    return {
        "_id": oid(n, 3),
        "title": f"Puzzle {n}",
        "statement": f"Print {n}.",
        "constraints": "none",
        "author": author,
        "validators": [
            {
                "_id": oid(n * 10 + v, 4),
                "input": str(v),
                "output": str(v * n),
                "createdAt": at(n),
                "updatedAt": at(n),
            }
            for v in range(3)
        ],
        "difficulty": "beginner",
        "visibility": "approved",
        "createdAt": at(n),
        "updatedAt": at(n),
        "solution": {"code": f"print({n})", "programmingLanguage": oid(1, 2)},
        "tags": ["strings"],
        "comments": [],
        **extra,
    }


def submission(n: int, puzzle_id: ObjectId, user_id: ObjectId, **extra: Any) -> dict[str, Any]:
    return {
        "_id": oid(n, 5),
        "code": f"print({n})",
        "createdAt": at(100 + n),
        "puzzle": puzzle_id,
        "user": user_id,
        "programmingLanguage": oid(1, 2),
        "result": {"result": "success", "successRate": 1.0},
        **extra,
    }


def comment(n: int, author: ObjectId, parent: ObjectId, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "_id": oid(n, 6),
        "author": author,
        "text": f"comment {n}",
        "upvote": 0,
        "downvote": 0,
        "comments": [],
        "commentType": kind,
        "parentId": parent,
        "createdAt": at(200 + n),
        "updatedAt": at(200 + n),
        **extra,
    }


def vote(n: int, author: ObjectId, comment_id: ObjectId, kind: str = "upvote") -> dict[str, Any]:
    return {
        "_id": oid(n, 7),
        "author": author,
        "votedOn": str(comment_id),
        "type": kind,
        "createdAt": at(300 + n),
    }


def game(
    n: int, owner: ObjectId, puzzle_id: ObjectId, players: list[ObjectId], **extra: Any
) -> dict[str, Any]:
    return {
        "_id": oid(n, 8),
        "players": players,
        "owner": owner,
        "puzzle": puzzle_id,
        "createdAt": at(400 + n),
        "startTime": at(400 + n),
        "endTime": at(410 + n),
        "options": {
            "_id": oid(n, 9),
            "maxGameDurationInSeconds": 600,
            "visibility": "public",
            "mode": "fastest",
            "allowedLanguages": [oid(1, 2)],
        },
        "playerSubmissions": [],
        **extra,
    }


def chat(n: int, game_id: ObjectId, user_id: ObjectId, username: str) -> dict[str, Any]:
    return {
        "_id": oid(n, 10),
        "gameId": game_id,
        "userId": user_id,
        "username": username,
        "message": f"message {n}",
        "isDeleted": n % 5 == 0,
        "createdAt": at(401 + n / 100),
        "updatedAt": at(401 + n / 100),
    }


def ban(
    n: int, user_id: ObjectId, by: ObjectId, kind: str, end: datetime | None, active: bool
) -> dict[str, Any]:
    return {
        "_id": oid(n, 11),
        "userId": user_id,
        "bannedBy": by,
        "banType": kind,
        "reason": f"ban number {n} for spamming",
        "startDate": at(500 + n),
        "endDate": end,
        "isActive": active,
        "createdAt": at(500 + n),
        "updatedAt": at(500 + n),
    }


def report(
    n: int, by: ObjectId, target: ObjectId, kind: str = "user", status: str = "pending"
) -> dict[str, Any]:
    return {
        "_id": oid(n, 12),
        "problematicIdentifier": target,
        "problemType": kind,
        "reportedBy": by,
        "explanation": f"report {n}: rude in chat",
        "status": status,
        "createdAt": at(600 + n),
        "updatedAt": at(600 + n),
    }


def metrics(n: int, user_id: ObjectId, rating: float) -> dict[str, Any]:
    glicko = {"rating": rating, "rd": 80.5, "volatility": 0.059, "lastUpdated": at(700)}
    return {
        "_id": oid(n, 13),
        "userId": user_id,
        "fastest": {
            "gamesPlayed": 12,
            "gamesWon": 5,
            "bestScore": 100,
            "averageScore": 61.5,
            "totalScore": 738,
            "glickoRating": glicko,
            "lastGameDate": at(690),
        },
        "totalGamesPlayed": 12,
        "totalGamesWon": 5,
        "createdAt": at(700),
        "updatedAt": at(700),
    }


def preferences(n: int, owner: ObjectId, blocked: list[ObjectId]) -> dict[str, Any]:
    return {
        "_id": oid(n, 14),
        "owner": owner,
        "blockedUsers": blocked,
        "preferredLanguage": "python",
        "theme": "dark",
        "editor": {"_id": oid(n, 15), "lineNumbers": True, "keymap": "vim"},
        "createdAt": at(n),
        "updatedAt": at(n),
    }


def write_dump(folder: Path, collections: dict[str, Iterable[dict[str, Any]]]) -> Path:
    """``collections`` written as mongodump would: ``<name>.bson`` and its metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, docs in collections.items():
        with (folder / f"{name}.bson").open("wb") as out:
            for doc in docs:
                out.write(bson.encode(doc))
        metadata = {
            "indexes": [{"v": 2, "key": {"_id": 1}, "name": "_id_"}],
            "collectionName": name,
        }
        (folder / f"{name}.metadata.json").write_text(json.dumps(metadata))
    return folder


def read_dump(folder: Path, name: str) -> list[dict[str, Any]]:
    path = folder / f"{name}.bson"
    return list(bson.decode_file_iter(path.open("rb"))) if path.exists() else []
