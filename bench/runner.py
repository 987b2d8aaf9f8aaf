"""The embedded runner's cost and its hold under attack: runs of a trivial program through the
sandbox (namespaces, a uid of its own) and without namespaces, one at a time and two at once;
then how long a run that leaves a detached child behind takes, and how long another run waits
behind four of them. Prints figures; not a test.

    .venv/bin/python bench/runner.py --runs 100
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from codincod.execution.executor import Limits
from codincod.execution.local import LocalExecutor

LIMITS = Limits(wall_ms=3000, cpu_ms=3000)
TRIVIAL = "print(int(input()) * 2)"
DETACH = (
    "import os, time\n"
    "if os.fork() == 0:\n    os.setsid()\n    time.sleep(40)\n"
    "print('parent done')\n"
)


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] if len(values) > 1 else values[0]


async def timed(runner: LocalExecutor, code: str) -> float:
    started = time.perf_counter()
    stage = (await runner.execute("python", "*", code, "21\n", LIMITS)).run
    assert stage.status is None, stage
    return (time.perf_counter() - started) * 1000


async def series(runner: LocalExecutor, runs: int, parallel: int) -> list[float]:
    times: list[float] = []
    for _ in range(runs // parallel):
        times += await asyncio.gather(*[timed(runner, TRIVIAL) for _ in range(parallel)])
    return times


def report(label: str, times: list[float], wall: float) -> None:
    print(
        f"{label:<44} p50 {quantile(times, 0.5):7.1f} ms  p99 {quantile(times, 0.99):7.1f} ms"
        f"  {len(times) / wall:6.1f} runs/s"
    )


async def main(runs: int) -> None:
    for namespaces in (True, False):
        runner = LocalExecutor(max_concurrent=2, namespaces=namespaces)
        print(("sandbox: " + runner.isolation.describe())[:160] + " ...")
        await series(runner, 4, 2)  # warm-up
        for parallel in (1, 2):
            started = time.perf_counter()
            times = await series(runner, runs, parallel)
            kind = "namespaces" if namespaces else "no namespaces"
            report(f"trivial run, {kind}, {parallel} at once", times, time.perf_counter() - started)
        await runner.close()
    runner = LocalExecutor(max_concurrent=2)
    detached = await timed(runner, DETACH)
    print(f"{'run leaving a detached sleeper behind':<44} {detached:7.1f} ms")
    hogs = [asyncio.ensure_future(timed(runner, DETACH)) for _ in range(4)]
    await asyncio.sleep(0.01)
    waited = await timed(runner, TRIVIAL)
    await asyncio.gather(*hogs)
    print(f"{'another run behind four of them':<44} {waited:7.1f} ms")
    await runner.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per series")
    asyncio.run(main(parser.parse_args().runs))
