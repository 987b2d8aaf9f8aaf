"""Simulated players for ``bench/load.py``: groups of four who play a game together, as the
frontend does it.

Each group: every player opens the lobby socket (``/ws``); the host hosts a private room, the
others join it by its invite code; once the host sees all four, they start the game; everyone
closes the lobby socket (the page navigates) and opens the game socket (``/ws/game/:id``).
During the game each player says a chat line every ~5 s (uniform 2.5-7.5 s) and hands in once,
at a random moment of the measured window: ``POST /api/v1/submission`` (the code runs) then
``POST /api/v1/submission/game``.

What is counted: games started of planned (the start frame within ``START_WITHIN`` s of the
start being asked), chat lines sent in the measured window and how many reached every other
player, the chat delivery time (sent -> the frame at a receiving socket, each receiver a
sample; one clock, the generator process's), and hand-ins.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import websockets

GROUP = 4
START_WITHIN = 15.0
CHAT_EVERY = 5.0
DELIVERY_GRACE = 5.0  # a line still counts as delivered this long after the window


@dataclass
class GameCounts:
    planned: int = 0
    started: int = 0
    start_failures: Counter[str] = field(default_factory=Counter)
    chat_sent: int = 0
    chat_complete: int = 0  # lines that reached every other player
    chat_ms: list[float] = field(default_factory=list)
    hand_ins: int = 0
    hand_in_failures: Counter[str] = field(default_factory=Counter)

    def merge(self, other: GameCounts) -> None:
        self.planned += other.planned
        self.started += other.started
        self.start_failures.update(other.start_failures)
        self.chat_sent += other.chat_sent
        self.chat_complete += other.chat_complete
        self.chat_ms.extend(other.chat_ms)
        self.hand_ins += other.hand_ins
        self.hand_in_failures.update(other.hand_in_failures)


@dataclass
class Seat:
    """One player: their account and their sockets."""

    username: str
    token: str
    address: str
    lobby: Any = None
    game: Any = None
    puzzle: str = ""  # the game's puzzle, from its first overview


# A hand-in over the player's HTTP connection: (seat, game id, puzzle id); ``load.py`` times
# its two requests like any other route.
HandIn = Callable[[Seat, str, str], Awaitable[None]]


class Lines:
    """The chat lines of one process: when each was sent and who has it yet."""

    def __init__(self) -> None:
        self.sent: dict[str, tuple[float, int, bool]] = {}  # id -> (at, receivers, measured)
        self.received: Counter[str] = Counter()
        self.counted: list[float] = []

    def send(self, line_id: str, receivers: int, measured: bool) -> None:
        self.sent[line_id] = (time.monotonic(), receivers, measured)

    def arrived(self, line_id: str) -> None:
        found = self.sent.get(line_id)
        if found is None:
            return
        self.received[line_id] += 1
        at, _, measured = found
        if measured:
            self.counted.append((time.monotonic() - at) * 1000)

    def complete(self) -> tuple[int, int]:
        """(lines sent in the window, of which every other player got)."""
        measured = [(i, n) for i, (_, n, m) in self.sent.items() if m]
        return len(measured), sum(1 for i, n in measured if self.received[i] >= n)


async def _socket(port: int, path: str, seat: Seat) -> Any:
    headers = {"Cookie": f"token={seat.token}", "X-Forwarded-For": seat.address}
    return await websockets.connect(
        f"ws://127.0.0.1:{port}{path}", additional_headers=headers, open_timeout=START_WITHIN
    )


async def _until(socket: Any, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    while True:
        frame = json.loads(await socket.recv())
        if wanted(frame):
            return frame


async def start_game(port: int, seats: list[Seat], counts: GameCounts) -> str | None:
    """The lobby part: host, join by code, start. The game's id, or None (counted)."""
    counts.planned += 1
    try:
        async with asyncio.timeout(START_WITHIN * 2):
            game_id = await _lobby(port, seats)
        counts.started += 1
        return game_id
    except (TimeoutError, OSError, websockets.WebSocketException) as error:
        counts.start_failures[type(error).__name__] += 1
        return None
    finally:
        for seat in seats:
            if seat.lobby is not None:
                await seat.lobby.close()
                seat.lobby = None


