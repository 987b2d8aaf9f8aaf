"""Group commit: items handed to one writer in groups. Those that come while a write is under
way wait for the next, and go together: a quiet stream writes each item at once, a busy one
makes a few writes a second instead of one per item. Each sender waits for its own item.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Grouped(Generic[T, R]):
    """``write`` takes a group and returns one result per item, in order. When a group
    fails, each of its items is written alone, so one bad item spoils no other."""

    def __init__(self, write: Callable[[list[T]], Awaitable[Sequence[R]]], most: int = 500) -> None:
        self._write, self._most = write, most
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def send(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, done))
        if self._running is None or self._running.done():
            self._running = loop.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                _settle(group, await self._write([item for item, _ in group]))
            except Exception as error:
                if len(group) == 1:
                    _fail(group, error)
                    continue
                for one in group:
                    try:
                        _settle([one], await self._write([one[0]]))
                    except Exception as alone:
                        _fail([one], alone)


def _settle(group: list[tuple[T, asyncio.Future[R]]], results: Sequence[R]) -> None:
    for (_, done), result in zip(group, results, strict=True):
        if not done.done():  # its sender may have gone meanwhile
            done.set_result(result)


def _fail(group: list[tuple[T, asyncio.Future[R]]], error: Exception) -> None:
    for _, done in group:
        if not done.done():
            done.set_exception(error)
