"""What an operator relies on, through real server processes: Prometheus figures right with
several workers, logs (text and JSON) without a secret and a clean stop, and the draining stop
that hands a live game over to another process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from codincod import __version__
from tests.support import (
    DB_KIND,
    SUM,
    TEST_SECRET,
    ServerProcess,
    client,
    free_port,
    fresh_address,
    game_with,
    hand_in,
    in_game,
    lobby,
    only_puzzle,
    register,
    submit,
    sum_puzzle,
    token_from,
    users,
)

pytestmark = pytest.mark.usefixtures("orm")
METRICS_TOKEN = "metrics-" + "m" * 30


def _own(env: dict[str, str], tmp_path: Path, name: str, **extra: str) -> ServerProcess:
    return ServerProcess({**env, **extra}, tmp_path / f"{name}.log")


@pytest.fixture(scope="module")
def measured(
    env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A server with /metrics on, two workers where the database allows it, JSON logs."""
    workers = "2" if DB_KIND == "postgres" else "1"
    extra = {"CODINCOD_METRICS_TOKEN": METRICS_TOKEN, "CODINCOD_WORKERS": workers}
    folder = tmp_path_factory.mktemp("measured")
    process = _own(env, folder, "measured", CODINCOD_LOG_FORMAT="json", **extra)
    process.start()
    yield process
    process.stop()


def _figure(text: str, name: str, **labels: str) -> float:
    """One sample of the scrape, read with Prometheus's own parser (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


async def _scrape(url: str, token: str | None = METRICS_TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.get("/metrics", headers=headers)


async def test_metrics_are_off_without_a_token(server: ServerProcess) -> None:
    got = await _scrape(server.url)
    assert got.status_code == 404 and "CODINCOD_METRICS_TOKEN" in got.json()["message"]


async def test_one_scrape_counts_every_request_of_every_worker_once(
    measured: ServerProcess,
) -> None:
    assert (await _scrape(measured.url, None)).status_code == 401
    assert (await _scrape(measured.url, "wrong")).status_code == 401
    count = 60

    async def once() -> None:  # a connection each: the workers share the listening socket
        async with httpx.AsyncClient(base_url=measured.url) as http:
            assert (await http.get("/api/v1/health/live")).status_code == 200

    for _ in range(count // 6):
        await asyncio.gather(*(once() for _ in range(6)))
    async with client(measured.url) as http:
        token = await register(http, "metrics_named")
        await http.get("/api/v1/user/metrics_named", headers={"Authorization": f"Bearer {token}"})
        run = {"code": "print(input())", "language": "python", "testInput": "1", "testOutput": "1"}
        ran = await http.post(
            "/api/v1/execute", json=run, headers={"Authorization": f"Bearer {token}"}
        )
        assert ran.status_code == 200, ran.text
        socket = await lobby(measured, token)
        try:
            got = await _scrape(measured.url)
        finally:
            await socket.close()
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/plain")
    text = got.text
    live = {"method": "GET", "route": "/api/v1/health/live", "status": "200"}
    assert _figure(text, "codincod_http_requests_total", **live) == count
    named = {"method": "GET", "route": "/api/v1/user/{username}", "status": "200"}
    assert _figure(text, "codincod_http_requests_total", **named) == 1
    assert "metrics_named" not in text and token not in text  # templates, never names
    assert _figure(text, "codincod_executor_runs_total", kind="embedded", outcome="ok") == 1
    assert _figure(text, "codincod_websocket_connections", kind="lobby") == 1
    assert _figure(text, "codincod_build_info", version=__version__) == 1
    assert _figure(text, "codincod_database_connections") >= 1
    # Read from the database, shared with the run's other tests: there, whatever they are.
    assert "\ncodincod_games_live " in text and "\ncodincod_rooms_live " in text
    assert "codincod_http_request_duration_seconds_bucket" in text
    await _served_by_every_worker(measured, "/api/v1/health/live")


async def _served_by_every_worker(server: ServerProcess, route: str) -> None:
    """The route's access lines (written within half a second) name every worker."""
    workers = 2 if DB_KIND == "postgres" else 1
    for _ in range(30):
        lines = map(orjson.loads, server.log().splitlines())
        served_by = {line["process"] for line in lines if line.get("route") == route}
        if len(served_by) == workers:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{route} served by {served_by}, not by {workers} workers")


# --- limits shared by every process ---------------------------------------------------------


async def test_two_workers_give_a_client_the_budget_of_one(measured: ServerProcess) -> None:
    """Logins are limited to 5 a minute per address. Tries at once, each on its own
    connection, until both workers have answered some: 5 in all get an answer, the rest a
    refusal (429), as with one worker."""
    address = fresh_address()
    wrong = {"identifier": "nobody_here", "password": "not the password"}

    async def attempt() -> int:
        async with httpx.AsyncClient(base_url=measured.url) as http:
            got = await http.post("/api/v1/login", json=wrong, headers={"X-Forwarded-For": address})
            return got.status_code

    statuses: list[int] = []
    for _ in range(10):
        statuses += await asyncio.gather(*(attempt() for _ in range(6)))
        with contextlib.suppress(AssertionError):
            await _served_by_every_worker(measured, "/api/v1/login")
            break
    await _served_by_every_worker(measured, "/api/v1/login")
    answered = [status for status in statuses if status != 429]
    assert len(answered) == 5 and set(answered) <= {400, 401}, statuses


# --- logs -----------------------------------------------------------------------------------

