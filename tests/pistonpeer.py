"""A Piston v2 speaking HTTP server for tests and benchmarks: it runs real code.

It answers ``GET /api/v2/runtimes`` and ``POST /api/v2/execute`` the way Piston does (the
415 for a missing JSON content type, the 400 messages, the stage fields, the limits and the
"compile failed, so run = compile" quirk), running Python and, when gcc is installed, C in
subprocesses. It is no sandbox: it exists to exercise codincod's Piston client over real HTTP.

Two extra routes, not Piston's, let a test make it misbehave and count what it was asked:
``POST /_peer/mode {"mode": "normal"|"error500"|"garbage"|"slow"|"reject415"|"drop"|
"drop-once", "delay": s}``
and ``GET /_peer/stats``.

    python -m tests.pistonpeer --port 2000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LIMIT_KEYS = (
    "compile_timeout",
    "run_timeout",
    "compile_cpu_time",
    "run_cpu_time",
    "compile_memory_limit",
    "run_memory_limit",
)


@dataclass
class PeerRuntime:
    language: str
    version: str
    aliases: list[str]
    source: str
    compile: list[str] | None
    run: list[str]


def _python_runtime() -> PeerRuntime:
    version = ".".join(map(str, sys.version_info[:3]))
    return PeerRuntime(
        "python",
        version,
        ["py", "py3", "python3"],
        "main.py",
        None,
        [sys.executable, "-I", "-B", "main.py"],
    )


def _c_runtime() -> PeerRuntime | None:
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    version = subprocess.run([gcc, "-dumpfullversion"], capture_output=True, text=True).stdout
    return PeerRuntime(
        "c",
        version.strip() or "12.0.0",
        ["gcc"],
        "main.c",
        [gcc, "-O0", "-o", "main", "main.c"],
        ["./main"],
    )


@dataclass
class PeerConfig:
    output_max_size: int = 1024
    max_run_timeout: int = 3000
    max_compile_timeout: int = 10000
    max_memory_limit: int = -1  # -1: no ceiling
    mode: str = "normal"
    delay: float = 0.0
    stats: dict[str, int] = field(
        default_factory=lambda: {"runtimes": 0, "execute": 0, "in_flight": 0, "most_in_flight": 0}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    handling: int = 0  # requests being answered now, slow ones included


class BadRequest(Exception):
    pass


def _limits(body: dict[str, Any], config: PeerConfig) -> dict[str, int]:
    ceilings = {
        "compile_timeout": config.max_compile_timeout,
        "run_timeout": config.max_run_timeout,
        "compile_cpu_time": config.max_compile_timeout,
        "run_cpu_time": config.max_run_timeout,
        "compile_memory_limit": config.max_memory_limit,
        "run_memory_limit": config.max_memory_limit,
    }
    chosen: dict[str, int] = {}
    for key in LIMIT_KEYS:
        value = body.get(key)
        ceiling = ceilings[key]
        if not value:  # Piston: 0 or absent means "not given"
            chosen[key] = ceiling
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise BadRequest(f"If specified, {key} must be a number")
        if value < 0 and value != -1:
            raise BadRequest(f"{key} must be non-negative")
        if ceiling >= 0 and (value > ceiling or value == -1):
            raise BadRequest(f"{key} cannot exceed the configured limit of {ceiling}")
        chosen[key] = int(value)
    return chosen


def _find_runtime(runtimes: list[PeerRuntime], language: str, version: str) -> PeerRuntime:
    for runtime in runtimes:
        named = language == runtime.language or language in runtime.aliases
        if named and (version in ("*", runtime.version) or runtime.version.startswith(version)):
            return runtime
    raise BadRequest(f"{language}-{version} runtime is unknown")


def _validate(body: Any, runtimes: list[PeerRuntime]) -> PeerRuntime:
    if not isinstance(body, dict) or not isinstance(body.get("language"), str):
        raise BadRequest("language is required as a string")
    if not isinstance(body.get("version"), str):
        raise BadRequest("version is required as a string")
    files = body.get("files")
    if not isinstance(files, list):
        raise BadRequest("files is required as an array")
    for index, item in enumerate(files):
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise BadRequest(f"files[{index}].content is required as a string")
    if not any(item.get("encoding", "utf8") == "utf8" for item in files):
        raise BadRequest("files must include at least one utf8 encoded file")
    return _find_runtime(runtimes, body["language"], body["version"])


def _rlimits(cpu_ms: int, memory: int) -> Any:
    def apply() -> None:
        seconds = max(1, -(-cpu_ms // 1000))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        if memory > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def _stage(
    command: list[str],
    cwd: str,
    stdin: str,
    timeout_ms: int,
    cpu_ms: int,
    memory: int,
    output_max: int,
) -> dict[str, Any]:
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin"},
        start_new_session=True,
        preexec_fn=_rlimits(cpu_ms, memory),
    )
    timed_out = False
    try:
        out, err = process.communicate(stdin.encode(), timeout=timeout_ms / 1000)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    wall = int((time.monotonic() - started) * 1000)
    stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    code: int | None = process.returncode
    signal_name = signal.Signals(-code).name if code is not None and code < 0 else None
    status, message = None, None
    if signal_name:
        code = None
    if timed_out or signal_name == "SIGXCPU":
        status, message, signal_name = "TO", "Time limit exceeded", "SIGKILL"
    elif len(stdout) > output_max:
        status, message, signal_name = "OL", "stdout length exceeded", "SIGKILL"
    elif len(stderr) > output_max:
        status, message, signal_name = "EL", "stderr length exceeded", "SIGKILL"
    elif signal_name:
        status, message = "SG", None
    elif code:
        status, message = "RE", None
    stdout, stderr = stdout[:output_max], stderr[:output_max]
    return {
        "stdout": stdout,
        "stderr": stderr,
        "output": stdout + stderr,
        "code": code,
        "signal": signal_name,
        "message": message,
        "status": status,
        "cpu_time": wall,
        "wall_time": wall,
        "memory": 0,
    }


def execute(body: dict[str, Any], runtime: PeerRuntime, config: PeerConfig) -> dict[str, Any]:
    limits = _limits(body, config)
    stdin = body.get("stdin") or ""
    with tempfile.TemporaryDirectory(prefix="pistonpeer-") as box:
        with open(os.path.join(box, runtime.source), "w", encoding="utf-8") as handle:
            handle.write(body["files"][0]["content"])
        result: dict[str, Any] = {"language": runtime.language, "version": runtime.version}
        if runtime.compile:
            compiled = _stage(
                runtime.compile,
                box,
                "",
                limits["compile_timeout"],
                limits["compile_cpu_time"],
                limits["compile_memory_limit"],
                config.output_max_size,
            )
            result["compile"] = compiled
            if compiled["code"] != 0:
                result["run"] = compiled  # Piston's "backward compatibility"
                return result
        result["run"] = _stage(
            runtime.run,
            box,
            stdin,
            limits["run_timeout"],
            limits["run_cpu_time"],
            limits["run_memory_limit"],
            config.output_max_size,
        )
        return result


def make_handler(config: PeerConfig, runtimes: list[PeerRuntime]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the "slow" mode's point)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _misbehave(self) -> bool:
            if config.delay:
                time.sleep(config.delay)
            if config.mode == "error500":
                self._send(500, None, raw=b"")
                return True
            if config.mode == "garbage":
                self._send(200, None, raw=b"<html>surprise</html>")
                return True
            if config.mode in ("drop", "drop-once"):
                # Hang up without an answer, as a server closing a kept-alive connection does.
                if config.mode == "drop-once":
                    config.mode = "normal"
                self.close_connection = True
                self.connection.shutdown(2)
                return True
            return False

        def _counted(self, answer: Callable[[], None]) -> None:
            with config.lock:
                config.handling += 1
            try:
                answer()
            finally:
                with config.lock:
                    config.handling -= 1

        def do_GET(self) -> None:
            self._counted(self._answer_get)

        def do_POST(self) -> None:
            self._counted(self._answer_post)

        def _answer_get(self) -> None:
            if self.path == "/_peer/stats":
                self._send(200, config.stats)
            elif self.path == "/api/v2/runtimes":
                with config.lock:
                    config.stats["runtimes"] += 1
                if not self._misbehave():
                    self._send(
                        200,
                        [
                            {"language": r.language, "version": r.version, "aliases": r.aliases}
                            for r in runtimes
                        ],
                    )
            else:
                self._send(404, {"message": "Not found"})

        def _answer_post(self) -> None:
            raw = self._body()
            if self.path == "/_peer/mode":
                wanted = json.loads(raw or b"{}")
                config.mode = wanted.get("mode", "normal")
                config.delay = float(wanted.get("delay", 0))
                for key in ("max_memory_limit", "output_max_size"):
                    if key in wanted:
                        setattr(config, key, int(wanted[key]))
                self._send(200, {"mode": config.mode})
                return
            if self.path != "/api/v2/execute":
                self._send(404, {"message": "Not found"})
                return
            with config.lock:
                config.stats["execute"] += 1
            content_type = self.headers.get("Content-Type", "")
            if config.mode == "reject415" or not content_type.startswith("application/json"):
                self._send(415, {"message": "requests must be of type application/json"})
                return
            if self._misbehave():
                return
            # In flight while running, not while answering: a client may have read the
            # answer and sent its next request before this thread is done writing.
            self._count_in_flight(+1)
            try:
                body = json.loads(raw)
                runtime = _validate(body, runtimes)
                status, answer = 200, execute(body, runtime, config)
            except BadRequest as error:
                status, answer = 400, {"message": str(error)}
            except ValueError:
                status, answer = 400, {"message": "Invalid JSON"}
            finally:
                self._count_in_flight(-1)
            self._send(status, answer)

        def _count_in_flight(self, change: int) -> None:
            with config.lock:
                stats = config.stats
                stats["in_flight"] += change
                stats["most_in_flight"] = max(stats["most_in_flight"], stats["in_flight"])

    return Handler


class PeerServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when many clients connect at once; Piston
    # (Node) listens with 511.
    request_queue_size = 511


class PistonPeer:
    """The peer in a background thread, for tests and benchmarks in this process."""

    def __init__(self, port: int = 0, **config: Any) -> None:
        self.config = PeerConfig(**config)
        runtimes = [_python_runtime(), *filter(None, [_c_runtime()])]
        self.runtimes = runtimes
        self.server = PeerServer(("127.0.0.1", port), make_handler(self.config, runtimes))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PistonPeer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def behave(self, mode: str = "normal", delay: float = 0.0) -> None:
        self.config.mode, self.config.delay = mode, delay

    def reset(self) -> None:
        """Normal behaviour, default limits and zeroed counters, once the requests of the test
        before (a slow one its client gave up on) are answered: they would count in this one."""
        defaults = PeerConfig()
        self.behave()
        deadline = time.monotonic() + 10
        while self.config.handling and time.monotonic() < deadline:
            time.sleep(0.01)
        self.config.max_memory_limit = defaults.max_memory_limit
        with self.config.lock:
            self.config.stats.update({key: 0 for key in self.config.stats})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=2000)
    parser.add_argument("--output-max-size", type=int, default=1024)
    arguments = parser.parse_args()
    peer = PistonPeer(arguments.port, output_max_size=arguments.output_max_size)
    print(f"Piston peer on {peer.url}", flush=True)
    peer.server.serve_forever()


if __name__ == "__main__":
    main()
