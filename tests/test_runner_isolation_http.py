"""The embedded runner against hostile code, sent as a player would: ``POST /api/v1/execute`` on
a real server (under uvloop, whose subprocess launch passes descriptors on). Each test is one
attack: the program tries it and prints what it got."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from codincod.execution.uidpool import DEFAULT_BASE, DEFAULT_SIZE
from tests.support import DB_KIND, ServerProcess, client, register

# The sandbox and the executors do not touch the database: the SQLite run has these.
pytestmark = pytest.mark.skipif(
    DB_KIND != "sqlite", reason="no database involved: the SQLite run has it"
)

TIME_LIMIT_S = 2
ISOLATED = os.geteuid() == 0  # the namespaces and the uid pool need root here


@pytest.fixture(scope="module")
def runner_server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    extra = {"CODINCOD_RUN_TIMEOUT_MS": str(TIME_LIMIT_S * 1000)}
    process = ServerProcess({**env, **extra}, tmp_path_factory.mktemp("logs") / "runner.log")
    process.start()
    yield process
    process.stop()


async def run(http: httpx.AsyncClient, token: str, code: str) -> dict:
    body = {"code": code, "language": "python", "testInput": "", "testOutput": "ok"}
    response = await http.post(
        "/api/v1/execute", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()["run"]


def run_processes() -> list[int]:
    """Processes on the host that run as one of the runner's uids."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except FileNotFoundError:
                continue
            if DEFAULT_BASE <= uid < DEFAULT_BASE + DEFAULT_SIZE:
                found.append(int(entry.name))
    return found


HIJACK = """
import os, socket
stolen = []
for fd in range(3, 1024):
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        continue
    sock.setblocking(False)
    try:
        sock.accept()
        stolen.append(("accepted", fd))
    except BlockingIOError:
        stolen.append(("listening", fd))
    except OSError:
        stolen.append(("socket", fd))
    finally:
        sock.detach()
print("fds", sorted(os.listdir("/proc/self/fd")))
print("stolen", stolen)
"""


