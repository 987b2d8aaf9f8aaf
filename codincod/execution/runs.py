"""Running code against tests: one test for the play page's "run", every validator of a
puzzle for a submission or the author's self-check.

Fair shares: each user's jobs run one after another (a user's five "run" clicks, or twenty
submissions sent at once, queue behind each other, not in front of everybody else), and one
job takes at most half of the executor's slots, so one user never holds them all."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from codincod.execution import judging
from codincod.execution.executor import Execution, Executor, Limits, Runtime
from codincod.execution.judging import Outcome, Verdict
from codincod.execution.languages import runtime_named
from codincod.execution.schemas import ExecuteRequest

# user id -> (the user's lock, how many of their jobs hold or wait for it)
_lanes: dict[str, tuple[asyncio.Lock, int]] = {}


@contextlib.asynccontextmanager
async def _lane(owner: str) -> AsyncIterator[None]:
    """One job at a time per user, in this process."""
    lock, users = _lanes.get(owner, (asyncio.Lock(), 0))
    _lanes[owner] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _lanes[owner]
        if users == 1:
            del _lanes[owner]  # the last of this user's jobs: forget the user
        else:
            _lanes[owner] = (lock, users - 1)


def _per_job(executor: Executor) -> int:
    return max(1, getattr(executor, "capacity", 2) // 2)


@dataclass(frozen=True)
class Test:
    input: str
    output: str


@dataclass(frozen=True)
class TestRun:
    execution: Execution
    outcome: Outcome
    verdict: Verdict


@dataclass(frozen=True)
class Judged:
    """Every test of a set, in order, and how long the executor took for all of them."""

    executions: list[Execution]
    outcomes: list[Outcome]
    verdict: Verdict
    executor_ms: float


async def run_test(
    executor: Executor, request: ExecuteRequest, limits: Limits, *, owner: str
) -> TestRun:
    runtime = runtime_named(await executor.runtimes(), request.language)
    async with _lane(owner):
        execution = await executor.execute(
            runtime.language, runtime.version, request.code, request.testInput, limits
        )
    outcome = judging.judge(execution, request.testOutput)
    return TestRun(execution, outcome, judging.verdict([outcome]))


async def run_all(
    executor: Executor,
    runtime: Runtime,
    code: str,
    tests: list[Test],
    limits: Limits,
    *,
    owner: str,
) -> Judged:
    """All tests, up to half the executor's slots at once, in the owner's lane."""
    async with _lane(owner):
        return await _run_all(executor, runtime, code, tests, limits)


async def _run_all(
    executor: Executor, runtime: Runtime, code: str, tests: list[Test], limits: Limits
) -> Judged:
    started = time.perf_counter()
    share = asyncio.Semaphore(_per_job(executor))

    async def one(test: Test) -> Execution:
        async with share:
            return await executor.execute(
                runtime.language, runtime.version, code, test.input, limits
            )

    runs = [asyncio.ensure_future(one(test)) for test in tests]
    try:
        executions = await asyncio.gather(*runs)
    except BaseException:
        for run in runs:  # one failed (executor down?): the rest are not worth waiting for
            run.cancel()
        raise
    executor_ms = (time.perf_counter() - started) * 1000
    pairs = zip(executions, tests, strict=True)
    outcomes = [judging.judge(run, test.output) for run, test in pairs]
    return Judged(list(executions), outcomes, judging.verdict(outcomes), executor_ms)
