"""What requests about running code may carry; the limits are shared by puzzles (solution,
validators), execute and submissions."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from codincod.accounts.schemas import OBJECT_ID_PATTERN, ObjectId
from codincod.validation import Schema

MAX_CODE_LENGTH = 64 * 1024
MAX_IO_LENGTH = 64 * 1024


def _language_id(value: Any) -> Any:
    """A language arrives as an id or as a whole language object (the frontend sends back
    what it was given)."""
    return value.get("_id") if isinstance(value, dict) else value


_ID = {"type": "string", "pattern": OBJECT_ID_PATTERN}
_LANGUAGE_ID_SCHEMA = {
    "anyOf": [
        _ID,
        {"type": "object", "properties": {"_id": _ID}, "required": ["_id"]},
        {"type": "null"},
    ]
}
LanguageId = Annotated[
    ObjectId | None, BeforeValidator(_language_id), WithJsonSchema(_LANGUAGE_ID_SCHEMA)
]


class ExecuteRequest(Schema):
    code: Annotated[str, Field(min_length=1, max_length=MAX_CODE_LENGTH)]
    language: Annotated[str, Field(min_length=1, max_length=64)]
    testInput: Annotated[str, Field(max_length=MAX_IO_LENGTH)] = ""
    testOutput: Annotated[str, Field(max_length=MAX_IO_LENGTH)] = ""
