"""The Piston client against a real Piston-speaking server that runs real code."""

from __future__ import annotations

import asyncio
import shutil
import time

import httpx
import pytest

from codincod.clock import ManualClock
from codincod.execution.executor import ExecutorUnavailable, Limits, UnsupportedLanguage
from codincod.execution.piston import RETRY_AFTER_FAILURE_SECONDS, PistonExecutor
from tests.pistonpeer import PistonPeer
from tests.support import DB_KIND, free_port

# The sandbox and the executors do not touch the database: the SQLite run has these.
pytestmark = pytest.mark.skipif(
    DB_KIND != "sqlite", reason="no database involved: the SQLite run has it"
)

FAST = Limits(wall_ms=1500, cpu_ms=1500, compile_ms=5000, memory_bytes=256 * 1024 * 1024)
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="the C runtime needs gcc")


def stats(peer: PistonPeer) -> dict[str, int]:
    return httpx.get(f"{peer.url}/_peer/stats").json()


@pytest.fixture
async def executor(peer: PistonPeer):
    client = PistonExecutor(peer.url, max_concurrent=4, request_timeout_seconds=3)
    yield client
    await client.close()


async def test_runs_python_with_stdin(executor: PistonExecutor) -> None:
    result = await executor.execute(
        "python", "*", "import sys\nprint(sys.stdin.read().upper())", "hello", FAST
    )
    assert result.run.stdout == "HELLO\n"
    assert result.run.code == 0 and result.run.status is None
    assert result.language == "python" and not result.compile_failed


async def requests_reach(peer: PistonPeer, count: int) -> None:
    """Until the peer has answered ``count`` runtime lists (background refreshes), bounded."""
    deadline = time.monotonic() + 10
    while stats(peer)["runtimes"] < count:
        assert time.monotonic() < deadline, "the refresh never happened"
        await asyncio.sleep(0.02)


async def test_runtime_list_is_cached_and_refreshed_in_the_background(peer: PistonPeer) -> None:
    clock = ManualClock()
    client = PistonExecutor(peer.url, runtimes_ttl_seconds=300, clock=clock)
    try:
        first = await asyncio.gather(*(client.runtimes() for _ in range(20)))
        assert {runtime.language for runtime in first[0]} >= {"python"}
        assert stats(peer)["runtimes"] == 1  # twenty callers, one request
        clock.advance(299)
        for _ in range(10):
            await client.runtimes()
        assert stats(peer)["runtimes"] == 1
        clock.advance(2)
        peer.behave("slow", delay=0.5)
        started = time.perf_counter()
        stale = await client.runtimes()  # expired: answered at once from the old list
        assert time.perf_counter() - started < 0.1
        assert stale == first[0]
        await requests_reach(peer, 2)
        peer.behave()
    finally:
        await client.close()


async def test_a_failed_refresh_keeps_the_last_good_list(peer: PistonPeer) -> None:
    clock = ManualClock()
    client = PistonExecutor(peer.url, runtimes_ttl_seconds=60, clock=clock)
    try:
        good = await client.runtimes()
        peer.behave("error500")
        clock.advance(61)
        assert await client.runtimes() == good  # starts a refresh, which fails
        await requests_reach(peer, 2)
        clock.advance(1)
        assert await client.runtimes() == good  # tried again later, not at once
        assert stats(peer)["runtimes"] == 2
        clock.advance(30)
        assert await client.runtimes() == good
        await requests_reach(peer, 3)
    finally:
        await client.close()


@needs_gcc
async def test_compile_errors_are_reported_as_such(executor: PistonExecutor) -> None:
    result = await executor.execute("c", "*", "int main() { return 0 }", "", FAST)
    assert result.compile_failed
    assert "expected" in result.run.stderr  # run is the compile stage
    ok = await executor.execute(
        "c", "*", '#include <stdio.h>\nint main(){puts("hi");return 0;}', "", FAST
    )
    assert not ok.compile_failed and ok.run.stdout == "hi\n"


