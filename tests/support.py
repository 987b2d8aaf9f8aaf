"""Helpers for tests: running the CLI, a real server process, and HTTP clients."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "codincod.cli"]
_client_numbers = itertools.count(1)


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


def fresh_address() -> str:
    number = next(_client_numbers)
    return f"198.51.{100 + number // 250}.{number % 250 + 1}"


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
