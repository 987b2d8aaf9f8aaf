"""The Piston v2 client (``POST /api/v2/execute``, ``GET /api/v2/runtimes``).

One pooled HTTP client per process, a bound on executions in flight (Piston queues the rest
in memory without limit, so we keep our own queue short and visible), and the runtime list
cached: fetched once, then refreshed in the background when it is older than its TTL, so no
request waits for it after the first. Piston's status codes and bodies are read: an unknown
runtime is the caller's 400, anything else that is not a result is a 503 that says what
happened, and a compile error is reported as one (Piston copies it into ``run``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import httpx

from codincod.clock import SYSTEM, Clock
from codincod.execution.executor import (
    Execution,
    ExecutorUnavailable,
    Limits,
    Runtime,
    Stage,
    UnsupportedLanguage,
)

log = logging.getLogger("codincod.execution")
_OVER_LIMIT = re.compile(r"^(\w+) cannot exceed the configured limit of (-?\d+)")
_UNKNOWN_RUNTIME = re.compile(r"runtime is unknown$")
UNAVAILABLE = "Service unavailable"
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
RETRY_AFTER_FAILURE_SECONDS = 2.0


def _unavailable(message: str) -> ExecutorUnavailable:
    return ExecutorUnavailable(message, title=UNAVAILABLE)


def _parse_runtimes(body: Any) -> list[Runtime]:
    if not isinstance(body, list):
        raise _unavailable("Piston answered the runtime list with something that is not a list")
    runtimes = []
    for item in body:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("language"), str)
            and isinstance(item.get("version"), str)
        ):
            raise _unavailable("Piston's runtime list holds an entry that is not a runtime")
        listed = item.get("aliases")
        aliases: list[Any] = listed if isinstance(listed, list) else []
        runtime = item.get("runtime") if isinstance(item.get("runtime"), str) else None
        runtimes.append(
            Runtime(item["language"], item["version"], tuple(map(str, aliases)), runtime)
        )
    return runtimes


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _parse_stage(body: Any) -> Stage:
    if not isinstance(body, dict) or not isinstance(body.get("stdout"), str):
        raise _unavailable("Piston answered with something that is not an execution result")
    code = body.get("code")
    wall = body.get("wall_time")
    return Stage(
        stdout=body["stdout"],
        stderr=_text(body.get("stderr")),
        code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        signal=body.get("signal") if isinstance(body.get("signal"), str) else None,
        status=body.get("status") if isinstance(body.get("status"), str) else None,
        message=body.get("message") if isinstance(body.get("message"), str) else None,
        wall_time_ms=int(wall) if isinstance(wall, (int, float)) else 0,
    )


def parse_execution(body: Any) -> Execution:
    if not isinstance(body, dict):
        raise _unavailable("Piston answered with something that is not an execution result")
    compiled = _parse_stage(body["compile"]) if isinstance(body.get("compile"), dict) else None
    # When compiling failed, Piston skipped the run and copied the compile stage into it.
    failed = compiled is not None and compiled.code != 0
    run = compiled if failed and compiled else _parse_stage(body.get("run"))
    return Execution(
        language=_text(body.get("language")),
        version=_text(body.get("version")),
        run=run,
        compile=compiled,
    )


class PistonExecutor:
    def __init__(
        self,
        base_url: str,
        *,
        max_concurrent: int = 16,
        runtimes_ttl_seconds: float = 300.0,
        connect_timeout_seconds: float = 3.0,
        request_timeout_seconds: float | None = None,
        clock: Clock = SYSTEM,
    ) -> None:
        self._clock = clock
        self._base = base_url.rstrip("/") + "/api/v2"
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=connect_timeout_seconds),
            limits=httpx.Limits(
                max_connections=max_concurrent + 4, max_keepalive_connections=max_concurrent
            ),
            headers={"Content-Type": "application/json"},
        )
        self.capacity = max_concurrent
        self._slots = asyncio.Semaphore(max_concurrent)
        self._ttl = runtimes_ttl_seconds
        self._request_timeout = request_timeout_seconds
        self._runtimes: list[Runtime] | None = None
        self._fetched_at = 0.0
        self._fetching: asyncio.Task[list[Runtime]] | None = None
        # Piston refuses limits above its own configuration; we learn them and send less.
        self._ceilings: dict[str, int] = {}
        # While Piston is unreachable, requests fail at once for a moment instead of each
        # waiting for its own connection attempt.
        self._last_failure: tuple[float, str] | None = None

    async def close(self) -> None:
        if self._fetching is not None:
            self._fetching.cancel()
        await self._client.aclose()

    # --- runtimes ---------------------------------------------------------------------------

    async def runtimes(self) -> list[Runtime]:
        """The cached list; the first call waits for it, later ones never do."""
        if self._runtimes is None:
            return await self._fetch_once()
        if self._clock.monotonic() - self._fetched_at > self._ttl and self._fetching is None:
            self._fetching = asyncio.ensure_future(self._fetch())
            self._fetching.add_done_callback(self._fetched)
        return self._runtimes

    async def _fetch_once(self) -> list[Runtime]:
        failure = self._last_failure
        if failure and self._clock.monotonic() - failure[0] < RETRY_AFTER_FAILURE_SECONDS:
            raise _unavailable(failure[1])
        if self._fetching is None:
            self._fetching = asyncio.ensure_future(self._fetch())
            self._fetching.add_done_callback(self._fetched)
        return await asyncio.shield(self._fetching)

    def _fetched(self, task: asyncio.Task[list[Runtime]]) -> None:
        self._fetching = None
        error = None if task.cancelled() else task.exception()
        if error is None:
            self._last_failure = None
        elif self._runtimes is None:
            message = getattr(error, "message", "") or "The code execution service failed"
            self._last_failure = (self._clock.monotonic(), message)
        else:
            # A background refresh failed: keep serving the last good list, try again later.
            log.warning("could not refresh Piston's runtime list: %s", error)
            self._fetched_at = self._clock.monotonic() - self._ttl + min(30.0, self._ttl)

    async def _fetch(self) -> list[Runtime]:
        response = await self._request("GET", "/runtimes", timeout=self._request_timeout or 10.0)
        if response.status_code != 200:
            raise _unavailable(f"Piston answered the runtime list with HTTP {response.status_code}")
        runtimes = _parse_runtimes(self._json(response))
        self._runtimes, self._fetched_at = runtimes, self._clock.monotonic()
        return runtimes

    # --- execution --------------------------------------------------------------------------

    async def execute(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> Execution:
        # Piston's own limits bound the work; the default adds room for queueing inside it.
        timeout = self._request_timeout or (limits.wall_ms + limits.compile_ms) / 1000 + 5.0
        async with self._slots:
            for _attempt in range(len(self._limit_fields(limits)) + 1):
                payload = self._payload(language, version, code, stdin, limits)
                response = await self._request("POST", "/execute", json=payload, timeout=timeout)
                if response.status_code == 200:
                    return parse_execution(self._json(response))
                if not self._learned_ceiling(response):
                    raise self._refusal(response, language, version)
        raise _unavailable("Piston keeps refusing the limits codincod sends")

    @staticmethod
    def _limit_fields(limits: Limits) -> dict[str, int]:
        return {
            "run_timeout": limits.wall_ms,
            "run_cpu_time": limits.cpu_ms,
            "run_memory_limit": limits.memory_bytes,
            "compile_timeout": limits.compile_ms,
            "compile_cpu_time": limits.compile_ms,
            "compile_memory_limit": limits.memory_bytes,
        }

    def _payload(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "language": language,
            "version": version,
            "files": [{"content": code}],
            "stdin": stdin,
        }
        for key, value in self._limit_fields(limits).items():
            ceiling = self._ceilings.get(key)
            if ceiling is None:
                payload[key] = value
            elif ceiling >= 0:
                payload[key] = min(value, ceiling)
        return payload

    def _learned_ceiling(self, response: httpx.Response) -> bool:
        """On "x cannot exceed the configured limit of n", remember n and say to retry."""
        if response.status_code != 400:
            return False
        match = _OVER_LIMIT.match(self._message(response))
        if match is None or match.group(1) in self._ceilings:
            return False
        key, ceiling = match.group(1), int(match.group(2))
        log.warning("Piston allows %s up to %s only; codincod sends that from now on", key, ceiling)
        self._ceilings[key] = ceiling
        return True

    def _refusal(self, response: httpx.Response, language: str, version: str) -> Exception:
        message = self._message(response)
        if response.status_code == 400 and _UNKNOWN_RUNTIME.search(message):
            return UnsupportedLanguage(
                f"Piston has no runtime for {language} {version}", title="Unsupported language"
            )
        if response.status_code == 400:
            log.warning("Piston refused an execution: %s", message)
            return _unavailable(f"Piston refused the execution: {message}")
        detail = f": {message}" if message else ""
        log.warning("Piston answered an execution with HTTP %s%s", response.status_code, detail)
        return _unavailable(
            f"The code execution service failed (HTTP {response.status_code}); try again shortly"
        )

    # --- transport --------------------------------------------------------------------------

    async def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            try:
                return await self._client.request(method, self._base + path, **options)
            except _DROPPED:
                # A kept-alive connection that Piston closed as we reused it: once more, on a
                # fresh one (running code twice does no harm; it changes nothing).
                return await self._client.request(method, self._base + path, **options)
        except httpx.TimeoutException as error:
            log.warning(
                "Piston at %s did not answer in time (%s)", self._base, type(error).__name__
            )
            raise _unavailable("The code execution service did not answer in time") from error
        except httpx.HTTPError as error:
            log.warning("cannot reach Piston at %s: %s", self._base, error)
            raise _unavailable("Unable to reach the code execution service") from error

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as error:
            raise _unavailable("Piston answered with something that is not JSON") from error

    @staticmethod
    def _message(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return ""
        message = body.get("message") if isinstance(body, dict) else None
        return message if isinstance(message, str) else ""
