"""A finished game told again from its kept events: each event becomes a line of the timeline,
and a cursor moves through them in the game's own time, at 1x, 4x or 16x."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SPEEDS = (1, 4, 16)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Moment:
    at: datetime
    kind: str
    text: str


def moments(events: list[dict[str, Any]], chat: list[dict[str, Any]]) -> list[Moment]:
    lines = {line["_id"]: line for line in chat}
    found = []
    for event in events:
        who = event.get("username") or "someone"
        data = event.get("data") or {}
        kind = event["kind"]
        if kind == "chat":
            line = lines.get(data.get("message"), {})
            text = f"{line.get('username', who)}: {line.get('message', '(deleted)')}"
        elif kind == "submission":
            rate = data.get("successRate")
            text = f"{who} handed in" + (f" ({rate:.0%} passed)" if rate is not None else "")
        elif kind == "language":
            text = f"{who} switched to {data.get('language')}"
        elif kind == "leave":
            how = {"lost": "connection lost", "server": "server restarted"}
            ended = data.get("ended", "closed")
            text = f"{who} left ({how.get(ended, ended)})"
        else:
            text = {"join": f"{who} joined", "start": "game started", "finish": "game over"}.get(
                kind, f"{kind} {who}"
            )
        found.append(Moment(_when(event["createdAt"]), kind, text))
    return found


@dataclass
class Replay:
    """Where the replay stands: ``shown`` moments are on screen; playing moves on with time."""

    moments: list[Moment]
    shown: int = 0
    playing: bool = False
    speed: int = 1
    clock: float = 0.0  # game seconds since the first moment
    _offsets: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        first = self.moments[0].at if self.moments else None
        self._offsets = [(m.at - first).total_seconds() for m in self.moments] if first else []

    @property
    def length(self) -> float:
        return self._offsets[-1] if self._offsets else 0.0

    def tick(self, real_seconds: float) -> None:
        if not self.playing:
            return
        self.clock = min(self.length, self.clock + real_seconds * self.speed)
        self.shown = sum(1 for offset in self._offsets if offset <= self.clock)
        if self.shown >= len(self.moments):
            self.playing = False

    def seek(self, shown: int) -> None:
        self.shown = max(0, min(len(self.moments), shown))
        self.clock = self._offsets[self.shown - 1] if self.shown else 0.0

    def faster(self) -> None:
        self.speed = SPEEDS[(SPEEDS.index(self.speed) + 1) % len(SPEEDS)]

    def toggle(self) -> None:
        if self.shown >= len(self.moments):
            self.seek(0)
        self.playing = not self.playing

    def bar(self, width: int = 40) -> str:
        done = int(width * self.shown / len(self.moments)) if self.moments else width
        state = "playing" if self.playing else "paused"
        return (
            f"[{'#' * done}{'.' * (width - done)}] {self.shown}/{len(self.moments)} "
            f"at {self.clock:5.1f}s  {self.speed}x  {state}"
        )
