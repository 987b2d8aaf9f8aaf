"""The PostgreSQL event bus: the barrier a process uses to read its own writes."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from codincod.bus import Bus
from tests.support import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "postgres", reason="the bus crosses PostgreSQL")


async def test_barrier_returns_after_earlier_notifications(database_url: str) -> None:
    heard: list[str] = []
    bus = Bus()
    bus.subscribe("codincod_test_channel", heard.append)
    await bus.start(database_url)
    writer = await asyncpg.connect(database_url)
    try:
        for number in range(50):
            await writer.execute(f"NOTIFY codincod_test_channel, 'event {number}'")
            await bus.barrier()
            assert heard[-1] == f"event {number}"  # delivered before the barrier returned
        assert len(heard) == 50
    finally:
        await writer.close()
        await bus.stop()


async def test_barrier_without_a_connection_returns_at_once() -> None:
    await Bus().barrier(timeout=0.1)


async def test_events_cross_processes_and_late_subscribers_hear_them(database_url: str) -> None:
    sender, receiver = Bus(), Bus()
    early: list[str] = []
    receiver.subscribe("codincod_test_early", early.append)
    await sender.start(database_url)
    await receiver.start(database_url)
    try:
        late: list[str] = []
        receiver.subscribe("codincod_test_late", late.append)  # after start: LISTEN now
        await asyncio.sleep(0.2)
        await sender.publish("codincod_test_early", "one")
        await sender.publish("codincod_test_late", "two")
        await receiver.barrier()
        await asyncio.sleep(0.1)
        assert (early, late) == (["one"], ["two"])
    finally:
        await sender.stop()
        await receiver.stop()


async def _drop(bus: Bus, database_url: str) -> None:
    """Its event connection is terminated by PostgreSQL; returns once the bus knows it."""
    admin = await asyncpg.connect(database_url)
    try:
        pid = bus._connection.get_server_pid()  # type: ignore[union-attr]
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    for _ in range(100):
        if not bus.connected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bus did not notice its connection dropped")


async def _until_connected(bus: Bus) -> None:
    for _ in range(200):
        if bus.connected:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the bus did not reconnect within 5 s")


async def test_events_sent_while_the_connection_is_down_reach_the_others_once_it_is_back(
    database_url: str,
) -> None:
    """Published while down: heard here at once, by the other processes after the reconnect,
    in order, and here not a second time (the echo of a held event is skipped)."""
    sender, receiver = Bus(), Bus()
    here: list[str] = []
    there: list[str] = []
    changes: list[bool] = []
    sender.subscribe("codincod_test_held", here.append)
    receiver.subscribe("codincod_test_held", there.append)
    sender.on_connection_change(changes.append)
    await sender.start(database_url)
    await receiver.start(database_url)
    try:
        await _drop(sender, database_url)
        for word in ("one", "two", "three"):
            await sender.publish("codincod_test_held", word)
        assert here == ["one", "two", "three"] and there == []
        await _until_connected(sender)
        await sender.publish("codincod_test_held", "four")
        await receiver.barrier()
        await sender.barrier()
        assert there == ["one", "two", "three", "four"]
        assert here == ["one", "two", "three", "four"]
        assert changes == [True, False, True]
    finally:
        await sender.stop()
        await receiver.stop()
