"""Shared bench plumbing: throwaway PostgreSQL databases, server processes and wrk runs."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test harness's helpers, shared rather than copied
from tests.support import create_database, drop_database, free_port  # noqa: E402

PG_ADMIN = os.environ.get(
    "CODINCOD_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PYTHON = sys.executable


class BenchDatabase:
    """A fresh PostgreSQL database, migrated with the real CLI, dropped on exit."""

    def __init__(self) -> None:
        self.name = f"codincod_bench_{secrets.token_hex(4)}"
        self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"
        self.data_dir = Path(tempfile.mkdtemp(prefix="codincod-bench-"))

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "CODINCOD_DATABASE_URL": self.url,
            "CODINCOD_DATA_DIR": str(self.data_dir),
            "CODINCOD_JWT_SECRET": "bench-secret-" + "b" * 40,
            "CODINCOD_RATE_LIMIT_ENABLED": "false",
            "CODINCOD_LOG_LEVEL": "WARNING",
            **extra,
        }

    def cli(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [PYTHON, "-m", "codincod.cli", *args],
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout

    def __enter__(self) -> BenchDatabase:
        create_database(PG_ADMIN, self.name)
        self.cli("db", "upgrade")
        return self

    def __exit__(self, *exc: object) -> None:
        drop_database(PG_ADMIN, self.name)
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Server:
    """A process started in its own session, waited for until ``health_path`` answers."""

    def __init__(
        self, command: list[str], env: dict[str, str], port: int, health_path: str
    ) -> None:
        self.command, self.env, self.port, self.health_path = command, env, port, health_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + self.health_path, timeout=1).status_code == 200:
                    time.sleep(1.0)  # a SIGINT to a worker still starting can hang the manager
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.command} did not start")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def codincod_server(database: BenchDatabase, workers: int, **extra: str) -> Server:
    port = free_port()
    env = database.env(CODINCOD_PORT=str(port), CODINCOD_WORKERS=str(workers), **extra)
    return Server([PYTHON, "-m", "codincod.cli", "serve"], env, port, "/api/v1/health")


def ceiling_server() -> Server:
    port = free_port()
    return Server(
        [PYTHON, str(ROOT / "bench" / "trivial_app.py"), str(port)], dict(os.environ), port, "/ping"
    )


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int

    def row(self, label: str, ceiling: float | None = None) -> str:
        share = f"{self.requests_per_second / ceiling:6.1%}" if ceiling else "      "
        return (
            f"{label:<44} {self.requests_per_second:9.1f} req/s {share}  p50 {self.p50_ms:7.1f} ms"
            f"  p99 {self.p99_ms:7.1f} ms  n={self.requests} errors={self.errors}"
        )


def _millis(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, *, runs: int = 3, **options: object) -> LoadResult:
    """The median run (by requests/s) of ``runs`` wrk runs: this machine's figures vary by
    about 10 % from run to run."""
    results = sorted(
        (_wrk_once(url, **options) for _ in range(runs)), key=lambda r: r.requests_per_second
    )
    return results[len(results) // 2]


def _wrk_once(
    url: str,
    *,
    connections: int = 64,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    timeout: int = 10,
) -> LoadResult:
    """Runs wrk (apt-get install wrk) once after a 2 s warm-up; loopback only."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    base = ["wrk", "-t2", f"-c{connections}", f"--timeout={timeout}s", "--latency"]
    for name, value in (headers or {}).items():
        base += ["-H", f"{name}: {value}"]
    if script:
        base += ["-s", script]
    subprocess.run([*base[:2], "-c8", "-d2s", *base[3:], url], capture_output=True, check=False)
    output = subprocess.run(
        [*base, f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _millis(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _millis(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return LoadResult(rps, p50, p99, total, errors)
