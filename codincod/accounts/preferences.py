"""A user's preferences: theme, language, editor flags and blocked users.

PUT and PATCH both change only the keys they name (a PUT from the frontend carries only what
changed, so it must not wipe the rest); editor flags merge into the stored editor.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from codincod.accounts.models import Preferences
from codincod.accounts.schemas import ObjectId
from codincod.actors import Actor
from codincod.errors import NotFound
from codincod.validation import Schema


class EditorChange(Schema):
    keymap: Literal["vim", "emacs", "vscode"] | None = None
    lineNumbers: bool | None = None
    highlightActiveLineGutter: bool | None = None
    highlightSpecialChars: bool | None = None
    history: bool | None = None
    foldGutter: bool | None = None
    drawSelection: bool | None = None
    dropCursor: bool | None = None
    allowMultipleSelections: bool | None = None
    indentOnInput: bool | None = None
    bracketMatching: bool | None = None
    closeBrackets: bool | None = None
    autocompletion: bool | None = None
    rectangularSelection: bool | None = None
    crosshairCursor: bool | None = None
    highlightActiveLine: bool | None = None
    highlightSelectionMatches: bool | None = None
    defaultKeymap: bool | None = None
    searchKeymap: bool | None = None
    foldKeymap: bool | None = None
    completionKeymap: bool | None = None
    lintKeymap: bool | None = None
    syntaxHighlighting: bool | None = None


class PreferencesChange(Schema):
    preferredLanguage: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    theme: Literal["dark", "light"] | None = None
    blockedUsers: Annotated[list[ObjectId], Field(max_length=1000)] | None = None
    editor: EditorChange | None = None


async def get(actor: Actor) -> Preferences:
    preferences = await Preferences.get_or_none(owner_id=actor.id)
    if preferences is None:
        raise NotFound("Preferences not found")
    return preferences


async def update(actor: Actor, change: PreferencesChange) -> Preferences:
    preferences, _ = await Preferences.get_or_create(owner_id=actor.id)
    given = change.model_dump(exclude_unset=True)
    if "preferredLanguage" in given:
        preferences.preferred_language = change.preferredLanguage
    if "theme" in given:
        preferences.theme = change.theme
    if "blockedUsers" in given:
        preferences.blocked_users = list(dict.fromkeys(change.blockedUsers or []))
    if change.editor is not None:
        editor = dict(preferences.editor or {})
        editor.update(change.editor.model_dump(exclude_none=True))
        preferences.editor = editor
    elif "editor" in given:
        preferences.editor = None
    await preferences.save()
    return preferences


async def delete(actor: Actor) -> None:
    deleted = await Preferences.filter(owner_id=actor.id).delete()
    if not deleted:
        raise NotFound("Preferences not found")
