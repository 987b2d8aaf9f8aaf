"""Which executor a process uses, and the limits every run gets, from the settings."""

from __future__ import annotations

import asyncio
import logging

from codincod.config import Settings
from codincod.execution.executor import Executor, Limits
from codincod.execution.local import LocalExecutor, host_isolation
from codincod.execution.measured import MeasuredExecutor
from codincod.execution.piston import PistonExecutor

log = logging.getLogger("codincod.execution")


def run_limits(settings: Settings) -> Limits:
    return Limits(
        wall_ms=settings.run_timeout_ms,
        cpu_ms=settings.run_timeout_ms,
        memory_bytes=settings.run_memory_mb * 1024 * 1024,
    )


def announce(settings: Settings) -> None:
    """Say once, at start-up, where code will run."""
    if settings.piston_url:
        log.info("running code on Piston at %s", settings.piston_url)
    else:
        log.warning(
            "no Piston URL configured: code runs in the embedded Python runner (set "
            "CODINCOD_PISTON_URL for an install that strangers use); its sandbox here: %s",
            host_isolation().describe(),
        )


def describe(executor: Executor) -> dict[str, object]:
    """Where code runs, for the readiness check."""
    executor = getattr(executor, "inner", executor)
    if isinstance(executor, LocalExecutor):
        isolation = executor.isolation
        return {
            "kind": "embedded",
            "isolation": isolation.layers(),
            "runMemory": isolation.run_memory,
        }
    return {"kind": "piston"}


async def reachable(executor: Executor, seconds: float = 3.0) -> bool:
    """Whether the executor can run code now (it lists its runtimes in time)."""
    try:
        async with asyncio.timeout(seconds):
            await executor.runtimes()
    except Exception:  # any failure to list runtimes means the executor cannot run code now
        return False
    return True


def measured_executor_for(settings: Settings) -> Executor:
    """The server's executor: its runs are counted for ``/metrics``."""
    kind = "piston" if settings.piston_url else "embedded"
    return MeasuredExecutor(executor_for(settings), kind)


def executor_for(settings: Settings) -> Executor:
    """Piston when a URL is configured, else the embedded Python runner."""
    if settings.piston_url:
        return PistonExecutor(
            settings.piston_url,
            max_concurrent=settings.executor_concurrency,
            runtimes_ttl_seconds=settings.runtimes_ttl_seconds,
            request_timeout_seconds=settings.piston_timeout_seconds,
        )
    return LocalExecutor(max_concurrent=settings.executor_concurrency)
