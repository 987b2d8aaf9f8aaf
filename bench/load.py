"""Load benchmark: simulated users with think times, over real HTTP, against a real
``codincod serve`` (PostgreSQL with 2 workers, SQLite with its one worker), on this machine.

Each simulated user has its own account, session cookie, client address (``X-Forwarded-For``,
the server trusting 127.0.0.1 as a proxy, rate limits on) and keep-alive connection. It waits
a think time (uniform, 0.5x-1.5x of ``--think``, default 5 s: 2.5-7.5 s) between actions drawn
from this mix (and a third of them play games of 4 meanwhile: ``bench/players.py``):

  list     30 %  GET  /api/v1/puzzle?page=N&pageSize=20   (N uniform over every page)
  page     30 %  GET  /api/v1/puzzle/:id                  (Zipf over the 300 newest puzzles)
  me       15 %  GET  /api/v1/user/me
  profile  10 %  GET  /api/v1/user/:username              (another simulated user)
  comment   5 %  POST /api/v1/puzzle/:id/comment          (uniform over the 300 newest)
  vote      5 %  POST /api/v1/comment/:id/vote            (a seeded comment of those puzzles)
  execute   3 %  POST /api/v1/execute                     (Python, one test)
  submit    2 %  POST /api/v1/submission                  (Python, a puzzle with 3 validators)

Code runs on the Piston-speaking test peer (``tests/pistonpeer.py``, real Python subprocesses,
pinned to the second CPU with ``taskset``, as in ``bench/submissions.py``). Data, written
through the ORM in ``bench/puzzles.py``'s shape: 10,000 puzzles and 100,000 comments on
PostgreSQL, a tenth of that on SQLite. Passwords use bcrypt's lowest cost (4).

The load generator is a minimal asyncio HTTP/1.1 client (one connection per user, uvloop when
installed), spread over ``--procs`` processes. A latency runs from just before the request is
written (or the connection re-opened, when the server had closed it) to the last body byte.
Each step of users starts them over ``--ramp`` seconds, warms up ``--warmup`` seconds, then
measures ``--seconds``; it prints per route count, req/s, p50/p95/p99 and errors (non-2xx,
timeouts), the CPU of server, PostgreSQL, generator, peer and anything else on the machine
(other work there skews the figures), and the generator's own timer lag. A step is within
targets when, over all requests, p50 < 50 ms, p95 < 200 ms, p99 < 500 ms and at most 1 % are
errors.

    .venv/bin/python bench/load.py [--db postgres|sqlite|both] [--users 500,1000,2000]
        [--seconds 60] [--workers N] [--think 5] [--procs 2] [--mix execute=0,submit=0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import websockets
from common import PYTHON, BenchDatabase, Server, codincod_server, free_port
from players import GROUP, GameCounts, Lines, Seat, play, start_game

from codincod.config import Settings

SOLUTION = "print(sum(map(int, input().split())))"
SUBMIT_VALIDATORS = [("1 2", "3"), ("10 20", "30"), ("7 -7", "0")]
SUBMIT_PUZZLES = 4
POPULAR = 300
PAGE_SIZE = 20
SIZES = {"postgres": (10_000, 100_000), "sqlite": (1_000, 10_000)}  # puzzles, comments
SEED_USERS, HOT_COMMENTS = 200, 50
MIX: tuple[tuple[str, int], ...] = (
    ("list", 30),
    ("page", 30),
    ("me", 15),
    ("profile", 10),
    ("comment", 5),
    ("vote", 5),
    ("execute", 3),
    ("submit", 2),
)
TARGETS = {"p50": 50.0, "p95": 200.0, "p99": 500.0}
CHAT_P99_MS = 200.0
MAX_ERROR_SHARE = 0.01
PASSWORD = "a long password!!"
JUDGED = frozenset({"execute", "submit", "game-submit"})  # the answer says if the code passed
EXECUTION = JUDGED  # the routes that run code: outside the targets, reported apart


# --- a minimal HTTP/1.1 keep-alive client ---------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[bytes, bytes]
    body: bytes


class HttpConnection:
    """One keep-alive connection; re-opened when the server has closed it."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        lines = [f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
        self.prefix = ("\r\n".join(lines) + "\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = False

    async def open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.used = False

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, target: str, body: bytes | None = None) -> Response:
        head = f"{method} {target} HTTP/1.1\r\n".encode() + self.prefix
        if body is not None:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        data = head + b"\r\n" + (body or b"")
        for attempt in (1, 2):
            if self.reader is None or self.reader.at_eof():
                await self.open()
            assert self.reader is not None and self.writer is not None
            reused = self.used
            self.used = True
            try:
                self.writer.write(data)
                return await self._read_response()
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                self.close()
                partial = isinstance(error, asyncio.IncompleteReadError) and error.partial
                if attempt == 2 or not reused or partial:
                    raise  # only a reused connection closed under us is tried again
        raise AssertionError("unreachable")

    async def _read_response(self) -> Response:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._read_chunked()
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = await self.reader.read()
            headers[b"connection"] = b"close"
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return Response(status, headers, body)

    async def _read_chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


