"""A WebSocket client for tests: real connections to a real server, with helpers to wait for
one event (keeping the others) and to check that an event does not come."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection

from tests.addresses import fresh_address

Match = Callable[[dict[str, Any]], bool]


class Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []
        self.seen: list[dict[str, Any]] = []  # every frame received, in order

    @classmethod
    async def open(cls, base_url: str, path: str, token: str | None, **headers: str) -> Socket:
        url = base_url.replace("http://", "ws://") + path
        sent = {"X-Forwarded-For": fresh_address(), **headers}
        if token is not None:
            sent["Cookie"] = f"token={token}"
        return cls(await websockets.connect(url, additional_headers=sent, max_size=2**22))

    async def send(self, event: str, **fields: Any) -> None:
        await self.ws.send(orjson.dumps({"event": event, **fields}).decode())

    async def next(self, event: str, where: Match | None = None, timeout: float = 5) -> dict:
        """The next ``event`` frame (matching ``where``); frames passed over are kept."""
        for index, frame in enumerate(self.pending):
            if frame["event"] == event and (where is None or where(frame)):
                return self.pending.pop(index)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                if left <= 0:
                    raise TimeoutError
                frame = orjson.loads(await asyncio.wait_for(self.ws.recv(), left))
                self.seen.append(frame)
            except TimeoutError:
                raise AssertionError(f"no {event} within {timeout}s; got {self.pending}") from None
            if frame["event"] == event and (where is None or where(frame)):
                return frame
            self.pending.append(frame)

    async def nothing(self, event: str, seconds: float = 0.5, where: Match | None = None) -> None:
        """No ``event`` frame (matching ``where``) arrives within ``seconds``."""
        try:
            frame = await self.next(event, where, timeout=seconds)
        except AssertionError:
            return
        raise AssertionError(f"unexpected {event}: {frame}")

    def drop(self) -> None:
        self.pending.clear()

    async def close(self) -> None:
        await self.ws.close()

    async def __aenter__(self) -> Socket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
