"""The room and game life cycle as a table: phases by the clock, room events, who may start."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from codincod.games import lifecycle
from codincod.games.lifecycle import GamePhase, Member, Refusal, Room, RoomState

T0 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
START, END = T0 + timedelta(seconds=15), T0 + timedelta(seconds=315)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("now", "finished", "phase", "status", "hand_ins"),
    [
        (at(0), False, GamePhase.COUNTDOWN, "waiting", False),
        (at(14.999), False, GamePhase.COUNTDOWN, "waiting", False),
        (at(15), False, GamePhase.RUNNING, "in_progress", True),
        (at(314.9), False, GamePhase.RUNNING, "in_progress", True),
        (at(315), False, GamePhase.GRACE, "finished", True),
        (at(324.9), False, GamePhase.GRACE, "finished", True),
        (at(325), False, GamePhase.OVER, "finished", False),
        (at(100), True, GamePhase.OVER, "finished", False),  # ended by the server: over
        (at(0), True, GamePhase.OVER, "finished", False),
    ],
)
def test_game_phases_by_the_clock(
    now: datetime, finished: bool, phase: GamePhase, status: str, hand_ins: bool
) -> None:
    found = lifecycle.game_phase(START, END, now, finished=finished)
    assert found is phase
    assert lifecycle.wire_status(found) == status
    assert lifecycle.accepts_hand_ins(found) is hand_ins


@pytest.mark.parametrize(
    ("requested", "minimum", "expected"),
    [(None, 300, 900), (60, 300, 300), (600, 300, 600), (3600, 300, 3600), (99999, 300, 3600),
     (-5, 300, 300), (10, 5, 10)],
)  # fmt: skip
def test_durations_stay_between_the_minimum_and_an_hour(
    requested: int | None, minimum: int, expected: int
) -> None:
    assert lifecycle.duration_seconds(requested, minimum) == expected


def test_random_mode_becomes_a_real_one_and_others_stay() -> None:
    chooser = random.Random(7)
    drawn = {lifecycle.concrete_mode("random", chooser) for _ in range(200)}
    assert drawn == set(lifecycle.CONCRETE_MODES)
    assert lifecycle.concrete_mode("shortest") == "shortest"


ANN, BOB, CID = "a" * 24, "b" * 24, "c" * 24


def room(*members: tuple[str, float], state: RoomState = RoomState.OPEN) -> Room:
    return Room(state, tuple(Member(user, at(seconds)) for user, seconds in members))


def test_the_host_is_who_has_been_there_longest() -> None:
    assert room((BOB, 5), (ANN, 1)).owner == Member(ANN, at(1))
    assert room((BOB, 1), (ANN, 1)).owner == Member(ANN, at(1))  # tie: the smaller id
    assert room().owner is None


@pytest.mark.parametrize(
    ("before", "event", "user", "after"),
    [
        # joins: a newcomer goes last; a member rejoining keeps their place (and host status)
        (room((ANN, 0)), "join", BOB, room((ANN, 0), (BOB, 10))),
        (room((ANN, 0), (BOB, 1)), "join", ANN, room((ANN, 0), (BOB, 1))),
        (room((ANN, 0), state=RoomState.STARTED), "join", BOB, Refusal.NOT_OPEN),
        (room(state=RoomState.CLOSED), "join", BOB, Refusal.NOT_OPEN),
        # leaves: the next-longest member becomes host; the last one out closes the room
        (room((ANN, 0), (BOB, 1)), "leave", ANN, room((BOB, 1))),
        (room((ANN, 0)), "leave", ANN, room(state=RoomState.CLOSED)),
        (room((ANN, 0)), "leave", CID, room((ANN, 0))),
        (room((ANN, 0), state=RoomState.STARTED), "leave", ANN, room(state=RoomState.STARTED)),
        # starts: the host only, once; one player is enough
        (room((ANN, 0), (BOB, 1)), "start", ANN, room((ANN, 0), (BOB, 1), state=RoomState.STARTED)),
        (room((ANN, 0)), "start", ANN, room((ANN, 0), state=RoomState.STARTED)),
        (room((ANN, 0), (BOB, 1)), "start", BOB, Refusal.NOT_THE_OWNER),
        (room((ANN, 0)), "start", CID, Refusal.NOT_A_MEMBER),
        (room((ANN, 0), state=RoomState.STARTED), "start", ANN, Refusal.NOT_OPEN),
    ],
)
def test_room_events(before: Room, event: str, user: str, after: Room | Refusal) -> None:
    if event == "join":
        assert lifecycle.joined(before, user, at(10)) == after
    elif event == "leave":
        assert lifecycle.left(before, user) == after
    else:
        assert lifecycle.started(before, user) == after


@pytest.mark.parametrize(
    ("state", "visibility", "members", "listed"),
    [
        (RoomState.OPEN, "public", 1, True),
        (RoomState.OPEN, "private", 1, False),
        (RoomState.STARTED, "public", 2, False),
        (RoomState.OPEN, "public", 0, False),
    ],
)
def test_the_lobby_lists_open_public_rooms(
    state: RoomState, visibility: str, members: int, listed: bool
) -> None:
    people = tuple(Member(user, at(n)) for n, user in enumerate([ANN, BOB][:members]))
    assert lifecycle.listed_in_lobby(Room(state, people), visibility) is listed