# --- what the users aim at ------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    token: str
    address: str


@dataclass(frozen=True)
class World:
    """The seeded data the mix points at."""

    pages: int
    popular: list[str]  # puzzle ids, most popular first
    comment_ids: list[str]
    submit_puzzles: list[str]
    language_id: str = ""
    popular_weights: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    port: int
    start: float  # time.monotonic(), shared by every process on Linux
    ramp: float
    measure_from: float
    measure_until: float
    think: float
    timeout: float
    seed: int
    mix: tuple[tuple[str, int], ...] = MIX
    hand_ins: bool = True


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter[str]] = field(default_factory=dict)
    bodies: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    lag_ms: list[float] = field(default_factory=list)
    games: GameCounts = field(default_factory=GameCounts)

    def merge(self, other: Samples) -> None:
        self.games.merge(other.games)
        for route, values in other.latencies.items():
            self.latencies.setdefault(route, []).extend(values)
        for route, counts in other.errors.items():
            self.errors.setdefault(route, Counter()).update(counts)
        for key, bodies in other.bodies.items():
            kept = self.bodies.setdefault(key, [])
            kept.extend(bodies[: 3 - len(kept)])
        self.lag_ms.extend(other.lag_ms)


Request = tuple[str, str, bytes | None]


def build_request(route: str, world: World, accounts: list[Account], rng: random.Random) -> Request:
    if route == "list":
        page = rng.randint(1, world.pages)
        return "GET", f"/api/v1/puzzle?page={page}&pageSize={PAGE_SIZE}", None
    if route == "page":
        puzzle = rng.choices(world.popular, cum_weights=world.popular_weights)[0]
        return "GET", f"/api/v1/puzzle/{puzzle}", None
    if route == "me":
        return "GET", "/api/v1/user/me", None
    if route == "profile":
        return "GET", f"/api/v1/user/{rng.choice(accounts).username}", None
    if route == "comment":
        text = f"Nice one, took me {rng.randint(2, 90)} minutes."
        body = json.dumps({"text": text}).encode()
        return "POST", f"/api/v1/puzzle/{rng.choice(world.popular)}/comment", body
    if route == "vote":
        body = json.dumps({"type": rng.choice(("upvote", "downvote"))}).encode()
        return "POST", f"/api/v1/comment/{rng.choice(world.comment_ids)}/vote", body
    if route == "execute":
        a, b = rng.randint(1, 99), rng.randint(1, 99)
        run = {"code": SOLUTION, "language": "python", "testInput": f"{a} {b}"}
        return "POST", "/api/v1/execute", json.dumps({**run, "testOutput": str(a + b)}).encode()
    if route == "submit":
        submission = {
            "puzzleId": rng.choice(world.submit_puzzles),
            "programmingLanguage": world.language_id,
            "code": SOLUTION,
        }
        return "POST", "/api/v1/submission", json.dumps(submission).encode()
    raise ValueError(route)


# --- one generator process ------------------------------------------------------------------------


