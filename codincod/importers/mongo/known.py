"""What a dump holds, learnt in a first pass over it: every id by collection and the few
facts the mappers need across collections (a comment's parent, a submission's author, the
names users will have). Mappers consult it so that no row points at something missing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from codincod.accounts.schemas import USERNAME_MAX, USERNAME_MIN

_HEX = re.compile(r"[0-9a-fA-F]{24}")
_VALID_NAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_INVALID_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def derived_id(*parts: str) -> str:
    """A stable 24-hex id for a row made from a document (a game's seat, a mode's rating):
    the same document gives the same id on every run, so runs never duplicate it."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:24]


def hex_id(value: Any) -> str | None:
    """An ObjectId (or its 24-hex text) as text; anything else is no id."""
    if type(value) is ObjectId:
        return str(value)  # the common case, and the fast one
    if isinstance(value, str) and _HEX.fullmatch(value):
        return value.lower()
    return None


@dataclass
class Known:
    present: dict[str, set[str]] = field(default_factory=dict)  # collection -> ids in the dump
    kept: dict[str, set[str]] = field(default_factory=dict)  # collection -> ids imported so far
    duplicates: dict[str, str] = field(default_factory=dict)  # later duplicate id -> why skipped
    user_names: dict[str, str] = field(default_factory=dict)  # user id -> name it will have
    renamed: dict[str, str] = field(default_factory=dict)  # user id -> the name it had
    current_ban: dict[str, str] = field(default_factory=dict)  # user id -> its currentBan
    language_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    invented_languages: dict[tuple[str, str], str] = field(default_factory=dict)
    puzzle_author: dict[str, str] = field(default_factory=dict)
    comment_parent: dict[str, str] = field(default_factory=dict)  # as stored (parentId)
    comment_author: dict[str, str] = field(default_factory=dict)
    listed_under: dict[str, str] = field(default_factory=dict)  # comment -> who lists it
    # submission id -> its user, when it was made and its success rate (for hand-ins)
    submissions: dict[str, tuple[str, datetime, float]] = field(default_factory=dict)
    chat_user: dict[str, str] = field(default_factory=dict)
    # the vote kept for each (user, comment): its id and type
    votes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def has(self, collection: str, value: Any) -> str | None:
        """``value`` as an id when such a document of ``collection`` was imported (collections
        are imported in an order where what is pointed at comes first)."""
        found = hex_id(value)
        return found if found is not None and found in self.kept.get(collection, ()) else None

    def keep(self, collection: str, own: str) -> None:
        self.kept.setdefault(collection, set()).add(own)

    def language(self, name: Any, version: Any) -> str | None:
        """The language a legacy ``language`` + ``languageVersion`` pair names (made when the
        dump lacks it, as CodinCod's own migration did)."""
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            return None
        key = (name.strip(), version.strip())
        found = self.language_ids.get(key) or self.invented_languages.get(key)
        if found is None:
            found = self.invented_languages[key] = derived_id("language", *key)
        return found

    def puzzle_of_comment(self, comment_id: str) -> str | None:
        """The puzzle a comment's thread hangs under, walking up its parents."""
        seen: set[str] = set()
        current = comment_id
        while current not in seen:
            seen.add(current)
            parent = self.comment_parent.get(current) or self.listed_under.get(current)
            if parent is None:
                return None
            if parent in self.kept.get("puzzles", ()):
                return parent
            if parent not in self.present.get("comments", ()):
                return None
            current = parent
        return None  # a cycle of replies: no puzzle at its root


def fixed_username(name: str, taken: set[str]) -> str:
    """A valid unused name close to ``name``: invalid characters become ``_``, cut to 20,
    padded to 3, then a numeric suffix while the name is taken (ignoring case)."""
    base = _INVALID_CHARACTER.sub("_", name.strip())[:USERNAME_MAX].ljust(USERNAME_MIN, "_")
    candidate, number = base, 1
    while candidate.lower() in taken:
        suffix = str(number)
        candidate = base[: USERNAME_MAX - len(suffix)] + suffix
        number += 1
    return candidate


def assign_usernames(users: list[tuple[datetime, str, str]], known: Known) -> None:
    """Every user's final name, oldest account first: a valid name not taken (ignoring case)
    by an older account stays; the others get ``fixed_username``. The same dump always gives
    the same names."""
    taken: set[str] = set()
    later: list[tuple[str, str]] = []
    for _, user_id, name in sorted(users):
        if _VALID_NAME.match(name) and name.lower() not in taken:
            taken.add(name.lower())
            known.user_names[user_id] = name
        else:
            later.append((user_id, name))
    for user_id, name in later:
        fixed = fixed_username(name, taken)
        taken.add(fixed.lower())
        known.user_names[user_id] = fixed
        known.renamed[user_id] = name
