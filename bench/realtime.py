"""Real-time delivery under load: game chat through real sockets, end to end.

1000 players in 250 games of 4, plus idle lobby sockets; every player chats every 2 s for the
measured window. Each line carries its send time; every socket that receives it (the sender's
own included) records the delay. Prints p50/p99 delivery, the server's CPU and its RSS per
socket, for: one worker on SQLite, one on PostgreSQL, and two processes on one PostgreSQL with
each game's players split across them (what crossing processes adds).

    .venv/bin/python bench/realtime.py [--players 1000] [--seconds 60] [--db both|sqlite|postgres]

Players and games are seeded through the ORM and sessions minted with the server's secret, so
the run measures sockets, not sign-ups. Clients run in separate processes on this machine; its
two cores are shared by clients, servers and PostgreSQL, so treat the figures as an upper
bound of what the server adds.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import PYTHON, BenchDatabase, Server, free_port
from load import SqliteDatabase, percentile

SECRET = "bench-secret-" + "b" * 40
PLAYERS_PER_GAME = 4
LOBBY_SOCKETS = 100
CHAT_EVERY = 2.0
GENERATORS = 2


@dataclass(frozen=True)
class Seat:
    token: str
    game_id: str
    port: int


async def seed(database: BenchDatabase, players: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Players (token, user id) and games of four, running for the next hour."""
    from codincod import db
    from codincod.accounts import tokens
    from codincod.accounts.models import User
    from codincod.config import Settings
    from codincod.games.models import Game, GamePlayer
    from codincod.puzzles.models import Puzzle

    await db.init_db(
        Settings(database_url=database.url, data_dir=database.data_dir, jwt_secret=SECRET)
    )
    try:
        users = [
            User(username=f"rt_{n}", email=f"rt_{n}@example.com", password_hash="x")
            for n in range(players + 1)
        ]
        await User.bulk_create(users, batch_size=1000)
        author, people = users[0], users[1:]
        puzzle = await Puzzle.create(title="Sum", visibility="approved", author_id=author.id)
        now = datetime.now(UTC)
        games = [
            Game(
                owner_id=people[n].id,
                puzzle_id=puzzle.id,
                start_time=now - timedelta(seconds=5),
                end_time=now + timedelta(hours=1),
                created_at=now - timedelta(seconds=20),
            )
            for n in range(0, len(people), PLAYERS_PER_GAME)
        ]
        await Game.bulk_create(games, batch_size=1000)
        seats = [
            GamePlayer(game_id=games[n // PLAYERS_PER_GAME].id, user_id=user.id, position=n % 4)
            for n, user in enumerate(people)
        ]
        await GamePlayer.bulk_create(seats, batch_size=1000)
        minted = [
            (
                tokens.issue(
                    user_id=u.id, username=u.username, role="user", secret=SECRET, ttl_seconds=7200
                ),
                u.id,
            )
            for u in people
        ]
        seat_games = [games[n // PLAYERS_PER_GAME].id for n in range(len(people))]
        return minted, seat_games
    finally:
        await db.close_db()


# --- a generator process ---------------------------------------------------------------------


async def _player(
    seat: Seat,
    start: float,
    stop: float,
    window: tuple[float, float],
    out: list[float],
    crossed: list[float],
    errors: list[str],
) -> None:
    import orjson
    import websockets

    url = f"ws://127.0.0.1:{seat.port}/ws/game/{seat.game_id}"
    try:
        ws = await websockets.connect(
            url, additional_headers={"Cookie": f"token={seat.token}"}, open_timeout=60
        )
    except Exception as error:
        errors.append(f"connect: {type(error).__name__}")
        return

    async def receive() -> None:
        async for raw in ws:
            arrived = time.time()
            frame = orjson.loads(raw)
            if frame.get("event") != "message:send":
                continue
            text = frame["chatMessage"]["message"]
            if not text.startswith("t="):
                continue
            stamp, _, port = text[2:].partition("@")
            sent = float(stamp)
            if window[0] <= sent <= window[1]:
                out.append((arrived - sent) * 1000)
                if port != str(seat.port):  # sent through the other process
                    crossed.append((arrived - sent) * 1000)

    reader = asyncio.get_running_loop().create_task(receive())
    await asyncio.sleep(max(0.0, start - time.time()) + random.random() * CHAT_EVERY)
    while time.time() < stop:
        await ws.send(
            orjson.dumps(
                {
                    "event": "message:send",
                    "chatMessage": {"message": f"t={time.time():.6f}@{seat.port}"},
                }
            ).decode()
        )
        await asyncio.sleep(CHAT_EVERY)
    await asyncio.sleep(1.0)  # the last lines arrive
    reader.cancel()
    await ws.close()


async def _lobby(port: int, token: str, stop: float) -> None:
    import websockets

    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws",
        additional_headers={"Cookie": f"token={token}"},
        open_timeout=60,
    ) as ws:
        while time.time() < stop:
            try:
                await asyncio.wait_for(ws.recv(), max(0.1, stop - time.time()))
            except TimeoutError:
                break


async def _generate(
    seats: list[Seat],
    lobby: list[tuple[int, str]],
    start: float,
    stop: float,
    window: tuple[float, float],
) -> tuple[list[float], list[float], list[str]]:
    out: list[float] = []
    crossed: list[float] = []
    errors: list[str] = []
    tasks = [
        asyncio.create_task(_player(s, start, stop, window, out, crossed, errors)) for s in seats
    ]
    tasks += [asyncio.create_task(_lobby(port, token, stop)) for port, token in lobby]
    await asyncio.gather(*tasks, return_exceptions=True)
    return out, crossed, errors


def _generator(
    seats: list[Seat],
    lobby: list[tuple[int, str]],
    start: float,
    stop: float,
    window: tuple[float, float],
    results: multiprocessing.Queue,
) -> None:
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    results.put(asyncio.run(_generate(seats, lobby, start, stop, window)))


# --- measuring the servers -------------------------------------------------------------------


def _session_pids(session: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session:
                found.append(int(entry.name))
    return found


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _seed_in_a_process(
    database: BenchDatabase, players: int
) -> tuple[list[tuple[str, str]], list[str]]:
    return asyncio.run(seed(database, players))


def run(label: str, database: BenchDatabase, processes: int, players: int, seconds: float) -> None:
    # Seeded in a fresh process: Tortoise keeps SQL per table, not per dialect, so one process
    # cannot seed SQLite and then PostgreSQL.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        minted, seat_games = pool.apply(_seed_in_a_process, (database, players))
    ports = [free_port() for _ in range(processes)]
    servers = [
        Server(
            [PYTHON, "-m", "codincod.cli", "serve"],
            database.env(
                CODINCOD_PORT=str(port), CODINCOD_JWT_SECRET=SECRET, CODINCOD_ACCESS_LOG="false"
            ),
            port,
            "/api/v1/health",
        )
        for port in ports
    ]
    for server in servers:
        server.__enter__()
    try:
        pids = [pid for s in servers for pid in _session_pids(s.process.pid)]  # type: ignore[union-attr]
        rss_before = _rss_kib(pids)
        # Players of a game alternate between processes: every game crosses when there are two.
        seats = [
            Seat(token, game, ports[n % processes])
            for n, ((token, _), game) in enumerate(zip(minted, seat_games, strict=True))
        ]
        lobby = [(ports[n % processes], minted[n][0]) for n in range(LOBBY_SOCKETS)]
        ramp = 8 + players / 100
        start = time.time() + ramp
        window = (start + CHAT_EVERY, start + CHAT_EVERY + seconds)
        stop = window[1] + 0.5
        results: multiprocessing.Queue = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(
                target=_generator,
                args=(seats[n::GENERATORS], lobby[n::GENERATORS], start, stop, window, results),
            )
            for n in range(GENERATORS)
        ]
        for worker in workers:
            worker.start()
        time.sleep(max(0.0, window[0] - time.time()))
        rss_connected = _rss_kib(pids)
        ticks_before, clock_before = _cpu_ticks(pids), time.monotonic()
        time.sleep(max(0.0, window[1] - time.time()))
        ticks_after, clock_after = _cpu_ticks(pids), time.monotonic()
        latencies: list[float] = []
        crossed: list[float] = []
        errors: list[str] = []
        for _ in workers:
            out, across, failed = results.get(timeout=seconds + ramp + 120)
            latencies += out
            crossed += across
            errors += failed
        for worker in workers:
            worker.join(timeout=30)
    finally:
        for server in servers:
            server.__exit__()
    latencies.sort()
    crossed.sort()
    sockets = players + LOBBY_SOCKETS
    cpu = (
        (ticks_after - ticks_before) / os.sysconf("SC_CLK_TCK") / (clock_after - clock_before) * 100
    )
    expected = players / CHAT_EVERY * seconds * PLAYERS_PER_GAME
    print(
        f"{label:<34} sockets {sockets:5d}  deliveries {len(latencies):7d}"
        f" ({len(latencies) / expected:6.1%})"
        f"  p50 {percentile(latencies, 0.5):6.1f} ms  p99 {percentile(latencies, 0.99):6.1f} ms"
        f"  max {latencies[-1] if latencies else 0:7.1f} ms  server CPU {cpu:5.1f}% of a core"
        f"  RSS {(rss_connected - rss_before) / sockets:5.1f} KiB/socket"
        f"  errors {len(errors)}"
    )
    if crossed:
        print(
            f"{'  of which crossed processes':<34} deliveries {len(crossed):7d}"
            f"  p50 {percentile(crossed, 0.5):6.1f} ms  p99 {percentile(crossed, 0.99):6.1f} ms"
            f"  max {crossed[-1]:7.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    args = parser.parse_args()
    print(
        f"{args.players} players in games of {PLAYERS_PER_GAME}, {LOBBY_SOCKETS} lobby sockets,"
        f" a line every {CHAT_EVERY:.0f} s each, {args.seconds:.0f} s measured"
    )
    if args.db in ("both", "sqlite"):
        with SqliteDatabase() as database:
            run("SQLite, one process", database, 1, args.players, args.seconds)
    if args.db in ("both", "postgres"):
        with BenchDatabase() as database:
            run("PostgreSQL, one process", database, 1, args.players, args.seconds)
        with BenchDatabase() as database:
            run("PostgreSQL, two processes (split)", database, 2, args.players, args.seconds)


if __name__ == "__main__":
    main()