async def test_the_program_gets_only_stdio(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        token = await register(http, "iso_hijack")
        result = await run(http, token, HIJACK)
    # 3 is the listing's own descriptor.
    assert result["stdout"] == "fds ['0', '1', '2', '3']\nstolen []\n", result


DETACH = """
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(40)  # holds stdout and stderr open
    os._exit(0)
print("parent done")
"""

DETACH_AND_LOOP = """
import os
if os.fork() == 0:
    os.setsid()
    while True:
        pass
print("parent done")
"""


async def test_a_detached_child_neither_delays_the_run_nor_survives_it(
    runner_server: ServerProcess,
) -> None:
    async with client(runner_server.url) as http:
        token = await register(http, "iso_detach")
        started = time.monotonic()
        result = await run(http, token, DETACH)
        assert time.monotonic() - started < TIME_LIMIT_S + 1
        assert result["stdout"] == "parent done\n" and result["code"] == 0
        result = await run(http, token, DETACH_AND_LOOP)
        assert result["stdout"] == "parent done\n"
    await asyncio.sleep(0.2)
    assert runs_of(runner_server) == []  # this server's: the other suite may be running beside


async def test_detached_runs_do_not_hold_up_other_users(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        attacker, other = await register(http, "iso_hog"), await register(http, "iso_other")
        hogs = [asyncio.ensure_future(run(http, attacker, DETACH)) for _ in range(4)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        result = await run(http, other, "print('ok')")
        waited = time.monotonic() - started
        await asyncio.gather(*hogs)
    assert result["stdout"] == "ok\n"
    assert waited < 2, f"another user's run waited {waited:.1f}s"


async def test_one_user_cannot_take_every_slot(runner_server: ServerProcess) -> None:
    """Runs that use their whole time limit, sent at once by one user, queue behind each
    other: another user's run still finds a free slot."""
    async with client(runner_server.url) as http:
        hog, other = await register(http, "iso_sleeper"), await register(http, "iso_waiter")
        sleepers = [
            asyncio.ensure_future(run(http, hog, "import time\ntime.sleep(40)")) for _ in range(4)
        ]
        await asyncio.sleep(0.3)
        started = time.monotonic()
        result = await run(http, other, "print('ok')")
        waited = time.monotonic() - started
        for sleeper in sleepers:
            sleeper.cancel()
        await asyncio.gather(*sleepers, return_exceptions=True)
    assert result["stdout"] == "ok\n"
    assert waited < 1.5, f"another user's run waited {waited:.1f}s behind one user's"


SECRET_HOLDER = """
import time
SECRET = "s3cr3t-" + "of-the-other-player"
open("/tmp/left-behind", "w").write(SECRET)
time.sleep(1.5)
print("held")
"""

SNOOP = """
import glob, os
seen = []
for path in glob.glob("/proc/[0-9]*/cmdline") + glob.glob("/proc/[0-9]*/cwd/*.py"):
    try:
        seen.append(open(path, "rb").read())
    except OSError:
        pass
for pattern in ("/tmp/**", "/var/tmp/**", "/dev/shm/**", "/tmp/codincod-run-*/*"):
    for path in glob.glob(pattern, recursive=True):
        try:
            seen.append(open(path, "rb").read())
        except OSError:
            pass
marker = ("of-the-" + "other-player").encode()  # not spelled out: this file is read too
print("found" if any(marker in blob for blob in seen) else "nothing")
print("pids", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
"""


@pytest.mark.skipif(not ISOLATED, reason="a private /proc and /tmp need root here")
async def test_runs_cannot_see_each_other(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        holder, snoop = await register(http, "iso_holder"), await register(http, "iso_snoop")
        held = asyncio.ensure_future(run(http, holder, SECRET_HOLDER))
        await asyncio.sleep(0.6)
        seen = await run(http, snoop, SNOOP)
        assert (await held)["stdout"] == "held\n"
        after = await run(http, snoop, SNOOP)
    # only its own process: not even the launcher (PID 1), whose command line names the host
    assert seen["stdout"] == "nothing\npids [2]\n", seen
    assert after["stdout"].startswith("nothing\n")
    assert not Path("/tmp/left-behind").exists()


CONNECT = """
import socket
for port in ({port}, 5432):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        print(port, "open")
    except OSError as error:
        print(port, "refused", error.errno)
import os
print("unix", os.path.exists("/run/postgresql/.s.PGSQL.5432"))
"""


@pytest.mark.skipif(not ISOLATED, reason="a network namespace needs root here")
async def test_the_program_has_no_network(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        token = await register(http, "iso_net")
        result = await run(http, token, CONNECT.format(port=runner_server.port))
    lines = result["stdout"].splitlines()
    assert lines[0].startswith(f"{runner_server.port} refused"), result
    assert lines[1].startswith("5432 refused") and lines[2] == "unix False"


ESCAPES = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
tried = {
    "user namespace": libc.unshare(0x10000000 | 0x00020000),
    "mount": libc.mount(b"none", b"/tmp", b"tmpfs", 0, b"size=4g"),
    "ptrace": libc.ptrace(16, 1, 0, 0),
    "keyring": libc.syscall(248, b"user", b"leak", b"from run A", 17, -2),
}
print(sorted(name for name, result in tried.items() if result != -1))
if os.fork() == 0:
    os._exit(0)
print("fork still works", os.wait()[1] == 0)
"""

READ_KEY = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print(libc.syscall(250, 10, -2, b"user", b"leak", 0))  # KEYCTL_SEARCH in the user keyring
"""


async def test_no_namespaces_mounts_ptrace_or_keyrings(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        token = await register(http, "iso_escape")
        result = await run(http, token, ESCAPES)
        assert result["stdout"] == "[]\nfork still works True\n", result
        assert (await run(http, token, READ_KEY))["stdout"] == "-1\n"


async def test_the_runner_reports_its_layers(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        ready = (await http.get("/api/v1/health/ready")).json()
    layers = ready["executor"]["isolation"]
    assert ready["executor"]["kind"] == "embedded"
    assert layers["inherited descriptors closed"] is True
    assert layers["network namespace (no network)"] is ISOLATED
    assert "sandbox here: active: inherited descriptors closed" in runner_server.log()


FORK_BOMB_OF_MEMORY = """
import os, time
children = []
for _ in range(12):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(200 * 1024 * 1024)
            for offset in range(0, len(block), 4096):  # touch every page: resident, not virtual
                block[offset] = 1
            time.sleep(1.5)
            os._exit(0)
        except MemoryError:
            os._exit(3)
    children.append(pid)
statuses = [os.waitpid(child, 0)[1] for child in children]
print("held", sum(1 for status in statuses if status == 0))
"""


def process_tree(root: int) -> set[int]:
    """``root`` and every process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, grown = {root}, True
    while grown:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(found)
        tree |= found
    return tree


def runs_of(server: ServerProcess) -> list[int]:
    """The run processes that ``server`` made (their cgroup names its pid): other servers on
    this host, e.g. the other database's suite running beside this one, are left out."""
    assert server.process is not None
    makers = process_tree(server.process.pid)
    found = []
    for pid in run_processes():
        try:
            groups = Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            continue
        if any(f"codincod-run-{maker}-" in groups for maker in makers):
            found.append(pid)
    return found


def resident_bytes_of_runs(server: ServerProcess) -> int:
    """Memory of ``server``'s run processes, now: proportional set sizes, so pages that
    forked children share are counted once."""
    total = 0
    for pid in runs_of(server):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@pytest.mark.skipif(not ISOLATED, reason="a cgroup per run needs root here")
async def test_a_runs_processes_together_stay_within_its_memory(
    runner_server: ServerProcess,
) -> None:
    """Twelve children of 200 MB each: the run's limit (256 MB) holds for all of them
    together, and the run is reported as over its memory. Measured by the kernel's own
    account of the run's group (its peak use), and by the processes' own memory (Pss)."""
    charged, resident = 0, 0
    async with client(runner_server.url) as http:
        token = await register(http, "iso_memory")
        attack = asyncio.ensure_future(run(http, token, FORK_BOMB_OF_MEMORY))
        while not attack.done():
            charged = max(charged, group_usage_of(runner_server))
            resident = max(resident, resident_bytes_of_runs(runner_server))
            await asyncio.sleep(0.01)
        result = attack.result()
    assert result["status"] == "SG" and "Memory limit exceeded" in result["message"], result
    limit = 256 * 1024 * 1024
    assert 200 * 1024 * 1024 < charged <= limit, f"the run's group held {charged >> 20} MiB"
    print(f"fork test: group peak {charged >> 20} MiB, Pss peak {resident >> 20} MiB of 256 MiB")


def group_usage_of(server: ServerProcess) -> int:
    """The highest memory use the kernel counts for any of ``server``'s run groups now."""
    assert server.process is not None
    makers = process_tree(server.process.pid)
    found = 0
    for name in ("memory.peak", "memory.max_usage_in_bytes"):  # v2, v1
        # Groups come and go while the tree is walked (other servers' runs): a vanished one
        # ends this walk, the next poll walks again.
        with contextlib.suppress(OSError):
            for path in Path("/sys/fs/cgroup").rglob(f"codincod-run-*/{name}"):
                maker = path.parent.name.removeprefix("codincod-run-").split("-", 1)[0]
                if maker.isdigit() and int(maker) in makers:
                    with contextlib.suppress(OSError, ValueError):
                        found = max(found, int(path.read_text().split()[0]))
    return found


CLOSED_CALLS = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
calls = {
    "io_uring_setup": (425, 8, params),
    "msgget": (68, 0, 0o1666),
    "shmget": (29, 0, 4096, 0o1666),
    "semget": (64, 0, 1, 0o1666),
    "vmsplice": (278, 1, 0, 0, 0),
    "pidfd_open": (434, 1, 0),
    "process_vm_readv": (310, 1, 0, 0, 0, 0, 0),
    "mq_open": (240, b"/q", 0o100, 0o600, 0),
}
worked = sorted(name for name, (number, *args) in calls.items() if libc.syscall(number, *args) >= 0)
print("worked", worked)
"""


async def test_io_uring_ipc_and_pidfd_are_refused(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        token = await register(http, "iso_calls")
        result = await run(http, token, CLOSED_CALLS)
    assert result["stdout"] == "worked []\n", result


FILESYSTEM = """
import os
print(sorted(os.listdir("/")))
print("etc", os.path.exists("/etc/passwd"), "project", os.path.exists({project!r}))
print("home", os.path.exists("/root") or os.path.exists("/home"))
print("devices", len(open("/dev/urandom", "rb").read(8)), open("/dev/null", "w").write("x"))
try:
    open("/usr/lib/written-by-a-run", "w")
    print("usr writable")
except OSError as error:
    print("usr read-only", error.errno == 30)
print("cwd", os.getcwd())
print("launcher visible", os.path.exists("/proc/1/cmdline"))
"""


@pytest.mark.skipif(not ISOLATED, reason="a root of its own needs a mount namespace here")
async def test_the_run_sees_a_minimal_read_only_filesystem(runner_server: ServerProcess) -> None:
    project = str(Path(__file__).resolve().parent.parent)
    async with client(runner_server.url) as http:
        token = await register(http, "iso_files")
        result = await run(http, token, FILESYSTEM.format(project=project))
    lines = result["stdout"].splitlines()
    assert set(eval(lines[0])) <= {"bin", "dev", "lib", "lib64", "proc", "sbin", "tmp", "usr"}
    assert lines[1:] == [
        "etc False project False",
        "home False",
        "devices 8 1",
        "usr read-only True",
        "cwd /tmp/run",
        "launcher visible False",
    ], result


async def test_readiness_says_how_a_runs_memory_is_bounded(runner_server: ServerProcess) -> None:
    async with client(runner_server.url) as http:
        executor = (await http.get("/api/v1/health/ready")).json()["executor"]
    expected = "cgroup" if ISOLATED else "process budget"
    assert executor["runMemory"].startswith(expected), executor


@pytest.mark.skipif(not ISOLATED, reason="cgroups per run need root here")
async def test_a_server_starting_leaves_the_runs_of_another_alone(
    runner_server: ServerProcess, env: dict[str, str], tmp_path: Path
) -> None:
    """A starting server removes the run groups a crashed one left, never a live one's: a
    run in flight on one process finishes while another process starts."""
    async with client(runner_server.url) as http:
        token = await register(http, "iso_neighbour")
        running = asyncio.ensure_future(
            run(http, token, "import time\ntime.sleep(1.8)\nprint('ok')")
        )
        await asyncio.sleep(0.3)
        other = ServerProcess(env, tmp_path / "neighbour.log")
        other.start()
        try:
            result = await running
        finally:
            other.stop()
    assert result["stdout"] == "ok\n" and result["status"] is None, result
