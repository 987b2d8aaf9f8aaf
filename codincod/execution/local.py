"""The embedded runner: Python in a sandbox on this host, for installs without Piston.

Each run goes through the launcher (``sandbox.py``), which closes every inherited descriptor
and, where the host allows, gives the program its own PID, mount, network and IPC namespaces
and its own uid from a pool (when the server runs as root), under resource limits (CPU time,
address space, processes, file size, open files) and a wall clock. Which of these layers the
host allows is found out at start (``Isolation``) and reported. Piston stays the choice for
an install that strangers use: the embedded runner shares the host's kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from codincod.execution import cgroups
from codincod.execution.executor import (
    Execution,
    Limits,
    Runtime,
    Stage,
    UnsupportedLanguage,
)
from codincod.execution.uidpool import UidPool

log = logging.getLogger("codincod.execution")
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sandbox.py")


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

    As root, code runs as a uid of its own, so the interpreter must be one anybody can run (ours may
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


_DESCRIBE = (
    "import sys; print('.'.join(map(str, sys.version_info[:3])));"
    "print(sys.base_prefix); print(sys.base_exec_prefix)"
)


def _describe(interpreter: str) -> tuple[str, list[str]]:
    """The interpreter's version, and the folders a run must see for it to start (its prefix
    and the system's ``/usr``, where its libraries are)."""
    import subprocess

    output = subprocess.run(
        [interpreter, "-c", _DESCRIBE], capture_output=True, text=True, timeout=30, check=True
    )
    version, *prefixes = output.stdout.split()
    folders = {"/usr", os.path.dirname(interpreter), *prefixes}
    return version, sorted(folders)


@dataclass(frozen=True)
class Isolation:
    """The layers that wall a run in on this host."""

    namespaces: bool
    own_uid: bool
    cgroups: str | None = None  # "cgroup v2" / "cgroup v1", or None: a process budget

    def layers(self) -> dict[str, bool]:
        return {
            "inherited descriptors closed": True,
            "resource limits (CPU, memory, processes, file size, open files)": True,
            "no new privileges, and a system-call filter (no namespaces, mounts, ptrace, "
            "keyrings, System V IPC, io_uring, pidfd or process_vm)": platform.machine()
            == "x86_64",
            "every process of a run killed when it ends": self.namespaces or self.own_uid,
            "PID namespace (other processes invisible)": self.namespaces,
            "mount namespace (a read-only root of its own: the interpreter, /dev/null, "
            "/dev/urandom, a private /proc and /tmp; not the host's /etc, homes or project)": (
                self.namespaces
            ),
            "network namespace (no network)": self.namespaces,
            "a uid of its own per run": self.own_uid,
            f"a cgroup per run ({self.cgroups}): memory and processes of the whole run": bool(
                self.cgroups
            ),
        }

    @property
    def run_memory(self) -> str:
        """How a run's memory is bounded as a whole."""
        if self.cgroups:
            memory = "memory.max" if "v2" in self.cgroups else "memory.limit_in_bytes"
            return f"{self.cgroups}: {memory} and pids.max per run"
        return "process budget: one process per run, under the memory limit"

    def describe(self) -> str:
        active = [name for name, on in self.layers().items() if on]
        missing = [name for name, on in self.layers().items() if not on]
        text = "active: " + "; ".join(active)
        if not self.cgroups:
            text += "; a run is one process (no cgroups here to bound several together)"
        return text + (". not available here: " + "; ".join(missing) if missing else "")


