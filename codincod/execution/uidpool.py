"""A pool of dedicated uids for the embedded runner, one per run in progress.

Runs of different users then cannot signal each other's processes or read each other's files,
and ``RLIMIT_NPROC`` (counted per uid) bounds each run alone. The pool is shared by every
process of the host through one lock file per uid (``flock``: released by the kernel when a
process dies, so a crash frees its uids).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path

DEFAULT_BASE = 1_990_000_000
DEFAULT_SIZE = 64


def _lock_folder() -> Path:
    for candidate in (Path("/run/codincod-runner"), Path("/tmp/codincod-runner-uids")):
        with contextlib.suppress(OSError):
            candidate.mkdir(mode=0o700, exist_ok=True)
            if candidate.stat().st_uid == os.geteuid() and os.access(candidate, os.W_OK):
                os.chmod(candidate, 0o700)
                return candidate
    raise OSError("no private folder for the runner's uid locks")


class UidPool:
    def __init__(self, base: int = DEFAULT_BASE, size: int = DEFAULT_SIZE) -> None:
        self._uids = range(base, base + size)
        self._folder = _lock_folder()

    def _try_take(self, uid: int) -> int | None:
        fd = os.open(self._folder / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    @contextlib.asynccontextmanager
    async def take(self) -> AsyncIterator[int]:
        """A uid no other run on this host holds, for the time of the block."""
        while True:
            for uid in self._uids:
                fd = self._try_take(uid)
                if fd is not None:
                    try:
                        yield uid
                    finally:
                        os.close(fd)
                    return
            await asyncio.sleep(0.05)  # every uid busy: more runs than the pool, wait for one