async def exchange(
    connection: HttpConnection, route: str, method: str, target: str, body: bytes | None, plan: Plan
) -> tuple[str, bytes]:
    """One request: what went wrong ("" when nothing did: a 2xx, and for code runs a success)
    and the answer's body."""
    try:
        async with asyncio.timeout(plan.timeout):
            response = await connection.request(method, target, body)
    except TimeoutError:
        connection.close()
        return "timeout", b""
    except (OSError, asyncio.IncompleteReadError):
        connection.close()
        return "connection", b""
    if not 200 <= response.status < 300:
        return str(response.status), response.body
    if route in JUDGED and b'"result":"success"' not in response.body:
        return "wrong", response.body  # the code ran, but was not judged a success
    return "", response.body


def _event_loop_policy() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


async def _simulate(
    plan: Plan,
    world: World,
    mine: list[Account],
    everyone: list[Account],
    groups: list[list[Account]],
) -> Samples:
    rng = random.Random(plan.seed)
    routes = [route for route, _ in plan.mix]
    cumulative = []
    total = 0
    for _, weight in plan.mix:
        total += weight
        cumulative.append(total)
    samples = Samples(
        latencies={route: [] for route in routes}, errors={route: Counter() for route in routes}
    )

    def measuring(moment: float) -> bool:
        return plan.measure_from <= moment < plan.measure_until

    async def pause(seconds: float) -> None:
        wanted = time.monotonic() + seconds
        await asyncio.sleep(seconds)
        woke = time.monotonic()
        if measuring(woke):
            samples.lag_ms.append((woke - wanted) * 1000)

    async def user(account: Account, index: int) -> None:
        headers = {"Cookie": f"token={account.token}", "X-Forwarded-For": account.address}
        connection = HttpConnection(plan.port, headers)
        await asyncio.sleep(max(0.0, plan.start + index / len(mine) * plan.ramp - time.monotonic()))
        try:
            await connection.open()
            while (now := time.monotonic()) < plan.measure_until:
                route = rng.choices(routes, cum_weights=cumulative)[0]
                method, target, body = build_request(route, world, everyone, rng)
                started = time.perf_counter()
                status, answer = await exchange(connection, route, method, target, body, plan)
                elapsed = (time.perf_counter() - started) * 1000
                if measuring(now):
                    if status:
                        samples.errors[route][status] += 1
                        if status[0] == "5" or status in ("400", "wrong"):
                            kept = samples.bodies.setdefault((route, status), [])
                            if len(kept) < 3:
                                kept.append(f"{method} {target}: {answer[:300]!r}")
                    else:
                        samples.latencies[route].append(elapsed)
                think = plan.think * rng.uniform(0.5, 1.5)
                await pause(min(think, max(0.0, plan.measure_until - time.monotonic())))
        finally:
            connection.close()

    lines = Lines()
    connections: dict[str, HttpConnection] = {}

    def record(route: str, started: float, status: str, body: bytes) -> None:
        if not measuring(time.monotonic()):
            return
        samples.latencies.setdefault(route, [])
        if status:
            samples.errors.setdefault(route, Counter())[status] += 1
            kept = samples.bodies.setdefault((route, status), [])
            if len(kept) < 3:
                kept.append(body[:300].decode(errors="replace"))
        else:
            samples.latencies[route].append((time.perf_counter() - started) * 1000)

    async def timed(seat: Seat, route: str, target: str, body: dict[str, object]) -> bytes | None:
        connection = connections.setdefault(
            seat.username,
            HttpConnection(
                plan.port, {"Cookie": f"token={seat.token}", "X-Forwarded-For": seat.address}
            ),
        )
        started = time.perf_counter()
        sent = json.dumps(body).encode()
        status, answer = await exchange(connection, route, "POST", target, sent, plan)
        record(route, started, status, answer)
        return None if status else answer

    async def hand_in(seat: Seat, game_id: str, puzzle_id: str) -> None:
        run = {"puzzleId": puzzle_id, "programmingLanguage": world.language_id, "code": SOLUTION}
        made = await timed(seat, "game-submit", "/api/v1/submission", run)
        if made is None:
            samples.games.hand_in_failures["submission"] += 1
            return
        handed = {"gameId": game_id, "submissionId": json.loads(made)["submissionId"]}
        if await timed(seat, "hand-in", "/api/v1/submission/game", handed) is None:
            samples.games.hand_in_failures["hand-in"] += 1
        else:
            samples.games.hand_ins += 1

    async def no_hand_in(seat: Seat, game_id: str, puzzle_id: str) -> None:
        return None

    async def group(accounts: list[Account], index: int) -> None:
        slot = plan.start + index / max(1, len(groups)) * plan.ramp
        await asyncio.sleep(max(0.0, slot - time.monotonic()))
        seats = [Seat(a.username, a.token, a.address) for a in accounts]
        game_id = await start_game(plan.port, seats, samples.games)
        if game_id is None:
            return
        window = (plan.measure_from, plan.measure_until)
        handing = hand_in if plan.hand_ins else no_hand_in
        try:
            await play(plan.port, seats, game_id, lines, handing, window, rng)
        except (OSError, websockets.WebSocketException) as error:
            samples.games.start_failures[f"socket {type(error).__name__}"] += 1

    try:
        await asyncio.gather(
            *(user(account, n) for n, account in enumerate(mine)),
            *(group(accounts, n) for n, accounts in enumerate(groups)),
        )
    finally:
        for connection in connections.values():
            connection.close()
    samples.games.chat_ms = lines.counted
    samples.games.chat_sent, samples.games.chat_complete = lines.complete()
    return samples


