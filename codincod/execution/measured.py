"""An executor whose runs are counted and timed for ``/metrics`` (by outcome, never by user)."""

from __future__ import annotations

import time
from typing import Any

from codincod import metrics
from codincod.execution.executor import (
    Execution,
    Executor,
    ExecutorUnavailable,
    Limits,
    Runtime,
    UnsupportedLanguage,
)

# Piston's stage status, as an outcome word.
_STATUS = {
    "RE": "runtime_error",
    "SG": "runtime_error",
    "TO": "timeout",
    "OL": "output_limit",
    "EL": "output_limit",
    "XX": "runner_failed",
}


def outcome_of(execution: Execution) -> str:
    if execution.compile_failed:
        return "compile_error"
    run = execution.run
    if run.status is not None:
        return _STATUS.get(run.status, "runtime_error")
    return "ok" if run.code == 0 else "runtime_error"


class MeasuredExecutor:
    """Runs through ``inner``; everything else (capacity, isolation, ...) is the inner one's."""

    def __init__(self, inner: Executor, kind: str) -> None:
        self.inner, self.kind = inner, kind

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def runtimes(self) -> list[Runtime]:
        return await self.inner.runtimes()

    async def execute(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> Execution:
        started = time.perf_counter()
        try:
            execution = await self.inner.execute(language, version, code, stdin, limits)
        except UnsupportedLanguage:
            metrics.run_measured(self.kind, "unsupported_language", started)
            raise
        except ExecutorUnavailable:
            metrics.run_measured(self.kind, "unavailable", started)
            raise
        metrics.run_measured(self.kind, outcome_of(execution), started)
        return execution

    async def close(self) -> None:
        await self.inner.close()
