"""Helpers for tests: running the CLI, a real server process, and HTTP clients."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from codincod.accounts.models import User
from codincod.puzzles.models import Puzzle
from tests.addresses import fresh_address
from tests.sockets import Socket

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "codincod.cli"]


async def pg_admin(admin_url: str, statement: str) -> None:
    """Run one statement as PostgreSQL's administrator (CREATE/DROP DATABASE)."""
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_database(admin_url: str, name: str) -> str:
    """A new, empty PostgreSQL database beside ``admin_url``'s; its URL."""
    asyncio.run(pg_admin(admin_url, f'CREATE DATABASE "{name}"'))
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    asyncio.run(pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(
    args: list[str], env: dict[str, str], stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class ServerProcess:
    """``codincod serve`` in its own session: Sanic's worker manager SIGKILLs its
    process group when a worker fails, which would take pytest with it."""

    def __init__(self, env: dict[str, str], log_file: Path, *args: str) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env, "CODINCOD_PORT": str(self.port)}
        self.log_file = log_file
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [*CLI, "serve", *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not come up in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def pids(self) -> set[int]:
        """The launcher's process and its workers (Sanic serves from a child process)."""
        assert self.process is not None
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            with suppress(OSError):
                todo += [
                    int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                ]
        return found


EVENTS = (
    "SELECT pid, application_name FROM pg_stat_activity"
    " WHERE application_name LIKE 'codincod-events%'"
)


async def event_listeners(admin: Any, server: ServerProcess) -> list[int]:
    """The backend pids of ``server``'s event connections (named after their process)."""
    pids = {f"codincod-events pid={pid}" for pid in server.pids()}
    return [row["pid"] for row in await admin.fetch(EVENTS) if row["application_name"] in pids]


async def events_heard_again(admin: Any, server: ServerProcess, gone: list[int]) -> None:
    """Wait (10 s at most) until ``server`` listens again on a connection other than ``gone``."""
    for _ in range(200):
        if set(await event_listeners(admin, server)) - set(gone):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server did not listen for events again within 10 s")


def client(base_url: str, **kwargs: Any) -> httpx.AsyncClient:
    """An HTTP client that looks like its own user agent on its own address: the server
    trusts X-Forwarded-For from loopback, so each client gets its own rate-limit buckets
    (addresses from the documentation range, never contacted)."""
    headers = {"X-Forwarded-For": fresh_address(), **kwargs.pop("headers", {})}
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30, **kwargs)


def token_from(response: httpx.Response) -> str:
    cookie = response.headers["set-cookie"]
    first = cookie.split("; ", 1)[0]
    name, value = first.split("=", 1)
    assert name == "token"
    return value


async def register(
    http: httpx.AsyncClient, username: str, password: str = "a long password!!"
) -> str:
    response = await http.post(
        "/api/v1/register",
        json={"username": username, "email": f"{username}@example.com", "password": password},
        headers={"X-Forwarded-For": fresh_address()},  # registering is limited per address
    )
    assert response.status_code == 200, response.text
    http.cookies.clear()  # tests say which token they send
    return token_from(response)


async def eventually(read: Callable[[], Awaitable[Any]], expected: Any, seconds: float = 2) -> None:
    """Poll ``read`` until it returns ``expected``: a change made outside the server reaches
    it through PostgreSQL's NOTIFY, within milliseconds."""
    found: Any = None
    for _ in range(int(seconds / 0.02)):
        if (found := await read()) == expected:
            return
        await asyncio.sleep(0.02)
    assert found == expected


# --- from conftest ---

DB_KIND = os.environ.get("CODINCOD_TEST_DB", "sqlite")


PG_ADMIN_URL = os.environ.get(
    "CODINCOD_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


TEST_SECRET = "test-secret-" + "x" * 40  # >= 32 bytes: pyjwt warns on shorter HMAC keys


TEST_BCRYPT_ROUNDS = 5


def server_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        "CODINCOD_DATA_DIR": str(data_dir),
        "CODINCOD_DATABASE_URL": database_url,
        "CODINCOD_JWT_SECRET": TEST_SECRET,
        "CODINCOD_BCRYPT_ROUNDS": str(TEST_BCRYPT_ROUNDS),
        "CODINCOD_ENV": "test",
        "CODINCOD_TRUSTED_PROXIES": "127.0.0.1/32,::1/128",
        "CODINCOD_LOG_LEVEL": "INFO",
        # Games start a second after "start" and may be as short as 2 s (they still take
        # the 10 s hand-in grace to end); a member who closed every socket leaves after 1 s.
        "CODINCOD_GAME_COUNTDOWN_SECONDS": "1",
        "CODINCOD_GAME_MIN_DURATION_SECONDS": "2",
        "CODINCOD_ROOM_RECONNECT_GRACE_SECONDS": "1",
    }
    env.update(extra)
    return env


# --- from test_puzzles_http ---


def auth(token: str) -> dict[str, str]:
    return {"Cookie": f"token={token}"}


async def make_moderator(username: str) -> None:
    await User.filter(username=username).update(role="moderator")


# --- from test_execution_http ---

SUM = "print(sum(map(int, input().split())))"


SUM_TESTS = [{"input": f"{n} {n + 1}", "output": str(2 * n + 1)} for n in range(10)]


async def python_id(http: httpx.AsyncClient) -> str:
    languages = (await http.get("/api/v1/programming-language")).json()["languages"]
    return next(item["_id"] for item in languages if item["language"] == "python")


async def sum_puzzle(http: httpx.AsyncClient, token: str, approve: bool = True) -> str:
    """A puzzle with ten validators and a reference solution."""
    created = await http.post("/api/v1/puzzle", json={"title": "Sum two"}, headers=auth(token))
    puzzle_id = created.json()["_id"]
    language = await python_id(http)
    edit = {"validators": SUM_TESTS, "solution": {"code": SUM, "programmingLanguage": language}}
    response = await http.put(f"/api/v1/puzzle/{puzzle_id}", json=edit, headers=auth(token))
    assert response.status_code == 200, response.text
    if approve:
        await Puzzle.filter(id=puzzle_id).update(visibility="approved")
    return puzzle_id


# --- from test_games_http ---


async def user_id(http: httpx.AsyncClient, token: str) -> str:
    return (await http.get("/api/v1/user/me", headers=auth(token))).json()["userId"]


async def submit(http: httpx.AsyncClient, token: str, puzzle_id: str, code: str) -> str:
    language = await python_id(http)
    response = await http.post(
        "/api/v1/submission",
        json={"puzzleId": puzzle_id, "programmingLanguage": language, "code": code},
        headers=auth(token),
    )
    assert response.status_code == 201, response.text
    return response.json()["_id"]


async def hand_in(http: httpx.AsyncClient, token: str, game_id: str, submission_id: str):
    return await http.post(
        "/api/v1/submission/game",
        json={"gameId": game_id, "submissionId": submission_id, "userId": "0" * 24},
        headers=auth(token),
    )


# --- from test_moderation_http ---

REASON = "Breaking the rules of the site"


async def moderator(http, name: str) -> tuple[str, str]:
    token = await register(http, name)
    found = await user_id(http, token)
    await User.filter(id=found).update(role="moderator")
    return token, found


async def player(http, name: str) -> tuple[str, str]:
    token = await register(http, name)
    return token, await user_id(http, token)


def plain(token: str) -> dict[str, str]:
    """What the frontend's moderation page sends: a cookie and no content type."""
    return {"Cookie": f"token={token}"}


async def report(http, token: str, kind: str, target: str, why: str = "x" * 30) -> str:
    made = await http.post(
        "/api/v1/report",
        json={"problematicIdentifier": target, "problemType": kind, "explanation": why},
        headers=auth(token),
    )
    assert made.status_code == 201, made.text
    return made.json()["_id"]


# --- from test_realtime ---


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def lobby(server: ServerProcess, token: str) -> Socket:
    socket = await Socket.open(server.url, "/ws", token)
    await socket.next("rooms:overview")
    return socket


async def users(http: httpx.AsyncClient, prefix: str, count: int) -> list[tuple[str, str]]:
    """``count`` new users as (token, id)."""
    made = []
    for n in range(count):
        token = await register(http, f"{prefix}{n}")
        made.append((token, await user_id(http, token)))
    return made


def listed(room_id: str) -> callable:
    return lambda frame: any(room["roomId"] == room_id for room in frame["rooms"])


def unlisted(room_id: str) -> callable:
    return lambda frame: not listed(room_id)(frame)


def with_users(count: int) -> callable:
    return lambda frame: len(frame["room"]["users"]) == count


async def hosted(host: Socket, **options) -> dict:
    host.drop()
    await host.send("room:host", **({"options": options} if options else {}))
    # A new room has its host alone (overviews of an earlier room may still be coming).
    return (await host.next("room:overview", with_users(1)))["room"]


async def started_game(sockets: list[Socket], room_id: str) -> str:
    """The host (first socket) starts; every member is sent to the game. Its id."""
    await sockets[0].send("game:start", roomId=room_id)
    urls = {(await s.next("game:start", timeout=10))["gameUrl"] for s in sockets}
    assert len(urls) == 1
    return urls.pop().rsplit("/", 1)[1]


async def game_with(server: ServerProcess, players: list[str], **options) -> str:
    """A game started from a room the first token hosts and the others join."""
    sockets = [await lobby(server, token) for token in players]
    try:
        room = await hosted(sockets[0], **options)
        for socket in sockets[1:]:
            await socket.send("room:join", roomId=room["roomId"])
        await sockets[0].next("room:overview", with_users(len(players)))
        return await started_game(sockets, room["roomId"])
    finally:
        for socket in sockets:
            await socket.close()


@asynccontextmanager
async def only_puzzle(puzzle_id: str) -> AsyncIterator[None]:
    """Only this puzzle may be drawn (for a test that solves it): the other approved ones step
    aside meanwhile."""
    others = list(
        await Puzzle.filter(visibility="approved")
        .exclude(id=puzzle_id)
        .values_list("id", flat=True)
    )
    await Puzzle.filter(id__in=others).update(visibility="review")
    try:
        yield
    finally:
        await Puzzle.filter(id__in=others).update(visibility="approved")


async def in_game(server: ServerProcess, token: str, game_id: str) -> Socket:
    return await Socket.open(server.url, f"/ws/game/{game_id}", token)