def probe_isolation(launcher_python: str) -> Isolation:
    """Try the namespaces for real, once, in a throwaway launcher."""
    import subprocess

    try:
        found = subprocess.run(
            [launcher_python, "-I", "-S", LAUNCHER, "--probe"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        namespaces = bool(json.loads(found.stdout)["namespaces"])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as error:
        log.warning("could not probe the runner's sandbox: %s", error)
        namespaces = False
    return Isolation(namespaces=namespaces, own_uid=os.geteuid() == 0)


def run_groups() -> cgroups.RunGroups | None:
    """Where runs' cgroups can be made (as root, on a host that has them)."""
    return cgroups.discover() if os.geteuid() == 0 else None


def host_isolation() -> Isolation:
    """Every layer this host allows a run, found out for real (the start-up log says it)."""
    groups = run_groups()
    return Isolation(
        namespaces=probe_isolation(sys.executable).namespaces,
        own_uid=os.geteuid() == 0 and choose_interpreter()[1],
        cgroups=groups.describe() if groups else None,
    )


class _Capture:
    """What a stream said, up to a cap; ``on_overflow`` stops the program at once (it would
    block on the full pipe forever)."""

    def __init__(self, limit: int, on_overflow: Callable[[], None]) -> None:
        self.limit, self.on_overflow = limit, on_overflow
        self.chunks: list[bytes] = []
        self.size, self.over = 0, False

    async def read(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            if self.size + len(chunk) > self.limit:
                self.chunks.append(chunk[: self.limit - self.size])
                self.over = True
                self.on_overflow()
                return
            self.chunks.append(chunk)
            self.size += len(chunk)

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")


def _has_ended(pid: int) -> bool:
    """True once the process is a zombie or gone. asyncio's ``wait()`` would also wait for
    every descendant that still holds the output pipes."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in (b"Z", b"X")


async def _when_ended(pid: int) -> None:
    while not _has_ended(pid):
        await asyncio.sleep(0.02)


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


async def _exit_status(process: asyncio.subprocess.Process) -> int:
    """The launcher's exit status. ``wait()`` also waits for the pipes to close, which a
    straggler may hold: past a moment they are closed on our side."""
    try:
        return await asyncio.wait_for(asyncio.shield(process.wait()), 1)
    except TimeoutError:
        transport = getattr(process, "_transport", None)  # asyncio offers no public way
        if transport is not None:
            transport.close()
        return await process.wait()


class LocalExecutor:
    def __init__(
        self, max_concurrent: int | None = None, namespaces: bool = True, cgroups: bool = True
    ) -> None:
        """``namespaces=False`` / ``cgroups=False`` run without them even where the host has
        them (as on a host that has none)."""
        # More runs at once than CPUs only makes each slower and more likely to time out.
        cpus = os.cpu_count() or 2
        self.capacity = min(max_concurrent or cpus, cpus)
        self._slots = asyncio.Semaphore(self.capacity)
        python, drop_privileges = choose_interpreter()
        # The real file: a virtual environment's link would point outside the run's root.
        self._python = os.path.realpath(python)
        version, self._system = _describe(self._python)
        self._runtime = Runtime("python", version, ("py", "python3"))
        probed = probe_isolation(sys.executable)
        self._groups = run_groups() if cgroups else None
        self.isolation = Isolation(
            namespaces=probed.namespaces and namespaces,
            own_uid=probed.own_uid and drop_privileges,
            cgroups=self._groups.describe() if self._groups else None,
        )
        self._uids = UidPool() if self.isolation.own_uid else None
        # Code waits here for the launcher, readable by the server's user alone.
        self._inbox = tempfile.mkdtemp(prefix="codincod-runner-")

    async def runtimes(self) -> list[Runtime]:
        return [self._runtime]

    async def close(self) -> None:
        shutil.rmtree(self._inbox, ignore_errors=True)

    async def execute(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> Execution:
        runtime = self._runtime
        if language != runtime.language and language not in runtime.aliases:
            raise UnsupportedLanguage(
                f"The embedded runner runs Python only, not {language}",
                title="Unsupported language",
            )
        async with self._slots, self._uid() as uid:
            run = await self._run(code, stdin, limits, uid)
        return Execution(language=self._runtime.language, version=self._runtime.version, run=run)

    def _uid(self) -> contextlib.AbstractAsyncContextManager[int | None]:
        return self._uids.take() if self._uids else contextlib.nullcontext()

    async def _run(self, code: str, stdin: str, limits: Limits, uid: int | None) -> Stage:
        handle, code_path = tempfile.mkstemp(dir=self._inbox, suffix=".py")
        group = self._groups.create(limits.memory_bytes, limits.processes) if self._groups else None
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(code)
            config = self._config(code_path, limits, uid, group)
            stage = await self._spawn(config, stdin, limits)
            return _over_memory(stage) if group and group.out_of_memory() else stage
        finally:
            if group is not None:
                group.remove()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(code_path)

    def _config(
        self, code_path: str, limits: Limits, uid: int | None, group: cgroups.RunGroup | None
    ) -> str:
        return json.dumps(
            {
                "code_path": code_path,
                "python": self._python,
                "system": self._system,
                "uid": uid,
                "namespaces": self.isolation.namespaces,
                "cgroups": group.procs_files if group else [],
                "cpu_seconds": max(1, -(-limits.cpu_ms // 1000)),
                "memory_bytes": limits.memory_bytes,
                "file_bytes": limits.file_bytes,
                # Without a cgroup, limits hold per process: one process keeps the whole run
                # within its memory limit.
                "processes": limits.processes if group else 1,
                "tmpfs_bytes": max(limits.file_bytes * 4, 4 * 1024 * 1024),
            }
        )

    async def _spawn(self, config: str, stdin: str, limits: Limits) -> Stage:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-S",
            LAUNCHER,
            config,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={},
            start_new_session=True,
        )
        feed = asyncio.ensure_future(self._feed(process, stdin))
        out = _Capture(limits.output_bytes, lambda: _kill_group(process))
        err = _Capture(limits.output_bytes, lambda: _kill_group(process))
        assert process.stdout is not None and process.stderr is not None
        reads = asyncio.ensure_future(
            asyncio.gather(out.read(process.stdout), err.read(process.stderr))
        )
        ended = asyncio.ensure_future(_when_ended(process.pid))
        await asyncio.wait({ended}, timeout=limits.wall_ms / 1000)
        timed_out = not ended.done()
        # Whatever the program left behind goes with it; a straggler that still holds the
        # pipes (possible only without namespaces) gets a moment, then is left unread.
        _kill_group(process)
        await asyncio.wait({reads}, timeout=0.5)
        for task in (reads, ended, feed):
            task.cancel()
        returncode = await _exit_status(process)
        elapsed = int((time.monotonic() - started) * 1000)
        return _stage(returncode, out, err, timed_out, elapsed)

    @staticmethod
    async def _feed(process: asyncio.subprocess.Process, stdin: str) -> None:
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(stdin.encode())
            await process.stdin.drain()
            process.stdin.close()


MEMORY_EXCEEDED = "Memory limit exceeded (the run's processes together)"


def _over_memory(stage: Stage) -> Stage:
    """The kernel killed a process of the run for its group's memory limit: whatever the
    program printed, the run failed for its memory."""
    return Stage(
        stage.stdout, stage.stderr, None, "SIGKILL", "SG", MEMORY_EXCEEDED, stage.wall_time_ms
    )


def _stage(returncode: int, out: _Capture, err: _Capture, timed_out: bool, elapsed: int) -> Stage:
    signal_name = signal.Signals(-returncode).name if returncode < 0 else None
    code = None if returncode < 0 else returncode
    status, message = None, None
    if timed_out or signal_name == "SIGXCPU":
        status, message, signal_name, code = "TO", "Time limit exceeded", "SIGKILL", None
    elif out.over:
        status, message, signal_name, code = "OL", "stdout length exceeded", "SIGKILL", None
    elif err.over:
        status, message, signal_name, code = "EL", "stderr length exceeded", "SIGKILL", None
    elif signal_name:
        status, message = "SG", f"Killed by {signal_name}"
    elif code:
        status, message = "RE", f"Exited with code {code}"
    return Stage(out.text(), err.text(), code, signal_name, status, message, elapsed)
