"""Submissions benchmark (issue: execution): 50 concurrent submissions of a puzzle with 10
validators, on PostgreSQL, one worker, code run by the Piston-speaking test peer (real Python
subprocesses, in its own process).

50 clients submit in a loop (each sends its next submission when its last is judged), so 50
submissions are always in flight; ``--burst`` sends them in waves of 50 at once instead.

Per submission it reports the total time seen by the client and codincod's own overhead: the
server's handler time minus the time spent waiting for the executor, both from the
``Server-Timing`` header the submission route sends (``app`` and ``exec``).

    .venv/bin/python bench/submissions.py [--rounds 4] [--concurrency 50] [--burst]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import asyncpg
import httpx
from common import PYTHON, BenchDatabase, Server, codincod_server, free_port

SOLUTION = "print(sum(map(int, input().split())))"
VALIDATORS = [{"input": f"{n} {n * 3}", "output": str(n * 4)} for n in range(10)]


def peer_server() -> Server:
    """The peer pinned to the second CPU, as if on a machine of its own (as Piston is in
    production): on a 2-core machine its subprocesses would otherwise take every core, and
    codincod's figures would measure the scheduler instead (seen: overhead p50 60-400 ms with
    the server process 7 % busy)."""
    port = free_port()
    command = ["taskset", "-c", "1", PYTHON, "-m", "tests.pistonpeer", "--port", str(port)]
    return Server(command, dict(os.environ), port, "/api/v2/runtimes")


async def prepare(base: str, database_url: str) -> tuple[str, str, str]:
    """A player's token, an approved puzzle with ten validators, and Python's language id."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        account = {
            "username": "bench_player",
            "email": "p@example.com",
            "password": "a long password!!",
        }
        registered = await http.post("/api/v1/register", json=account)
        if registered.status_code != 200:
            raise SystemExit(f"cannot register the bench player: {registered.text}")
        token = registered.cookies["token"]
        http.cookies.clear()
        headers = {"Cookie": f"token={token}"}
        puzzle = (
            await http.post("/api/v1/puzzle", json={"title": "Add two"}, headers=headers)
        ).json()
        languages = (await http.get("/api/v1/programming-language")).json()["languages"]
        python = next(item["_id"] for item in languages if item["language"] == "python")
        edit = {"validators": VALIDATORS, "solution": {"code": SOLUTION}}
        await http.put(f"/api/v1/puzzle/{puzzle['_id']}", json=edit, headers=headers)
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "UPDATE puzzles SET visibility = 'approved' WHERE id = $1", puzzle["_id"]
        )
    finally:
        await connection.close()
    return token, puzzle["_id"], python


def _timing(header: str) -> dict[str, float]:
    parts = (item.strip().split(";dur=") for item in header.split(","))
    return {name: float(value) for name, value in parts}


async def one(http: httpx.AsyncClient, body: dict, headers: dict) -> tuple[float, float, float]:
    started = time.perf_counter()
    response = await http.post("/api/v1/submission", json=body, headers=headers)
    total = (time.perf_counter() - started) * 1000
    if response.status_code != 201 or response.json()["result"]["successRate"] != 1:
        raise RuntimeError(f"submission failed: {response.status_code} {response.text[:200]}")
    timing = _timing(response.headers["server-timing"])
    return total, timing["app"], timing["exec"]


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(base: str, token: str, puzzle: str, python: str, args: argparse.Namespace) -> None:
    body = {"puzzleId": puzzle, "programmingLanguage": python, "code": SOLUTION}
    headers = {"Cookie": f"token={token}"}
    limits = httpx.Limits(max_connections=args.concurrency + 4)
    samples: list[tuple[float, float, float]] = []
    errors = 0

    async def client_loop() -> None:
        nonlocal errors
        for _ in range(args.rounds):
            try:
                samples.append(await one(http, body, headers))
            except Exception as error:  # counted and shown, the run goes on
                errors += 1
                print(f"  error: {error}")

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await one(http, body, headers)  # warm-up
        started = time.perf_counter()
        if args.burst:
            for _ in range(args.rounds):
                batch = await asyncio.gather(
                    *(one(http, body, headers) for _ in range(args.concurrency)),
                    return_exceptions=True,
                )
                errors += sum(isinstance(item, BaseException) for item in batch)
                samples += [item for item in batch if not isinstance(item, BaseException)]
        else:
            await asyncio.gather(*(client_loop() for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - started
    totals = [total for total, _, _ in samples]
    overhead = [app - executor for _, app, executor in samples]
    client_overhead = [total - executor for total, _, executor in samples]
    executions = len(samples) * len(VALIDATORS)
    print(f"submissions: {len(samples)} in {elapsed:.1f} s, errors={errors}")
    print(
        f"  throughput   {len(samples) / elapsed:8.1f} submissions/s "
        f"({executions / elapsed:.0f} executions/s)"
    )
    print(f"  total        p50 {pct(totals, 0.5):8.1f} ms   p99 {pct(totals, 0.99):8.1f} ms")
    print(
        f"  overhead     p50 {pct(overhead, 0.5):8.2f} ms   p99 {pct(overhead, 0.99):8.2f} ms"
        f"   mean {statistics.fmean(overhead):.2f} ms   (server: handler minus executor)"
    )
    print(
        f"  seen by client p50 {pct(client_overhead, 0.5):6.2f} ms   "
        f"p99 {pct(client_overhead, 0.99):8.2f} ms   (client total minus executor)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--burst", action="store_true", help="waves of simultaneous submissions")
    args = parser.parse_args()
    with BenchDatabase() as database, peer_server() as peer:
        extra = {"CODINCOD_PISTON_URL": peer.url, "CODINCOD_EXECUTOR_CONCURRENCY": "16"}
        with codincod_server(database, 1, **extra) as server:
            token, puzzle, python = asyncio.run(prepare(server.url, database.url))
            shape = "waves of simultaneous submissions" if args.burst else "closed loop"
            print(
                f"{args.concurrency} concurrent submissions x {args.rounds} rounds ({shape}), "
                f"{len(VALIDATORS)} validators each, 1 worker, PostgreSQL, Piston peer"
            )
            asyncio.run(run(server.url, token, puzzle, python, args))


if __name__ == "__main__":
    main()
