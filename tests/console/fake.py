"""A stand-in server for the console's snapshot tests: fixed answers, so that each screen
renders the same every time. (Everything the console does is tested against a real server in
``test_console.py``; these only pin what each screen looks like.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from tui.client import Client, Evidence, GameRecord, Holder, Me, Migrations, Page

WHEN = "2026-12-01T10:00:00.000Z"
PUZZLE = {
    "id": "6b0000000000000000000001",
    "type": "pending_puzzle",
    "title": "Sum of two numbers",
    "createdAt": WHEN,
    "description": "Read two numbers and print their sum.",
    "authorName": "alice",
    "visibility": "ready",
    "claimedBy": None,
}
REPORT = {
    "id": "6b0000000000000000000002",
    "type": "reported_game_chat",
    "title": "Chat from bob",
    "createdAt": WHEN,
    "reportExplanation": "Bob insults everyone in every game chat.",
    "reportedBy": "carol",
    "reportedUserId": "6b0000000000000000000010",
    "reportedUserName": "bob",
    "contextMessages": [
        {"_id": "1", "username": "alice", "message": "good luck", "isReported": False},
        {"_id": "2", "username": "bob", "message": "you are all terrible", "isReported": True},
    ],
    "claimedBy": {"_id": "6b0000000000000000000020", "username": "modmia"},
}
USER = {
    "_id": "6b0000000000000000000010",
    "username": "bob",
    "role": "user",
    "isAdmin": False,
    "banned": True,
    "reportCount": 3,
    "banCount": 1,
}
BAN = {
    "_id": "6b0000000000000000000030",
    "banType": "temporary",
    "reason": "Insults in the game chat",
    "isActive": True,
    "startDate": WHEN,
}
APPEAL = {
    "id": "6b0000000000000000000040",
    "type": "ban_appeal",
    "title": "Appeal from bob",
    "createdAt": WHEN,
    "description": "It was my brother, honestly.",
    "reportedUserId": "6b0000000000000000000010",
    "reportedUserName": "bob",
    "banReason": "Insults in the game chat",
    "claimedBy": None,
}
AUDIT = {
    "_id": "6b0000000000000000000050",
    "action": "ban",
    "actor": {"_id": "6b0000000000000000000020", "username": "modmia"},
    "targetType": "user",
    "targetId": "6b0000000000000000000010",
    "reason": "Insults in the game chat",
    "createdAt": WHEN,
    "details": {"banType": "temporary"},
}
ROOM = {
    "roomId": "6b0000000000000000000060",
    "users": [{"userId": "1", "username": "dave"}, {"userId": "2", "username": "erin"}],
    "owner": {"userId": "1", "username": "dave"},
    "visibility": "public",
}
GAME = {
    "_id": "6b0000000000000000000070",
    "mode": "fastest",
    "status": "finished",
    "startTime": WHEN,
    "endTime": "2026-12-01T10:05:00.000Z",
}
EVENTS = [
    {"kind": "start", "username": "alice", "data": {}, "createdAt": WHEN},
    {"kind": "join", "username": "bob", "data": {}, "createdAt": "2026-12-01T10:00:05.000Z"},
    {
        "kind": "chat",
        "username": "alice",
        "data": {"message": "c1"},
        "createdAt": "2026-12-01T10:00:10.000Z",
    },
    {
        "kind": "submission",
        "username": "bob",
        "data": {"successRate": 1.0},
        "createdAt": "2026-12-01T10:01:00.000Z",
    },
    {"kind": "finish", "username": "alice", "data": {}, "createdAt": "2026-12-01T10:05:00.000Z"},
]


class FakeClient(Client):
    def __init__(self, *, offline: bool = False) -> None:
        super().__init__("http://127.0.0.1:1", "a.token.here")
        self.offline = offline

    async def me(self) -> Me:
        return Me("6b0000000000000000000020", "modmia", "moderator", True)

    async def read_only_token(self) -> str:
        return self.token or ""

    async def stats(self) -> dict[str, Any]:
        return {
            "users": 42,
            "puzzles": {"approved": 12, "ready": 1},
            "reportsPending": 3,
            "appealsPending": 1,
            "liveRooms": 1,
            "liveGames": 2,
            "submissionsLastHour": 17,
            "executor": {"kind": "embedded", "healthy": True},
        }

    async def queue(self, kind: str, page: int = 1, limit: int = 100) -> Page:
        items = {"pending_puzzle": [PUZZLE], "reported_game_chat": [REPORT], "ban_appeal": [APPEAL]}
        found = [dict(item) for item in items.get(kind, [])]
        return Page(found, 1, 1, len(found))

    async def puzzle(self, puzzle_id: str) -> dict[str, Any]:
        return {
            "title": "Sum of two numbers",
            "statement": "Read two numbers and print their sum.",
            "validators": [{"input": "1 2", "output": "3"}, {"input": "5 5", "output": "10"}],
            "solution": {"code": "print(sum(map(int, input().split())))"},
        }

    async def evidence(self, report_id: str) -> Evidence:
        chat = [{"message": "you are all terrible"}]
        return Evidence(Holder(USER["_id"], "bob"), 2, [BAN], chat, "3rd upheld report: 1-day ban")

    async def users(self, query: str = "", page: int = 1) -> Page:
        return Page([dict(USER)], 1, 1, 1)

    async def user(self, user_id: str) -> dict[str, Any]:
        return {**USER, "bans": [BAN], "reports": [], "submissionCount": 4}

    async def ban_history(self, user_id: str) -> list[dict[str, Any]]:
        return [BAN]

    async def rooms(self) -> list[dict[str, Any]]:
        return [ROOM]

    async def games(self, status: str | None = None) -> Page:
        return Page([dict(GAME)], 1, 1, 1)

    async def game(self, game_id: str) -> GameRecord:
        game = {
            **GAME,
            "options": {"mode": "fastest"},
            "players": [{"username": "alice"}, {"username": "bob"}],
            "playerSubmissions": [
                {
                    "user": {"username": "bob"},
                    "rank": 1,
                    "programmingLanguage": {"language": "python"},
                    "result": {"successRate": 1.0},
                }
            ],
        }
        chat = [{"_id": "c1", "username": "alice", "message": "good luck"}]
        return GameRecord(game, [dict(e) for e in EVENTS], chat)

    async def audit(self, actor: str = "", action: str = "", target: str = "") -> Page:
        return Page([dict(AUDIT)], 1, 1, 1)

    async def migrations(self) -> Migrations:
        return Migrations("sqlite", ["0_init", "1_auth_notify", "8_one_active_ban"], ["9_claims"])

    async def feed(self) -> AsyncIterator[dict[str, Any]]:
        if self.offline:
            from tui.client import Offline

            raise Offline("server unreachable at http://127.0.0.1:1 (ConnectError)")
        yield {"event": "feed:open", "username": "modmia"}
        await asyncio.Event().wait()  # nothing else happens