PASSWORD, WRONG, IN_QUERY = "correct horse battery", "wrong horse battery", "query-secret-123"


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_logs_hold_no_secret_and_a_clean_stop_logs_no_warning(
    env: dict[str, str], tmp_path: Path, log_format: str
) -> None:
    own = _own(env, tmp_path, log_format, CODINCOD_LOG_FORMAT=log_format)
    own.start()
    try:
        async with client(own.url) as http:
            name = f"logs_{log_format}"
            token = await register(http, name, PASSWORD)
            login = {"identifier": name, "password": PASSWORD}
            fresh = token_from(await http.post("/api/v1/login", json=login))
            refused = await http.post("/api/v1/login", json={**login, "password": WRONG})
            assert refused.status_code == 400 or refused.status_code == 401
            cookie = http.cookies.get("token")
            await http.get("/api/v1/user/me", headers={"Authorization": f"Bearer {fresh}"})
            await http.get("/api/v1/user/me", headers={"Cookie": f"token={token}"})
            await http.get(f"/api/v1/puzzle?token={token}&password={IN_QUERY}&page=1")
            async with websockets.connect(f"ws{own.url[4:]}/ws?token={token}") as ws:
                await ws.close()
        size = own.log_file.stat().st_size
        assert own.process is not None
        os.killpg(own.process.pid, signal.SIGTERM)
        own.process.wait(timeout=15)
    finally:
        own.stop()
    log = own.log()
    for secret in (PASSWORD, WRONG, IN_QUERY, token, fresh, TEST_SECRET, cookie):
        assert not secret or secret not in log, f"a secret reached the log: {secret[:6]}..."
    assert "password=[redacted]" in log and "token=[redacted]" in log
    stop = log.encode()[size:].decode()
    if log_format == "text":
        assert not re.search(r" (WARNING|ERROR|CRITICAL) ", stop), stop
        assert '"GET /ws?token=[redacted]" 101' in log
        return
    lines = [orjson.loads(line) for line in log.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "message"} <= line.keys() for line in lines)
    assert all(orjson.loads(line)["level"] == "INFO" for line in stop.splitlines()), stop
    me = [line for line in lines if line.get("route") == "/api/v1/user/me"]
    assert me and all(line["status"] == 200 and line["user_id"] for line in me)
    assert {"request_id", "method", "route", "status", "duration_ms"} <= me[0].keys()
    sockets = [line for line in lines if line.get("route") == "/ws"]
    assert sockets and sockets[0]["status"] == 101


# --- the draining stop ----------------------------------------------------------------------


async def test_a_stopping_process_drains_and_its_players_finish_elsewhere(
    server: ServerProcess, env: dict[str, str], tmp_path: Path
) -> None:
    """SIGTERM: the process says it is not ready while it still serves (the drain), finishes
    the request in flight, closes its sockets with 1001 and exits within 15 s; on PostgreSQL
    its players reconnect to the other process and play on there."""
    stopping = _own(env, tmp_path, "stopping", CODINCOD_DRAIN_SECONDS="1.5")
    stopping.start()
    async with client(stopping.url) as http:
        ((author, _),) = await users(http, "drain_author", 1)
        puzzle_id = await sum_puzzle(http, author)
        (alice, _), (bob, _) = await users(http, "drain", 2)
        async with only_puzzle(puzzle_id):  # the run's other tests have puzzles too
            game_id = await game_with(stopping, [alice, bob], maxGameDurationInSeconds=600)
        sockets = [await in_game(stopping, token, game_id) for token in (alice, bob)]
        for socket in sockets:
            await socket.next("game:overview", lambda f: "puzzle" in f)
        slow = {"code": "import time\ntime.sleep(2)\nprint(1)", "language": "python"}
        in_flight = asyncio.ensure_future(
            http.post(
                "/api/v1/execute",
                json={**slow, "testInput": "", "testOutput": "1"},
                headers={"Authorization": f"Bearer {alice}"},
            )
        )
        await asyncio.sleep(0.3)
        assert stopping.process is not None
        os.killpg(stopping.process.pid, signal.SIGTERM)
        asked = time.monotonic()
        await asyncio.sleep(0.3)
        ready = await http.get("/api/v1/health/ready")
        assert (ready.status_code, ready.json()["status"]) == (503, "draining")
        assert (await http.get("/api/v1/health/live")).status_code == 200
        for socket in sockets:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await socket.ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
        answered = await in_flight
        assert answered.status_code == 200 and answered.json()["run"]["stdout"] == "1\n"
    await asyncio.to_thread(stopping.process.wait, 15)
    assert time.monotonic() - asked < 15
    if DB_KIND != "postgres":
        return  # SQLite serves from one process: its players wait for it to come back
    again = [await in_game(server, token, game_id) for token in (alice, bob)]
    for socket in again:
        await socket.next("game:overview", lambda f: "puzzle" in f)
    async with client(server.url) as http:
        handed = await submit(http, bob, puzzle_id, SUM)
        assert (await hand_in(http, bob, game_id, handed)).status_code == 201
    for socket in again:  # the game goes on there: both see the hand-in
        await socket.next("game:overview", lambda f: len(f["game"]["playerSubmissions"]) == 1)
        await socket.close()


async def test_a_process_whose_executor_is_unreachable_is_not_ready(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Piston configured but down: the process lives (and serves what needs no code run) but
    is not ready, so a load balancer sends players elsewhere."""
    down = f"http://127.0.0.1:{free_port()}"
    own = _own(env, tmp_path, "no_piston", CODINCOD_PISTON_URL=down)
    own.start()
    try:
        async with client(own.url) as http:
            live = await http.get("/api/v1/health/live")
            ready = await http.get("/api/v1/health/ready")
            puzzles = await http.get("/api/v1/puzzle")
    finally:
        own.stop()
    assert live.status_code == 200 and puzzles.status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "OK",
        "executor": {"kind": "piston"},
    }
