"""Remembers what the database said about a session, until the database says it changed.

Checking a session costs a database round trip on every authenticated request, more than the
rest of the request together. Triggers on ``users``, ``user_bans`` and ``revoked_tokens``
NOTIFY ``codincod_auth`` with ``user:<id>`` or ``token:<id>`` (see ``codincod.cache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codincod.cache import TaggedCache

CHANNEL = "codincod_auth"


@dataclass(frozen=True)
class SessionState:
    """A user's row and active bans, as read for one token."""

    user_id: str
    username: str
    role: str
    revoked: bool
    bans: tuple[Any, ...]  # ActiveBan rows
    is_admin: bool = False

    def tags(self, token_id: str) -> tuple[str, str]:
        return (f"user:{self.user_id}", f"token:{token_id}")


auth_cache: TaggedCache[SessionState] = TaggedCache([CHANNEL])
