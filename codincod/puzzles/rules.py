"""Who may see and change a puzzle: pure rules, the same for every transport."""

from __future__ import annotations

from codincod.actors import Actor

# States an author moves their own puzzle to; approving and asking for a revision are for
# moderators.
AUTHOR_VISIBILITIES = frozenset({"draft", "ready", "review", "inactive", "archived"})
DELETABLE_BY_AUTHOR = frozenset({"draft", "ready"})


def can_view(actor: Actor | None, author_id: str, visibility: str) -> bool:
    if visibility == "approved":
        return True
    if actor is None:
        return False
    return actor.is_moderator or actor.id == author_id


def can_edit(actor: Actor, author_id: str) -> bool:
    return actor.is_moderator or actor.id == author_id


def can_delete(actor: Actor, author_id: str, visibility: str) -> bool:
    if actor.is_moderator:
        return True
    return actor.id == author_id and visibility in DELETABLE_BY_AUTHOR


def may_change_visibility(actor: Actor, current: str) -> bool:
    """Once approved, a puzzle's visibility is the moderators' to change."""
    return actor.is_moderator or current != "approved"


def may_set_visibility(actor: Actor, visibility: str) -> bool:
    return actor.is_moderator or visibility in AUTHOR_VISIBILITIES
