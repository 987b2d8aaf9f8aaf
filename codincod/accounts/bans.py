"""Which ban holds now: a pure rule over a user's active bans.

Temporary bans end by themselves: one whose end date has passed no longer counts, and the
caller deactivates it (an idempotent update, so concurrent requests agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from codincod.timeutil import as_utc, iso_z


@dataclass(frozen=True)
class ActiveBan:
    id: str
    ban_type: str
    reason: str
    end_date: datetime | None

    @property
    def permanent(self) -> bool:
        return self.ban_type == "permanent" or self.end_date is None

    def expired(self, now: datetime) -> bool:
        return not self.permanent and as_utc(self.end_date) <= now  # type: ignore[arg-type]

    def message(self) -> str:
        if self.permanent:
            return f"You have been permanently banned. Reason: {self.reason}"
        return f"You are temporarily banned until {iso_z(self.end_date)}. Reason: {self.reason}"  # type: ignore[arg-type]

    def details(self) -> dict[str, str]:
        details = {"type": "permanent" if self.permanent else "temporary", "reason": self.reason}
        if not self.permanent:
            details["endDate"] = iso_z(self.end_date)  # type: ignore[arg-type]
        return details


def effective_ban(bans: list[ActiveBan], now: datetime) -> tuple[ActiveBan | None, list[str]]:
    """The ban in force (a permanent one wins, else the one ending last) and the ids of the
    active bans that have run out."""
    live = [ban for ban in bans if not ban.expired(now)]
    expired = [ban.id for ban in bans if ban.expired(now)]
    if not live:
        return None, expired
    permanent = [ban for ban in live if ban.permanent]
    if permanent:
        return permanent[0], expired
    return max(live, key=lambda ban: as_utc(ban.end_date)), expired  # type: ignore[arg-type]
