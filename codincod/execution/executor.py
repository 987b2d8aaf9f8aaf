"""What running code means to codincod: one interface, whoever runs it (Piston or the embedded
runner). Results keep Piston's shape, since the frontend reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from codincod.errors import InvalidInput, Unavailable


@dataclass(frozen=True)
class Runtime:
    language: str
    version: str
    aliases: tuple[str, ...] = ()
    runtime: str | None = None


@dataclass(frozen=True)
class Limits:
    wall_ms: int = 3_000
    cpu_ms: int = 3_000
    compile_ms: int = 10_000
    memory_bytes: int = 256 * 1024 * 1024
    output_bytes: int = 64 * 1024
    file_bytes: int = 1024 * 1024
    processes: int = 16


@dataclass(frozen=True)
class Stage:
    """One stage (compile or run), as Piston reports it. ``status``: None when the program
    ended by itself, else RE (non-zero exit), SG (signal), TO (time), OL/EL (stdout/stderr
    too long), XX (the runner failed)."""

    stdout: str = ""
    stderr: str = ""
    code: int | None = 0
    signal: str | None = None
    status: str | None = None
    message: str | None = None
    wall_time_ms: int = 0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass(frozen=True)
class Execution:
    language: str
    version: str
    run: Stage
    compile: Stage | None = field(default=None)

    @property
    def compile_failed(self) -> bool:
        return self.compile is not None and self.compile.code != 0


class UnsupportedLanguage(InvalidInput):
    """No runtime of the executor runs this language."""


class ExecutorUnavailable(Unavailable):
    """The executor cannot run code now: down, too slow, or answering nonsense."""


class Executor(Protocol):
    async def runtimes(self) -> list[Runtime]: ...

    async def execute(
        self, language: str, version: str, code: str, stdin: str, limits: Limits
    ) -> Execution: ...

    async def close(self) -> None: ...
