"""The bus without PostgreSQL: events published in a process reach its subscribers at once."""

from __future__ import annotations

import pytest

from codincod.bus import MAX_PAYLOAD_BYTES, Bus


async def test_published_events_reach_this_process() -> None:
    bus, heard, other = Bus(), [], []
    bus.subscribe("game:1", heard.append)
    bus.subscribe("game:2", other.append)
    await bus.publish("game:1", "player joined")
    assert heard == ["player joined"] and other == []


async def test_a_failing_subscriber_does_not_starve_the_others() -> None:
    bus, heard = Bus(), []

    def broken(payload: str) -> None:
        raise RuntimeError(payload)

    bus.subscribe("c", broken)
    bus.subscribe("c", heard.append)
    await bus.publish("c", "x")
    assert heard == ["x"]


async def test_large_payloads_are_refused() -> None:
    with pytest.raises(ValueError, match="send an id"):
        await Bus().publish("c", "x" * (MAX_PAYLOAD_BYTES + 1))
