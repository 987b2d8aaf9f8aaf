"""The staff's live feed (``/ws/admin``): what moderators watch happen. Events that have no
other channel are announced here, after commit; rooms, games and bans come from their own."""

from __future__ import annotations

from typing import Any

import orjson

from codincod.bus import bus

STAFF = "codincod_staff"


async def announce(event: str, **fields: Any) -> None:
    await bus.publish(STAFF, orjson.dumps({"event": event, **fields}).decode())
