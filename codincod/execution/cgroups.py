"""A control group per run of the embedded runner, so that a run's processes *together* stay
within its memory and process limits (``setrlimit`` holds per process only: twelve children of
200 MB each would hold 2.4 GB).

cgroup v2 is used where this process's own group can delegate ``memory`` and ``pids``; else
cgroup v1's ``memory`` and ``pids`` hierarchies where they are mounted and writable (hybrid
hosts, containers). Neither: ``discover()`` answers None and the runner falls back to a process
budget (see ``local.py``). Plain file I/O on cgroupfs: a handful of small writes per run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("codincod.execution")
ROOT = Path("/sys/fs/cgroup")
PREFIX = "codincod-run-"


def _own_paths() -> dict[str, str]:
    """This process's group in each hierarchy: ``{"": "/x"}`` for v2, ``{"memory": "/y"}``..."""
    paths: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _v1_mounts() -> dict[str, Path]:
    """Where each v1 controller is mounted (from mountinfo: ``... - cgroup cgroup rw,memory``)."""
    mounts: dict[str, Path] = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(tail) < 3 or tail[0] != "cgroup":
            continue
        for option in tail[2].split(","):
            if option in ("memory", "pids"):
                mounts[option] = Path(fields[4])
    return mounts


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _counter(path: Path, name: str) -> int:
    """A ``name value`` line of a flat-keyed cgroup file (memory.events, memory.oom_control)."""
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == name:
                return int(value)
    return 0


@dataclass(frozen=True)
class RunGroup:
    """One run's groups (one directory for v2, one per controller for v1)."""

    version: int
    dirs: tuple[Path, ...]

    @property
    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.dirs]

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the run for the group's memory limit."""
        folder = self.dirs[0]
        if self.version == 2:
            return _counter(folder / "memory.events", "oom_kill") > 0
        return _counter(folder / "memory.oom_control", "oom_kill") > 0

    def remove(self) -> None:
        """Kill whatever is left in the group, then remove it (a moment's retries: the
        kernel frees a group once its last process is reaped)."""
        for folder in self.dirs:
            if self.version == 2 and (folder / "cgroup.kill").exists():
                with contextlib.suppress(OSError):
                    _write(folder / "cgroup.kill", "1")
            with contextlib.suppress(OSError, ValueError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(int(pid), signal.SIGKILL)
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
            else:
                log.warning("could not remove the run's cgroup %s", folder)


@dataclass(frozen=True)
class RunGroups:
    """Where runs' groups are made: the parent folder of each hierarchy used."""

    version: int
    parents: tuple[Path, ...]

    def describe(self) -> str:
        return f"cgroup v{self.version}"

    def create(self, memory_bytes: int, processes: int) -> RunGroup:
        # The maker's pid in the name: a sweep removes only groups whose maker is gone.
        name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        dirs = tuple(parent / name for parent in self.parents)
        made: list[Path] = []
        try:
            for folder in dirs:
                folder.mkdir(mode=0o700)
                made.append(folder)
            self._limit(dirs, memory_bytes, processes)
        except OSError:
            RunGroup(self.version, tuple(made)).remove()
            raise
        return RunGroup(self.version, dirs)

    def _limit(self, dirs: tuple[Path, ...], memory_bytes: int, processes: int) -> None:
        if self.version == 2:
            folder = dirs[0]
            _write(folder / "memory.max", str(memory_bytes))
            with contextlib.suppress(OSError):  # no swap accounting: nothing to limit
                _write(folder / "memory.swap.max", "0")
            _write(folder / "pids.max", str(processes))
            return
        memory, pids = dirs
        _write(memory / "memory.limit_in_bytes", str(memory_bytes))
        with contextlib.suppress(OSError):  # memory+swap, where swap is accounted
            _write(memory / "memory.memsw.limit_in_bytes", str(memory_bytes))
        _write(pids / "pids.max", str(processes))

    def sweep(self) -> None:
        """Remove groups that a crashed server left behind (never another live server's:
        several processes on one host make runs side by side)."""
        for parent in self.parents:
            with contextlib.suppress(OSError):
                for folder in parent.glob(PREFIX + "*"):
                    if not _maker_alive(folder.name):
                        RunGroup(self.version, (folder,)).remove()


def _maker_alive(name: str) -> bool:
    """Whether the process that made the group ``codincod-run-<pid>-<token>`` still runs."""
    pid = name.removeprefix(PREFIX).split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _v2() -> RunGroups | None:
    if not (ROOT / "cgroup.controllers").exists():
        return None
    parent = ROOT / _own_paths().get("", "/").lstrip("/")
    wanted = {"memory", "pids"}
    enabled = set((parent / "cgroup.subtree_control").read_text().split())
    if not wanted <= enabled:
        # Fails (EBUSY) when our own group holds processes and is not the root: then the
        # host has not delegated a group to us, and v2 is not ours to use.
        _write(parent / "cgroup.subtree_control", " ".join("+" + c for c in wanted - enabled))
    return RunGroups(2, (parent,))


def _v1() -> RunGroups | None:
    mounts, own = _v1_mounts(), _own_paths()
    if not {"memory", "pids"} <= mounts.keys():
        return None
    parents = tuple(
        mounts[controller] / own.get(controller, "/").lstrip("/")
        for controller in ("memory", "pids")
    )
    if not all(os.access(parent, os.W_OK) for parent in parents):
        return None
    return RunGroups(1, parents)


def discover() -> RunGroups | None:
    """The cgroups this host lets us make for runs, tried for real once; None: none."""
    for finder in (_v2, _v1):
        try:
            groups = finder()
            if groups is None:
                continue
            groups.create(64 * 1024 * 1024, 4).remove()  # can we really make one?
        except (OSError, ValueError) as error:
            log.debug("cgroups (%s) not usable here: %s", finder.__name__, error)
            continue
        groups.sweep()
        return groups
    return None
