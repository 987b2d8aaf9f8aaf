"""The small rules of the sockets, without a server: close reasons, budgets, event payloads,
and what a room may be hosted with."""

from __future__ import annotations

import time

import orjson
import pytest

from codincod.errors import InvalidInput
from codincod.games import events
from codincod.games.rooms import RoomOptions
from codincod.games.telling import ChatLine
from codincod.validation import parse
from server.realtime.connection import Bucket, close_reason


@pytest.mark.parametrize(
    ("reason", "expected_bytes"),
    [
        ("Game not found", 14),
        ("x" * 123, 123),
        ("x" * 500, 123),
        ("é" * 100, 123),  # two bytes each: cut on a character, never inside one
        ("You are banned: " + "spam " * 100, 123),
    ],
)
def test_close_reasons_fit_the_protocol(reason: str, expected_bytes: int) -> None:
    cut = close_reason(reason)
    assert len(cut.encode()) <= 123
    assert len(cut.encode()) >= expected_bytes - 3
    assert reason.startswith(cut.removesuffix("..."))


def test_a_bucket_allows_its_rate_and_refuses_a_flood() -> None:
    bucket = Bucket(rate=3, capacity=6)
    assert [bucket.take() for _ in range(8)] == [True] * 6 + [False] * 2
    bucket.stamp -= 1.0  # a second later: three more
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_a_bucket_never_holds_more_than_its_capacity() -> None:
    bucket = Bucket(rate=100, capacity=2)
    bucket.stamp = time.monotonic() - 3600
    assert [bucket.take() for _ in range(3)] == [True, True, False]


@pytest.mark.parametrize(
    "payload",
    ["", "not json", "[1]", '{"kind": 5}', '{"game": "x"}', "null"],
)
def test_unreadable_events_are_ignored(payload: str) -> None:
    assert events.decode(payload) is None


def test_events_carry_their_kind_and_fields() -> None:
    assert events.decode(events.encode(events.CHAT, game="g", message={"m": 1})) == {
        "kind": "chat",
        "game": "g",
        "message": {"m": 1},
    }


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ("public", "fastest", None, [], True)),
        (
            {"visibility": "private", "mode": "random", "maxGameDurationInSeconds": 600},
            ("private", "random", 600, [], True),
        ),
        (  # languages as ids or as whole objects, kept once each
            {"allowedLanguages": ["A" * 24, {"_id": "a" * 24, "language": "python"}]},
            ("public", "fastest", None, ["a" * 24], True),
        ),
        ({"rated": False, "extra": "ignored"}, ("public", "fastest", None, [], False)),
    ],
)
def test_room_options(options: dict, expected: tuple) -> None:
    parsed = parse(RoomOptions, options)
    seconds = parsed.maxGameDurationInSeconds
    assert (
        parsed.visibility,
        parsed.mode,
        None if seconds is None else int(seconds),
        parsed.allowedLanguages,
        parsed.rated,
    ) == expected


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "chess"},
        {"visibility": "secret"},
        {"maxGameDurationInSeconds": -1},
        {"maxGameDurationInSeconds": "long"},
        {"allowedLanguages": ["python"]},
        {"allowedLanguages": [{"language": "python"}]},
        {"rated": "yes please"},
    ],
)
def test_room_options_refused(options: dict) -> None:
    with pytest.raises(InvalidInput):
        parse(RoomOptions, options)


class _Socket:
    """What the hub needs of a game socket, without a network."""

    def __init__(self, user_id: str, plays: bool = True) -> None:
        self.id, self.user_id, self.plays = id(self), user_id, plays
        self.greeted, self.talk_waiting, self.sent = False, [], []
        self.chat_told: set[str] = set()

    def send_text(self, text: str) -> None:
        self.sent.append(orjson.loads(text))

    def send(self, frame: dict) -> None:
        self.sent.append(orjson.loads(orjson.dumps(frame)))


def _line(n: int) -> ChatLine:
    return ChatLine({"_id": f"{n:024d}", "username": "a", "message": f"line {n}", "createdAt": 0})


@pytest.mark.parametrize(
    ("replayed", "live", "heard"),
    [
        ([1, 2], [2, 3], [1, 2, 3]),  # a line both replayed and said live: once
        ([], [1, 2], [1, 2]),  # no replay (the page kept its chat): the live lines
        ([1, 2, 3], [1, 2, 3], [1, 2, 3]),
        ([1], [], [1]),
    ],
)
async def test_talk_during_a_greeting_follows_the_replay_once(
    replayed: list[int], live: list[int], heard: list[int]
) -> None:
    from server.ratelimit import MemoryWindows
    from server.realtime.hub import Hub

    hub, socket = Hub(MemoryWindows()), _Socket("a")
    hub.games["g"] = {socket.id: socket}  # type: ignore[dict-item]
    for n in live:  # said while the greeting was read
        await hub._to_players("g", _line(n))
    assert socket.sent == []
    told = [_line(n) for n in replayed]
    hub.tell(socket, told)  # type: ignore[arg-type]
    hub._after_greeting(socket, told)  # type: ignore[arg-type]
    await hub._to_players("g", _line(99))  # greeted: straight through
    messages = [f["chatMessage"]["message"] for f in socket.sent if f["event"] == "message:send"]
    assert messages == [f"line {n}" for n in [*heard, 99]]


async def test_watchers_are_not_told_the_talk_held_for_them() -> None:
    from server.ratelimit import MemoryWindows
    from server.realtime.hub import Hub

    hub, watcher = Hub(MemoryWindows()), _Socket("w", plays=False)
    hub.games["g"] = {watcher.id: watcher}  # type: ignore[dict-item]
    await hub._to_players("g", _line(1))
    hub._after_greeting(watcher, [])  # type: ignore[arg-type]
    assert watcher.sent == []
