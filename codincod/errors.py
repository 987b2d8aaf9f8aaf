"""The domain error tree. Services raise these; each transport maps them once.

    DomainError                 anything the caller can act on
    ├── InvalidInput            400  the request breaks a rule (``details`` lists which)
    ├── Unauthenticated         401  no valid, unrevoked session
    ├── Forbidden               403  the actor may not do this
    │   └── Banned              403  the actor is banned (``ban`` tells how and until when)
    ├── NotFound                404  no such thing, or not visible to the actor
    ├── Conflict                409  clashes with existing state (duplicate name, vote, ...)
    ├── PayloadTooLarge         413
    ├── RateLimited             429  (``retry_after`` seconds)
    └── Unavailable             503  a dependency (database, executor) cannot answer now

``message`` is a sentence for people; ``title`` a short label (defaults to the message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DomainError(Exception):
    message: str
    title: str | None = None
    details: list[dict[str, Any]] = field(default_factory=list)

    status = 400

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def label(self) -> str:
        return self.title or self.message


class InvalidInput(DomainError):
    status = 400


class Unauthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


@dataclass
class Banned(Forbidden):
    ban: dict[str, Any] = field(default_factory=dict)


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


@dataclass
class Held(Conflict):
    """An item another moderator holds (a claim): who, and until when."""

    holder: dict[str, Any] = field(default_factory=dict)
    expires_at: str = ""


class PayloadTooLarge(DomainError):
    status = 413


@dataclass
class RateLimited(DomainError):
    retry_after: int = 60
    status = 429


class Unavailable(DomainError):
    status = 503
