"""Who acts: the authenticated user behind a request, as every context's rules see them.

A plain value with no dependencies, so that pure rule modules can take it without loading the
ORM or the account services."""

from __future__ import annotations

from dataclasses import dataclass

from codincod.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """The authenticated user behind a request, as the database knows them right now."""

    id: str
    username: str
    role: str
    is_admin: bool = False  # a moderator who may also change roles and run migrations
    read_only: bool = False  # a session that may look but change nothing
    is_operator: bool = False  # the machine's operator at the command line: no account

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"


# Whoever runs a CLI command on the server's machine may do what an admin may; the audit log
# names them "(command line)".
OPERATOR = Actor(
    id="", username="(command line)", role="moderator", is_admin=True, is_operator=True
)


def moderators_only(actor: Actor) -> None:
    """Every use case for staff starts here, whoever calls it (a route, a socket, the CLI)."""
    if not actor.is_moderator:
        raise Forbidden("Only moderators may do this", title="Forbidden")


def admins_only(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only admins may do this", title="Forbidden")
