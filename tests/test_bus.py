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
