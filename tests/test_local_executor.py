"""The embedded runner runs real Python, and contains what misbehaves."""

from __future__ import annotations

import asyncio
import glob
import tempfile
import time

import pytest

from codincod.execution.executor import Limits
from codincod.execution.local import LocalExecutor

LIMITS = Limits(wall_ms=3000, cpu_ms=2000, memory_bytes=256 * 1024 * 1024, output_bytes=64 * 1024)


@pytest.fixture(scope="module")
def runner() -> LocalExecutor:
    return LocalExecutor(max_concurrent=2)


async def run(runner: LocalExecutor, code: str, stdin: str = "", limits: Limits = LIMITS):
    return (await runner.execute("python", "*", code, stdin, limits)).run


async def test_runs_code_with_stdin(runner) -> None:
    stage = await run(runner, "a, b = map(int, input().split())\nprint(a + b)", "2 40\n")
    assert (stage.stdout, stage.code, stage.status) == ("42\n", 0, None)
    assert (await runner.runtimes())[0].language == "python"


async def test_errors_are_reported_like_piston(runner) -> None:
    stage = await run(runner, "def broken(:\n")
    assert stage.status == "RE" and stage.code == 1 and "SyntaxError" in stage.stderr
    raised = await run(runner, "raise SystemExit(3)")
    assert raised.code == 3 and raised.status == "RE"


async def test_an_endless_loop_is_stopped(runner) -> None:
    started = time.monotonic()
    stage = await run(runner, "while True:\n    pass\n")
    assert stage.status == "TO" and stage.signal == "SIGKILL" and stage.code is None
    assert time.monotonic() - started < 6


async def test_sleeping_past_the_wall_clock_is_stopped(runner) -> None:
    stage = await run(runner, "import time\ntime.sleep(30)", limits=Limits(wall_ms=500))
    assert stage.status == "TO"


async def test_megabytes_of_output_are_cut(runner) -> None:
    stage = await run(runner, "while True:\n    print('x' * 1000)\n")
    assert stage.status == "OL" and len(stage.stdout) <= LIMITS.output_bytes


async def test_eating_memory_fails_inside_the_program(runner) -> None:
    stage = await run(runner, "blob = bytearray(2 * 1024 * 1024 * 1024)\nprint('allocated')")
    assert stage.status in ("RE", "SG") and "allocated" not in stage.stdout


async def test_a_fork_bomb_is_contained(runner) -> None:
    code = (
        "import os\n"
        "children = 0\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            import time; time.sleep(20); os._exit(0)\n"
        "        children += 1\n"
        "    except OSError:\n"
        "        break\n"
        "print(children)\n"
    )
    stage = await run(runner, code)
    assert stage.code == 0 and int(stage.stdout) < 20


async def test_no_environment_and_no_leftovers(runner) -> None:
    before = set(glob.glob(f"{tempfile.gettempdir()}/codincod-run-*"))
    stage = await run(runner, "import os\nprint(sorted(os.environ))")
    assert stage.stdout.strip() in ("[]", "['LC_CTYPE']")
    assert set(glob.glob(f"{tempfile.gettempdir()}/codincod-run-*")) == before


async def test_runs_are_bounded_and_concurrent(runner) -> None:
    stages = await asyncio.gather(*(run(runner, f"print({n} * 2)") for n in range(6)))
    assert [s.stdout.strip() for s in stages] == [str(n * 2) for n in range(6)]


async def test_without_namespaces_a_detached_child_is_still_stopped() -> None:
    """Hosts without namespaces: the run's uid (as root) or its group, and a bounded wait."""
    plain = LocalExecutor(max_concurrent=1, namespaces=False)
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    time.sleep(40)\n"
        "print('parent done')\n"
    )
    started = time.monotonic()
    stage = await run(plain, code, limits=Limits(wall_ms=1500))
    assert stage.stdout == "parent done\n"
    assert time.monotonic() - started < 2.5
    await plain.close()


async def test_without_cgroups_a_run_is_one_process() -> None:
    """Hosts without cgroups: limits hold per process, so a run gets one process, and
    processes x per-process memory stays within the run's limit."""
    budget = LocalExecutor(max_concurrent=1, cgroups=False)
    assert budget.isolation.run_memory.startswith("process budget")
    code = (
        "import os\n"
        "try:\n    os.fork() or os._exit(0)\n    print('forked')\n"
        "except OSError as error:\n    print('refused', error.errno)\n"
        "blob = bytearray(150 * 1024 * 1024)\nprint('one process may use the memory')\n"
    )
    stage = await run(budget, code)
    assert stage.stdout == "refused 11\none process may use the memory\n", stage
    await budget.close()