async def _lobby(port: int, seats: list[Seat]) -> str:
    host, *guests = seats
    for seat in seats:
        seat.lobby = await _socket(port, "/ws", seat)
    options = {"visibility": "private", "maxGameDurationInSeconds": 3600}
    await host.lobby.send(json.dumps({"event": "room:host", "options": options}))
    room = (await _until(host.lobby, lambda f: f.get("event") == "room:overview"))["room"]
    for guest in guests:
        frame = {"event": "room:join-by-invite", "inviteCode": room["inviteCode"]}
        await guest.lobby.send(json.dumps(frame))

    def everyone_in(frame: dict[str, Any]) -> bool:
        return frame.get("event") == "room:overview" and len(frame["room"]["users"]) == GROUP

    await _until(host.lobby, everyone_in)
    asked = time.monotonic()
    await host.lobby.send(json.dumps({"event": "game:start", "roomId": room["roomId"]}))
    deadline = asyncio.get_running_loop().time() + START_WITHIN
    frames = []
    for seat in seats:  # one after another: each socket keeps its frames meanwhile
        left = max(0.01, deadline - asyncio.get_running_loop().time())
        ended = _until(seat.lobby, lambda f: f.get("event") in ("game:start", "rooms:not-enough"))
        frames.append(await asyncio.wait_for(ended, left))
    if any(frame["event"] != "game:start" for frame in frames):
        raise TimeoutError("no puzzle to play")
    if time.monotonic() - asked > START_WITHIN:
        raise TimeoutError("started too late")
    return str(frames[0]["gameUrl"]).rsplit("/", 1)[-1]


async def play(
    port: int,
    seats: list[Seat],
    game_id: str,
    lines: Lines,
    hand_in: HandIn,
    window: tuple[float, float],
    rng: random.Random,
) -> None:
    """The game part, until the measured window (and the delivery grace) is over."""
    for seat in seats:
        seat.game = await _socket(port, f"/ws/game/{game_id}", seat)
    try:
        await asyncio.gather(
            *(_player(seat, len(seats), game_id, lines, hand_in, window, rng) for seat in seats)
        )
    finally:
        for seat in seats:
            await seat.game.close()


async def _player(
    seat: Seat,
    players: int,
    game_id: str,
    lines: Lines,
    hand_in: HandIn,
    window: tuple[float, float],
    rng: random.Random,
) -> None:
    start, end = window
    listening = asyncio.create_task(_listen(seat, lines))
    hand_in_at = rng.uniform(start, max(start, end - 2 * CHAT_EVERY))
    handed = False
    number = 0
    try:
        while (now := time.monotonic()) < end:
            if not handed and now >= hand_in_at and seat.puzzle:
                handed = True
                await hand_in(seat, game_id, seat.puzzle)
            number += 1
            line_id = f"{seat.username}.{number}"
            lines.send(line_id, players - 1, start <= now < end)
            chat = {"event": "message:send", "chatMessage": {"message": f"gl hf {line_id}"}}
            await seat.game.send(json.dumps(chat))
            await asyncio.sleep(min(CHAT_EVERY * rng.uniform(0.5, 1.5), max(0, end - now)))
        await asyncio.sleep(DELIVERY_GRACE)
    finally:
        listening.cancel()


async def _listen(seat: Seat, lines: Lines) -> None:
    try:
        async for raw in seat.game:
            frame = json.loads(raw)
            if frame.get("event") == "game:overview" and not seat.puzzle:
                seat.puzzle = frame["game"]["puzzle"]
            elif frame.get("event") == "message:send":
                text = frame["chatMessage"]["message"]
                sender, _, _ = text.removeprefix("gl hf ").rpartition(".")
                if sender != seat.username:
                    lines.arrived(text.removeprefix("gl hf "))
    except websockets.WebSocketException:
        return
