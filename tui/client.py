"""The console's one way to the server: the admin and moderation API over HTTP (httpx) and the
staff feed over a WebSocket. Every answer becomes a typed value; every failure an ``ApiError``
with the server's own message (or ``Offline`` when the server cannot be reached)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import websockets


class ApiError(Exception):
    """The server refused: its status and its message, as it said them."""

    def __init__(self, status: int, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.body = status, message, body or {}


class Offline(ApiError):
    """The server cannot be reached."""

    def __init__(self, message: str) -> None:
        super().__init__(0, message)


# --- what the server answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Me:
    id: str
    username: str
    role: str
    is_admin: bool = False

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    page: int
    total_pages: int
    total: int


@dataclass(frozen=True)
class Holder:
    id: str
    username: str


@dataclass(frozen=True)
class Claim:
    holder: Holder
    expires_at: str


@dataclass(frozen=True)
class Evidence:
    user: Holder | None
    upheld: int
    bans: list[dict[str, Any]]
    recent_chat: list[dict[str, Any]]
    consequence: str | None


@dataclass(frozen=True)
class Migrations:
    dialect: str
    applied: list[str]
    pending: list[str]


@dataclass(frozen=True)
class Upgrade:
    applied: list[str]
    backup: str | None


@dataclass
class GameRecord:
    game: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    chat: list[dict[str, Any]] = field(default_factory=list)


def _holder(body: dict[str, Any] | None) -> Holder | None:
    return Holder(body["_id"], body["username"]) if body else None


class Client:
    """One server, one session (``token``); ``read_only`` sessions send no writes at all."""

    def __init__(self, server: str, token: str | None = None, *, timeout: float = 10) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self._http = httpx.AsyncClient(base_url=self.server, timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    # --- plumbing -------------------------------------------------------------------------------

    async def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        query = {k: v for k, v in params.items() if v not in (None, "")}
        try:
            answer = await self._http.request(
                method, "/api/v1" + path, json=body, params=query, headers=headers
            )
        except httpx.HTTPError as error:
            raise Offline(f"server unreachable at {self.server} ({type(error).__name__})") from None
        try:
            data = orjson.loads(answer.content) if answer.content else {}
        except orjson.JSONDecodeError:
            data = {}
        if answer.is_error:
            message = data.get("message") if isinstance(data, dict) else None
            raise ApiError(answer.status_code, message or answer.reason_phrase, data)
        return data

    # --- sessions -------------------------------------------------------------------------------

    async def login(self, username: str, password: str, *, read_only: bool = False) -> str:
        body = {"identifier": username, "password": password}
        if read_only:
            body["scope"] = "read"
        try:
            answer = await self._http.post("/api/v1/login", json=body)
        except httpx.HTTPError as error:
            raise Offline(f"server unreachable at {self.server} ({type(error).__name__})") from None
        if answer.is_error:
            message = answer.json().get("message", answer.reason_phrase)
            raise ApiError(answer.status_code, message)
        self.token = answer.cookies.get("token") or ""
        return self.token

    async def read_only_token(self) -> str:
        """Exchange this session for a read-only one (a GET: nothing is written)."""
        self.token = (await self._call("GET", "/token/read-only"))["token"]
        return self.token

    async def me(self) -> Me:
        body = await self._call("GET", "/user/me")
        found = (
            await self._call("GET", f"/admin/users/{body['userId']}")
            if body.get("role") == "moderator"
            else {}
        )
        return Me(body["userId"], body["username"], body["role"], bool(found.get("isAdmin")))

    async def logout(self) -> None:
        await self._call("POST", "/logout")

    # --- reads ----------------------------------------------------------------------------------

    async def stats(self) -> dict[str, Any]:
        return dict(await self._call("GET", "/admin/stats"))

    async def queue(self, kind: str, page: int = 1, limit: int = 100) -> Page:
        body = await self._call("GET", "/moderation/review", type=kind, page=page, limit=limit)
        paging = body["pagination"]
        return Page(body["data"], paging["page"], paging["totalPages"], paging["total"])

    async def puzzle(self, puzzle_id: str) -> dict[str, Any]:
        """A puzzle with its validators and reference solution (a moderator may read it)."""
        return dict(await self._call("GET", f"/puzzle/{quote(puzzle_id)}/solution"))

    async def evidence(self, report_id: str) -> Evidence:
        body = await self._call("GET", f"/moderation/report/{quote(report_id)}/evidence")
        consequence = body.get("consequence")
        return Evidence(
            _holder(body.get("user")),
            body["upheldReports"],
            body["bans"],
            body["recentChat"],
            consequence["text"] if consequence else None,
        )

    async def users(self, query: str = "", page: int = 1) -> Page:
        body = await self._call("GET", "/admin/users", query=query or None, page=page, pageSize=100)
        return Page(body["items"], body["page"], body["totalPages"], body["totalItems"])

    async def user(self, user_id: str) -> dict[str, Any]:
        return dict(await self._call("GET", f"/admin/users/{quote(user_id)}"))

    async def ban_history(self, user_id: str) -> list[dict[str, Any]]:
        return list(
            (await self._call("GET", f"/moderation/user/{quote(user_id)}/ban/history"))["bans"]
        )

    async def rooms(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", "/admin/rooms"))["rooms"])

    async def games(self, status: str | None = None) -> Page:
        body = await self._call("GET", "/admin/games", status=status, pageSize=100)
        return Page(body["items"], body["page"], body["totalPages"], body["totalItems"])

    async def game(self, game_id: str) -> GameRecord:
        body = dict(await self._call("GET", f"/admin/games/{quote(game_id)}"))
        return GameRecord(body, body.pop("events", []), body.pop("chat", []))

    async def audit(self, actor: str = "", action: str = "", target: str = "") -> Page:
        body = await self._call(
            "GET", "/moderation/audit", actor=actor, action=action, targetId=target, pageSize=100
        )
        return Page(body["items"], body["page"], body["totalPages"], body["totalItems"])

    async def migrations(self) -> Migrations:
        body = await self._call("GET", "/admin/migrations")
        return Migrations(body["dialect"], body["applied"], body["pending"])

    # --- claims ---------------------------------------------------------------------------------

    async def claim(self, kind: str, item_id: str) -> Claim:
        body = await self._call("POST", "/moderation/claim", {"type": kind, "id": item_id})
        return Claim(Holder(body["holder"]["_id"], body["holder"]["username"]), body["expiresAt"])

    async def release(self, kind: str, item_id: str) -> None:
        await self._call("DELETE", f"/moderation/claim/{quote(kind)}/{quote(item_id)}")

    # --- decisions ------------------------------------------------------------------------------

    async def approve(self, puzzle_id: str) -> None:
        await self._call("POST", f"/moderation/puzzle/{quote(puzzle_id)}/approve")

    async def revise(self, puzzle_id: str, reason: str) -> None:
        await self._call(
            "POST", f"/moderation/puzzle/{quote(puzzle_id)}/revise", {"reason": reason}
        )

    async def resolve(self, report_id: str, upheld: bool) -> None:
        status = "resolved" if upheld else "rejected"
        await self._call(
            "POST", f"/moderation/report/{quote(report_id)}/resolve", {"status": status}
        )

    async def ban(self, user_id: str, reason: str, days: float | None) -> None:
        kind = "permanent" if days is None else "temporary"
        body: dict[str, Any] = {"reason": reason}
        if days is not None:
            body["duration"] = days
        await self._call("POST", f"/moderation/user/{quote(user_id)}/ban/{kind}", body)

    async def unban(self, user_id: str, reason: str) -> None:
        await self._call("POST", f"/moderation/user/{quote(user_id)}/unban", {"reason": reason})

    async def decide_appeal(self, appeal_id: str, accept: bool, reason: str) -> None:
        verb = "accept" if accept else "reject"
        await self._call(
            "POST", f"/moderation/appeal/{quote(appeal_id)}/{verb}", {"reason": reason}
        )

    async def upgrade(self) -> Upgrade:
        body = await self._call("POST", "/admin/migrations/upgrade")
        return Upgrade(body["applied"], body["backup"])

    # --- the staff feed -------------------------------------------------------------------------

    async def feed(self) -> AsyncIterator[dict[str, Any]]:
        """The staff feed's frames until it closes (``Offline`` when it cannot open)."""
        url = self.server.replace("http://", "ws://").replace("https://", "wss://") + "/ws/admin"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            async with websockets.connect(url, additional_headers=headers, open_timeout=5) as ws:
                async for raw in ws:
                    frame = orjson.loads(raw)
                    if isinstance(frame, dict):
                        yield frame
                if ws.close_code == 1008:
                    raise ApiError(403, ws.close_reason or "refused by the server")
        except (OSError, websockets.InvalidHandshake, TimeoutError) as error:
            raise Offline(f"staff feed unreachable ({type(error).__name__})") from None
        except websockets.ConnectionClosedError as error:
            if error.rcvd is not None and error.rcvd.code == 1008:
                raise ApiError(403, error.rcvd.reason or "refused by the server") from None
            raise Offline("staff feed lost") from None
