"""One open socket: who is behind it, and an outbox drained by its own writer, so that a slow
client delays nobody else (a client whose outbox overflows is closed, and reconnects)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sanic.server.websockets.impl import WebsocketImplProtocol

from codincod.actors import Actor
from server.wire import encode

log = logging.getLogger("codincod.realtime")

OUTBOX = 512
REASON_BYTES = 123  # the protocol's limit on a close reason
_numbers = itertools.count(1)


def close_reason(text: str) -> str:
    """``text`` cut to what a close frame may carry (123 bytes of UTF-8), on a character."""
    raw = text.encode()
    if len(raw) <= REASON_BYTES:
        return text
    return raw[: REASON_BYTES - 3].decode(errors="ignore") + "..."


class Bucket:
    """A token bucket: ``rate`` per second on average, bursts up to ``capacity``."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.stamp = capacity, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass(frozen=True)
class Session:
    """What a socket was opened with: checked again every second (``Hub.recheck_sessions``)."""

    token_id: str
    expires_at: datetime
    staff: bool = False  # the staff feed: its user must stay a moderator
    read_only: bool = False  # frames that change something are refused


class Connection:
    def __init__(self, ws: WebsocketImplProtocol, actor: Actor, session: Session) -> None:
        self.id = next(_numbers)
        self.ws = ws
        self.actor = actor
        self.session = session
        self.frames = Bucket(rate=10, capacity=30)  # any frame, garbage included
        self.has_puzzle = False  # game sockets: the puzzle was sent
        self.told_finished = False  # game sockets: game:finished was sent
        self.plays = False  # game sockets: the user is a player (a seat is never taken back)
        self.checked_at = time.monotonic()  # when the session was last found valid
        self.held = False  # its session changed: no staff frames until it is rechecked
        # game sockets: the players' talk that came while the greeting was read, sent after it
        self.greeted = False
        self.talk_waiting: list[tuple[Any, str]] = []
        self.chat_told: set[str] = set()  # game sockets: the ids of the chat lines it was sent
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue(OUTBOX)
        self._writer = asyncio.get_running_loop().create_task(self._write())
        self.closed = False

    @property
    def user_id(self) -> str:
        return self.actor.id

    def send(self, event: Mapping[str, Any]) -> None:
        self.send_text(encode(event).decode())

    def send_text(self, text: str) -> None:
        if self.closed:
            return
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("socket %s of %s is not reading: closed", self.id, self.actor.username)
            asyncio.get_running_loop().create_task(self.close(1013, "Too far behind: reconnect"))

    async def _write(self) -> None:
        while (text := await self._outbox.get()) is not None:
            try:
                await self.ws.send(text)
            except Exception:  # the peer went away: the reader ends the connection
                self.closed = True
                return

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.closed:
            return
        await self.flush()
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, reason=close_reason(reason))

    async def flush(self, timeout: float = 2.0) -> None:
        """Let the writer send what is queued (before a close that follows an error)."""
        if self._writer.done():
            return
        try:
            self._outbox.put_nowait(None)
        except asyncio.QueueFull:
            return
        with contextlib.suppress(asyncio.TimeoutError, Exception):
            await asyncio.wait_for(asyncio.shield(self._writer), timeout)

    async def finish(self) -> None:
        """The socket ended: stop the writer."""
        self.closed = True
        if not self._writer.done():
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