async def test_time_limit(executor: PistonExecutor) -> None:
    result = await executor.execute("python", "*", "while True: pass", "", FAST)
    assert result.run.status == "TO" and result.run.signal == "SIGKILL"


async def test_unknown_language_is_the_callers_error(executor: PistonExecutor) -> None:
    with pytest.raises(UnsupportedLanguage):
        await executor.execute("cobol", "*", "x", "", FAST)


@pytest.mark.parametrize("mode", ["error500", "garbage", "reject415"])
async def test_a_misbehaving_piston_is_unavailable(
    peer: PistonPeer, executor: PistonExecutor, mode: str
) -> None:
    peer.behave(mode)
    with pytest.raises(ExecutorUnavailable):
        await executor.execute("python", "*", "print(1)", "", FAST)


async def test_a_slow_piston_times_out(peer: PistonPeer) -> None:
    client = PistonExecutor(peer.url, request_timeout_seconds=0.5)
    peer.behave("slow", delay=2)
    started = time.perf_counter()
    try:
        with pytest.raises(ExecutorUnavailable, match="did not answer in time"):
            await client.execute("python", "*", "print(1)", "", FAST)
    finally:
        await client.close()
    assert time.perf_counter() - started < 1.5


async def test_a_piston_that_is_down() -> None:
    port = free_port()
    clock = ManualClock()
    client = PistonExecutor(f"http://127.0.0.1:{port}", clock=clock)
    try:
        with pytest.raises(ExecutorUnavailable, match="Unable to reach"):
            await client.runtimes()
        with pytest.raises(ExecutorUnavailable, match="Unable to reach"):
            await client.execute("python", "*", "print(1)", "", FAST)
        # Piston comes up: after the pause that follows a failure, the list is there.
        peer = PistonPeer(port).start()
        try:
            with pytest.raises(ExecutorUnavailable):
                await client.runtimes()  # still within the pause after the failure
            clock.advance(RETRY_AFTER_FAILURE_SECONDS + 0.1)
            assert any(runtime.language == "python" for runtime in await client.runtimes())
        finally:
            peer.stop()
    finally:
        await client.close()


async def test_limits_above_pistons_configuration_are_learned(
    peer: PistonPeer, executor: PistonExecutor
) -> None:
    peer.config.max_memory_limit = 128 * 1024 * 1024
    result = await executor.execute("python", "*", "print('fits')", "", FAST)
    assert result.run.stdout == "fits\n"
    executes = stats(peer)["execute"]
    await executor.execute("python", "*", "print('again')", "", FAST)
    assert stats(peer)["execute"] == executes + 1  # no second refusal


async def test_memory_limit_is_sent(peer: PistonPeer, executor: PistonExecutor) -> None:
    small = Limits(wall_ms=1500, cpu_ms=1500, memory_bytes=64 * 1024 * 1024)
    result = await executor.execute(
        "python", "*", "x = bytearray(512 * 1024 * 1024)\nprint('allocated')", "", small
    )
    assert "allocated" not in result.run.stdout
    assert result.run.status == "RE" and "MemoryError" in result.run.stderr


async def test_concurrency_is_bounded(peer: PistonPeer, executor: PistonExecutor) -> None:
    code = "import time\ntime.sleep(0.2)\nprint('done')"
    results = await asyncio.gather(
        *(executor.execute("python", "*", code, "", FAST) for _ in range(12))
    )
    assert all(result.run.stdout == "done\n" for result in results)
    assert stats(peer)["most_in_flight"] == 4


async def test_a_dropped_connection_is_retried_once(
    peer: PistonPeer, executor: PistonExecutor
) -> None:
    peer.behave("drop-once")
    result = await executor.execute("python", "*", "print('second try')", "", FAST)
    assert result.run.stdout == "second try\n"
    assert stats(peer)["execute"] == 2
    peer.behave("drop")
    with pytest.raises(ExecutorUnavailable):
        await executor.execute("python", "*", "print(1)", "", FAST)
