"""Running code against tests: one test for the play page's "run", every validator of a
puzzle for a submission or the author's self-check."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from codincod.execution import judging
from codincod.execution.executor import Execution, Executor, Limits, Runtime
from codincod.execution.judging import Outcome, Verdict
from codincod.execution.languages import runtime_named
from codincod.execution.schemas import ExecuteRequest


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


async def run_test(executor: Executor, request: ExecuteRequest, limits: Limits) -> TestRun:
    runtime = runtime_named(await executor.runtimes(), request.language)
    execution = await executor.execute(
        runtime.language, runtime.version, request.code, request.testInput, limits
    )
    outcome = judging.judge(execution, request.testOutput)
    return TestRun(execution, outcome, judging.verdict([outcome]))


async def run_all(
    executor: Executor, runtime: Runtime, code: str, tests: list[Test], limits: Limits
) -> Judged:
    """All tests at once; the executor's own bound decides how many really run together."""
    started = time.perf_counter()
    runs = [
        asyncio.ensure_future(
            executor.execute(runtime.language, runtime.version, code, test.input, limits)
        )
        for test in tests
    ]
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
