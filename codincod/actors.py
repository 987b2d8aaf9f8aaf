"""Who acts: the authenticated user behind a request, as every context's rules see them.

A plain value with no dependencies, so that pure rule modules can take it without loading the
ORM or the account services."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The authenticated user behind a request, as the database knows them right now."""

    id: str
    username: str
    role: str
    is_admin: bool = False  # a moderator who may also change roles and run migrations
    read_only: bool = False  # a session that may look but change nothing

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"
