"""The embedded runner: Python in a subprocess, for installs without Piston.

It is meant for trusted, single-user installs: a subprocess under resource limits (CPU time,
address space, processes, file size, open files, wall clock), an empty environment, an
unprivileged user when started as root, and a scratch directory removed afterwards. That
bounds accidents and abuse of resources, not a determined attacker: use Piston for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable

from codincod.execution.executor import (
    Execution,
    Limits,
    Runtime,
    Stage,
    UnsupportedLanguage,
)

log = logging.getLogger("codincod.execution")
NOBODY = 65534


def _others_can_run(path: str) -> bool:
    """Whether an unprivileged user can execute ``path`` (every folder above it searchable)."""
    real = os.path.realpath(path)
    if not os.stat(real).st_mode & 0o001:
        return False
    folder = os.path.dirname(real)
    while folder and folder != "/":
        if not os.stat(folder).st_mode & 0o001:
            return False
        folder = os.path.dirname(folder)
    return True


def choose_interpreter() -> tuple[str, bool]:
    """The Python to run code with, and whether to drop to an unprivileged user.

    As root, code runs as nobody, so the interpreter must be one nobody can execute (ours may
    live under /root); without one, code runs as root under the other limits and we say so.
    """
    if os.geteuid() != 0:
        return sys.executable, False
    for candidate in (
        sys.executable,
        getattr(sys, "_base_executable", ""),
        shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin"),
    ):
        if candidate and os.path.exists(candidate) and _others_can_run(candidate):
            return candidate, True
    log.warning("no Python that an unprivileged user can run: user code runs as root")
    return sys.executable, False


def _version_of(interpreter: str) -> str:
    import subprocess

    output = subprocess.run(
        [interpreter, "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return output.stdout.strip()


def _limit_child(limits: Limits, drop_privileges: bool) -> Callable[[], None]:
    """Runs in the child between fork and exec."""
    cpu_seconds = max(1, -(-limits.cpu_ms // 1000))

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop_privileges:
            # Root ignores RLIMIT_NPROC: run as nobody, where it holds.
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    return apply


async def _read_capped(
    stream: asyncio.StreamReader, limit: int, on_overflow: Callable[[], None]
) -> tuple[bytes, bool]:
    """Up to ``limit`` bytes of the stream, and whether it had more (``on_overflow`` then
    stops the program at once, or it would block on the full pipe forever)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(65536):
        if size + len(chunk) > limit:
            chunks.append(chunk[: limit - size])
            on_overflow()
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def _has_ended(pid: int) -> bool:
    """True once the process is a zombie or gone. asyncio's ``wait()`` would also wait for
    every descendant that still holds the output pipes."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in (b"Z", b"X")


async def _stop_when_ended(pid: int, stop: Callable[[], None]) -> None:
    while not _has_ended(pid):
        await asyncio.sleep(0.02)
    stop()


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class LocalExecutor:
    def __init__(self, max_concurrent: int | None = None) -> None:
        # More runs at once than CPUs only makes each slower and more likely to time out.
        cpus = os.cpu_count() or 2
        self._slots = asyncio.Semaphore(min(max_concurrent or cpus, cpus))
        self._python, self._drop_privileges = choose_interpreter()
        self._runtime = Runtime("python", _version_of(self._python), ("py", "python3"))

    async def runtimes(self) -> list[Runtime]:
        return [self._runtime]

    async def close(self) -> None:
        """Nothing to release: every run cleans up after itself."""

    async def execute(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> Execution:
        runtime = self._runtime
        if language != runtime.language and language not in runtime.aliases:
            raise UnsupportedLanguage(
                f"The embedded runner runs Python only, not {language}",
                title="Unsupported language",
            )
        async with self._slots:
            run = await self._run(code, stdin, limits)
        return Execution(language=self._runtime.language, version=self._runtime.version, run=run)

    async def _run(self, code: str, stdin: str, limits: Limits) -> Stage:
        scratch = tempfile.mkdtemp(prefix="codincod-run-")
        try:
            os.chmod(scratch, 0o755)
            main = os.path.join(scratch, "main.py")
            with open(main, "w", encoding="utf-8") as handle:
                handle.write(code)
            os.chmod(main, 0o644)
            return await self._spawn(main, scratch, stdin, limits)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    async def _spawn(self, main: str, scratch: str, stdin: str, limits: Limits) -> Stage:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            self._python,
            "-I",
            "-B",
            main,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=scratch,
            env={},
            start_new_session=True,
            preexec_fn=_limit_child(limits, self._drop_privileges),
        )
        feed = asyncio.ensure_future(self._feed(process, stdin))

        def stop() -> None:
            _kill_group(process)

        reads = asyncio.ensure_future(
            asyncio.gather(
                _read_capped(process.stdout, limits.output_bytes, stop),  # type: ignore[arg-type]
                _read_capped(process.stderr, limits.output_bytes, stop),  # type: ignore[arg-type]
            )
        )
        # When the program ends, what it left running goes too (and its hold on the pipes).
        watcher = asyncio.ensure_future(_stop_when_ended(process.pid, stop))
        done, _ = await asyncio.wait({reads}, timeout=limits.wall_ms / 1000)
        timed_out = not done
        if timed_out:
            _kill_group(process)  # the pipes close, so the reads finish
        (out, out_over), (err, err_over) = await reads
        returncode = await process.wait()
        watcher.cancel()
        feed.cancel()
        elapsed = int((time.monotonic() - started) * 1000)
        return self._stage(returncode, out, err, timed_out, out_over, err_over, elapsed)

    @staticmethod
    async def _feed(process: asyncio.subprocess.Process, stdin: str) -> None:
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(stdin.encode())
            await process.stdin.drain()
            process.stdin.close()

    @staticmethod
    def _stage(
        returncode: int,
        out: bytes,
        err: bytes,
        timed_out: bool,
        out_over: bool,
        err_over: bool,
        elapsed: int,
    ) -> Stage:
        stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        signal_name = signal.Signals(-returncode).name if returncode < 0 else None
        code = None if returncode < 0 else returncode
        status, message = None, None
        if timed_out or signal_name == "SIGXCPU":
            status, message, signal_name, code = "TO", "Time limit exceeded", "SIGKILL", None
        elif out_over:
            status, message, signal_name, code = "OL", "stdout length exceeded", "SIGKILL", None
        elif err_over:
            status, message, signal_name, code = "EL", "stderr length exceeded", "SIGKILL", None
        elif signal_name:
            status, message = "SG", f"Killed by {signal_name}"
        elif code:
            status, message = "RE", f"Exited with code {code}"
        return Stage(stdout, stderr, code, signal_name, status, message, elapsed)