def _generator_process(
    plan: Plan,
    world: World,
    mine: list[Account],
    everyone: list[Account],
    groups: list[list[Account]],
    out: Connection,
) -> None:
    _event_loop_policy()
    out.send(asyncio.run(_simulate(plan, world, mine, everyone, groups)))
    out.close()


# --- CPU accounting from /proc --------------------------------------------------------------------


TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


@dataclass(frozen=True)
class CpuSnapshot:
    at: float
    groups: dict[str, int]  # clock ticks of each group, children reaped included
    busy: int
    total: int


def cpu_snapshot(sessions: dict[int, str], pids: dict[int, str]) -> CpuSnapshot:
    groups: Counter[str] = Counter()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        ticks = sum(int(value) for value in rest[11:15])  # utime stime cutime cstime
        pid, session = int(entry.name), int(rest[3])
        if pid in pids:
            groups[pids[pid]] += ticks
        elif session in sessions:
            groups[sessions[session]] += ticks
        elif comm.startswith("postgres"):
            groups["postgres"] += ticks
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return CpuSnapshot(time.monotonic(), dict(groups), sum(values[:8]) - idle, sum(values[:8]))


def cpu_shares(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """Per group, % of one core; ``machine`` is the whole machine's busy share."""
    seconds = after.at - before.at
    shares = {
        name: (after.groups.get(name, 0) - before.groups.get(name, 0)) / TICKS / seconds * 100
        for name in after.groups
    }
    machine = (after.busy - before.busy) / max(1, after.total - before.total)
    shares["other"] = max(0.0, machine * CPUS * 100 - sum(shares.values()))
    shares["machine"] = machine * 100
    return shares


# --- one step of users ----------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class StepResult:
    users: int
    within: bool
    line: str


def run_step(
    users: int,
    accounts: list[Account],
    world: World,
    server: Server,
    peer: Server,
    args: argparse.Namespace,
) -> StepResult:
    assert server.process is not None and peer.process is not None
    mine = accounts[:users]
    playing = int(users * args.players) // GROUP * GROUP
    groups = [mine[n : n + GROUP] for n in range(0, playing, GROUP)]
    browsing = mine[playing:]
    processes = max(1, min(args.procs, users))
    start = time.monotonic() + 1.0
    measure_from = start + args.ramp + args.warmup
    plan = Plan(
        port=server.port,
        start=start,
        ramp=args.ramp,
        measure_from=measure_from,
        measure_until=measure_from + args.seconds,
        think=args.think,
        timeout=args.timeout,
        seed=0,
        mix=args.mix,
        hand_ins=args.hand_ins,
    )
    context = multiprocessing.get_context("fork")
    workers = []
    for n in range(processes):
        receive, send = context.Pipe(duplex=False)
        share = browsing[n::processes]
        own_plan = Plan(**{**plan.__dict__, "seed": n + 1})
        process = context.Process(
            target=_generator_process,
            args=(own_plan, world, share, mine, groups[n::processes], send),
            daemon=True,
        )
        process.start()
        send.close()
        workers.append((process, receive))
    sessions = {server.process.pid: "server", peer.process.pid: "peer"}
    pids = {process.pid: "generator" for process, _ in workers if process.pid is not None}
    time.sleep(max(0.0, plan.measure_from - time.monotonic()))
    before = cpu_snapshot(sessions, pids)
    time.sleep(max(0.0, plan.measure_until - time.monotonic()))
    after = cpu_snapshot(sessions, pids)
    samples = Samples()
    for process, receive in workers:
        samples.merge(receive.recv())
        process.join()
    return report_step(users, samples, cpu_shares(before, after), processes, args, len(groups))


def report_step(
    users: int,
    samples: Samples,
    cpu: dict[str, float],
    processes: int,
    args: argparse.Namespace,
    games: int = 0,
) -> StepResult:
    seconds = args.seconds
    after = f"after {args.ramp:g} s ramp + {args.warmup:g} s warm-up"
    print(f"\n-- {users} users, {seconds} s measured ({after})")
    print(
        f"{'route':<9} {'count':>7} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}  errors"
    )
    everything: list[float] = []
    error_total = 0

    def row(name: str, ordered: list[float], errors: Counter[str]) -> None:
        count = len(ordered) + sum(errors.values())
        listed = ", ".join(f"{status}x{n}" for status, n in errors.most_common()) or "0"
        print(
            f"{name:<9} {count:>7} {count / seconds:>8.1f} {percentile(ordered, 0.50):>9.1f} "
            f"{percentile(ordered, 0.95):>9.1f} {percentile(ordered, 0.99):>9.1f}  {listed}"
        )

    all_errors: Counter[str] = Counter()
    routes = [route for route, _ in args.mix] + [r for r in ("game-submit", "hand-in") if games]
    for route in routes:
        ordered = sorted(samples.latencies.get(route, []))
        errors = samples.errors.get(route, Counter())
        row(route, ordered, errors)
        if route in EXECUTION:  # code runs: reported, outside the targets
            continue
        everything += ordered
        all_errors.update(errors)
        error_total += sum(errors.values())
    everything.sort()
    row("no-exec", everything, all_errors)
    count = len(everything) + error_total
    p50, p95, p99 = (percentile(everything, share) for share in (0.50, 0.95, 0.99))
    error_share = error_total / count if count else 1.0
    within = (
        count > 0
        and p50 < TARGETS["p50"]
        and p95 < TARGETS["p95"]
        and p99 < TARGETS["p99"]
        and error_share <= MAX_ERROR_SHARE
    )
    game_line = ""
    if games:
        counted = samples.games
        chat = sorted(counted.chat_ms)
        complete = counted.chat_complete / counted.chat_sent if counted.chat_sent else 0.0
        chat_p = [percentile(chat, share) for share in (0.50, 0.95, 0.99)]
        failures = dict(counted.start_failures) or ""
        print(
            f"games: {counted.started} of {counted.planned} started {failures}; chat:"
            f" {counted.chat_sent} lines in the window, {complete:.2%} reached every other"
            f" player, delivery p50/p95/p99"
            f" {chat_p[0]:.1f}/{chat_p[1]:.1f}/{chat_p[2]:.1f} ms ({len(chat)} deliveries);"
            f" hand-ins {counted.hand_ins} {dict(counted.hand_in_failures) or ''}"
        )
        started_all = counted.started == counted.planned == games
        within = within and started_all and complete == 1.0 and chat_p[2] < CHAT_P99_MS
        game_line = (
            f"; games {counted.started}/{games}, chat"
            f" {complete:.1%} delivered, chat p99 {chat_p[2]:.0f} ms"
        )
    lag = sorted(samples.lag_ms)
    print(
        f"CPU, % of one core ({CPUS * 100} % = this machine): "
        f"server {cpu.get('server', 0):.0f} %, postgres {cpu.get('postgres', 0):.0f} %, "
        f"generator {cpu.get('generator', 0):.0f} % ({processes} processes), "
        f"peer {cpu.get('peer', 0):.0f} %, anything else {cpu['other']:.0f} %; "
        f"machine busy {cpu['machine']:.0f} % of {CPUS} cores"
    )
    print(
        f"generator timer lag: p50 {percentile(lag, 0.5):.1f} ms, "
        f"p99 {percentile(lag, 0.99):.1f} ms, max {lag[-1] if lag else float('nan'):.1f} ms"
    )
    for (route, status), bodies in sorted(samples.bodies.items()):
        for body in bodies:
            print(f"  {route} {status}: {body}")
    verdict = "within targets" if within else "NOT within targets"
    line = (
        f"{users:>5} users: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, p99 {p99:6.1f} ms, "
        f"errors {error_share:.2%}, {count / seconds:.0f} req/s, server CPU "
        f"{cpu.get('server', 0):.0f} %, generator CPU {cpu.get('generator', 0):.0f} %{game_line}"
        f" -> {verdict}"
    )
    print(line)
    return StepResult(users, within, line)


# --- data -----------------------------------------------------------------------------------------


class SqliteDatabase(BenchDatabase):
    """A fresh SQLite file in a temporary data directory, migrated with the real CLI."""

    def __init__(self) -> None:
        self.name = "sqlite"
        self.data_dir = Path(tempfile.mkdtemp(prefix="codincod-load-"))
        self.url = f"sqlite://{self.data_dir / 'codincod.sqlite3'}"

    def __enter__(self) -> SqliteDatabase:
        self.cli("db", "upgrade")
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _settings(database: BenchDatabase) -> Settings:
    return Settings(database_url=database.url, data_dir=database.data_dir, jwt_secret="x" * 48)


async def seed(database: BenchDatabase, puzzle_count: int, comment_count: int) -> None:
    """bench/puzzles.py's shape (200 authors; approved puzzles a minute apart, the newest with
    10 validators and 50 comments; the other comments spread at random), through the ORM."""
    from codincod import db
    from codincod.accounts.models import User
    from codincod.comments.models import Comment
    from codincod.puzzles.models import Puzzle, Validator

    await db.init_db(_settings(database))
    try:
        now = datetime.now(UTC)
        users = [
            User(username=f"bench_{n}", email=f"bench_{n}@example.com", password_hash="x")
            for n in range(SEED_USERS)
        ]
        await User.bulk_create(users, batch_size=1000)
        puzzles = [
            Puzzle(
                title=f"Puzzle number {n}",
                statement="Print the answer.",
                constraints="none",
                difficulty=random.choice(["beginner", "intermediate", "advanced", "expert"]),
                visibility="approved",
                tags=["math"] if n % 3 else [],
                author_id=random.choice(users).id,
                created_at=now - timedelta(minutes=n),
                updated_at=now - timedelta(minutes=n),
            )
            for n in range(puzzle_count)
        ]
        await Puzzle.bulk_create(puzzles, batch_size=1000)
        hot = puzzles[0].id
        await Validator.bulk_create(
            [
                Validator(puzzle_id=hot, position=n, input=f"{n} {n}", output=str(2 * n))
                for n in range(10)
            ]
        )
        # One test each elsewhere: a game draws any approved puzzle, and its players hand in.
        await Validator.bulk_create(
            [Validator(puzzle_id=p.id, position=0, input="1 2", output="3") for p in puzzles[1:]],
            batch_size=1000,
        )
        comments = [
            Comment(
                text=f"Comment {n}: nice one",
                comment_type="puzzle-comment",
                upvote=n % 7,
                downvote=n % 3,
                author_id=random.choice(users).id,
                puzzle_id=hot if n < HOT_COMMENTS else random.choice(puzzles[1:]).id,
            )
            for n in range(comment_count)
        ]
        await Comment.bulk_create(comments, batch_size=1000)
        await db.connection().execute_script("ANALYZE")
    finally:
        await db.close_db()


async def describe_world(database: BenchDatabase) -> World:
    """The popular puzzles, their comments, and a few puzzles given validators to submit to."""
    from codincod import db
    from codincod.comments.models import Comment
    from codincod.puzzles.models import Puzzle, Validator

    await db.init_db(_settings(database))
    try:
        approved = Puzzle.filter(visibility="approved")
        total = await approved.count()
        popular = await approved.order_by("-created_at").limit(POPULAR).values_list("id", flat=True)
        comment_ids = await Comment.filter(puzzle_id__in=popular).values_list("id", flat=True)
        submit = list(popular[1 : 1 + SUBMIT_PUZZLES])
        await Validator.filter(puzzle_id__in=submit).delete()
        await Validator.bulk_create(
            [
                Validator(puzzle_id=puzzle, position=n, input=given, output=expected)
                for puzzle in submit
                for n, (given, expected) in enumerate(SUBMIT_VALIDATORS)
            ]
        )
    finally:
        await db.close_db()
    weights, running = [], 0.0
    for rank in range(len(popular)):
        running += 1 / (rank + 1)
        weights.append(running)
    return World(
        pages=max(1, -(-total // PAGE_SIZE)),
        popular=list(popular),
        comment_ids=list(comment_ids),
        submit_puzzles=submit,
        popular_weights=weights,
    )


def peer_server() -> Server:
    """The Piston-speaking peer, pinned to the second CPU (see bench/submissions.py)."""
    port = free_port()
    command = ["taskset", "-c", "1", PYTHON, "-m", "tests.pistonpeer", "--port", str(port)]
    return Server(command, dict(os.environ), port, "/api/v2/runtimes")


def client_address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


async def register_users(port: int, count: int, run: str) -> list[Account]:
    """``count`` accounts, each registered from its own client address, 16 at a time."""
    pending = asyncio.Semaphore(16)
    token_pattern = re.compile(rb"token=([^;]+)")

    async def one(n: int) -> Account:
        name, address = f"load_{run}_{n}", client_address(n + 1)
        body = json.dumps(
            {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        ).encode()
        async with pending:
            connection = HttpConnection(port, {"X-Forwarded-For": address})
            try:
                response = await connection.request("POST", "/api/v1/register", body)
            finally:
                connection.close()
        match = token_pattern.search(response.headers.get(b"set-cookie", b""))
        if response.status != 200 or match is None:
            raise SystemExit(f"cannot register {name}: {response.status} {response.body[:300]!r}")
        return Account(name, match.group(1).decode(), address)

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def python_language(port: int) -> str:
    connection = HttpConnection(port, {})
    try:
        response = await connection.request("GET", "/api/v1/programming-language")
    finally:
        connection.close()
    languages = json.loads(response.body)["languages"]
    return next(item["_id"] for item in languages if item["language"] == "python")


# --- driving --------------------------------------------------------------------------------------


@contextmanager
def prepared(kind: str) -> Iterator[tuple[BenchDatabase, World, str]]:
    database: BenchDatabase = BenchDatabase() if kind == "postgres" else SqliteDatabase()
    with database:
        started = time.monotonic()
        puzzle_count, comment_count = SIZES[kind]
        asyncio.run(seed(database, puzzle_count, comment_count))
        size = f"{puzzle_count:,} puzzles, {comment_count:,} comments"
        world = asyncio.run(describe_world(database))
        yield database, world, f"{size}, seeded in {time.monotonic() - started:.0f} s"


def run_database(kind: str, steps: list[int], args: argparse.Namespace) -> list[StepResult]:
    workers = args.workers or (2 if kind == "postgres" else 1)
    if kind == "sqlite" and workers > 1:
        print("SQLite serves with one worker whatever --workers says (server/runner.py)")
        workers = 1
    label = "PostgreSQL" if kind == "postgres" else "SQLite"
    results = []
    with prepared(kind) as (database, world, seeded), peer_server() as peer:
        extra = {
            "CODINCOD_PISTON_URL": peer.url,
            "CODINCOD_TRUSTED_PROXIES": "127.0.0.1",
            "CODINCOD_RATE_LIMIT_ENABLED": "true",
            "CODINCOD_BCRYPT_ROUNDS": "4",
            "CODINCOD_GAME_COUNTDOWN_SECONDS": "2",
        }
        with codincod_server(database, workers, **extra) as server:
            print(f"\n==== {label}, {workers} worker(s); {seeded}")
            started = time.monotonic()
            accounts = asyncio.run(register_users(server.port, max(steps), secrets.token_hex(2)))
            language = asyncio.run(python_language(server.port))
            world = World(**{**world.__dict__, "language_id": language})
            print(
                f"registered {len(accounts)} users in {time.monotonic() - started:.1f} s "
                f"(bcrypt cost 4); rate limits on, each user its own X-Forwarded-For"
            )
            for users in steps:
                results.append(run_step(users, accounts, world, server, peer, args))
    return results


def parse_mix(text: str) -> tuple[tuple[str, int], ...]:
    weights = dict(MIX)
    for part in filter(None, (item.strip() for item in text.split(","))):
        route, _, weight = part.partition("=")
        if route not in weights:
            raise SystemExit(f"--mix: unknown route {route!r}; routes: {', '.join(weights)}")
        weights[route] = int(weight)
    return tuple((route, weight) for route, weight in weights.items() if weight > 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--workers", type=int, help="default: 2 on PostgreSQL, 1 on SQLite")
    parser.add_argument("--users", default="500,1000,2000,3000,4000", help="steps, comma separated")
    parser.add_argument("--seconds", type=int, default=60, help="measured time of each step")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time, seconds")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start every user")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds after the ramp")
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument(
        "--mix", default="", help="weights to change, e.g. execute=0,submit=0 (no code runs)"
    )
    parser.add_argument(
        "--players",
        type=float,
        default=1 / 3,
        help="share of the users who play games of 4 (default a third; 0: nobody plays)",
    )
    parser.add_argument(
        "--no-hand-ins",
        dest="hand_ins",
        action="store_false",
        help="players chat but hand nothing in (no code runs at all with --mix execute=0,submit=0)",
    )
    args = parser.parse_args()
    steps = sorted({int(part) for part in args.users.split(",") if part.strip()})

    args.mix = parse_mix(args.mix)
    total = sum(weight for _, weight in args.mix)
    mix = ", ".join(f"{route} {weight / total:.0%}" for route, weight in args.mix)
    print(f"mix: {mix}; think {args.think * 0.5:g}-{args.think * 1.5:g} s (uniform)")
    targets = ", ".join(f"{name} < {value:g} ms" for name, value in TARGETS.items())
    print(f"targets over all requests: {targets}, errors <= {MAX_ERROR_SHARE:.0%}")
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    print(f"generator: {args.procs} processes, {loop}, one keep-alive connection per user")
    if args.players:
        hand_ins = "one hand-in each" if args.hand_ins else "no hand-ins"
        print(
            f"players: {args.players:.0%} of the users in private games of 4 (lobby, invite code,"
            f" start), a chat line every 2.5-7.5 s each, {hand_ins}; also within targets only if"
            f" every game starts, every line reaches every other player and chat p99 <"
            f" {CHAT_P99_MS:g} ms"
        )

    summary: list[tuple[str, list[StepResult]]] = []
    kinds = ("postgres", "sqlite") if args.db == "both" else (args.db,)
    for kind in kinds:
        summary.append((kind, run_database(kind, steps, args)))
    print("\n==== summary")
    for kind, results in summary:
        for result in results:
            print(f"{kind:<8} {result.line}")
        best = max((result.users for result in results if result.within), default=0)
        print(f"{kind:<8} largest number of users within targets: {best}")


if __name__ == "__main__":
    main()
