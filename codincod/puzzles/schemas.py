"""What a puzzle request may carry (the frontend checks the same limits)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from codincod.execution.schemas import MAX_CODE_LENGTH, MAX_IO_LENGTH, LanguageId
from codincod.pagination import PageQuery
from codincod.puzzles.models import DIFFICULTIES, TAGS, VISIBILITIES
from codincod.validation import Schema

# One source for the allowed values: the model's constants (a tuple subscript spreads).
Difficulty = Literal[DIFFICULTIES]  # type: ignore[valid-type]
Visibility = Literal[VISIBILITIES]  # type: ignore[valid-type]
Tag = Literal[TAGS]  # type: ignore[valid-type]
Title = Annotated[str, Field(min_length=4, max_length=128)]
MAX_VALIDATORS = 200
AUTHOR_PATTERN = r"^([a-zA-Z0-9_-]{3,20}|[0-9a-fA-F]{24})$"  # a username or a user id


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return value


class PuzzleListQuery(PageQuery):
    difficulty: Difficulty | None = None
    tags: Annotated[list[Tag], BeforeValidator(_split_csv), Field(max_length=8)] | None = None
    # Checked in the service (with a message saying what may go there); stated here for the
    # OpenAPI document.
    author: Annotated[str, Field(json_schema_extra={"pattern": AUTHOR_PATTERN})] | None = None
    search: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    visibility: Visibility | None = None


class PuzzleCreate(Schema):
    title: Title


class ValidatorIn(Schema):
    input: Annotated[str, Field(max_length=MAX_IO_LENGTH)]
    output: Annotated[str, Field(max_length=MAX_IO_LENGTH)]

    @field_validator("input", "output")
    @classmethod
    def _trim_end(cls, value: str) -> str:
        # As the frontend and Node do: trailing whitespace never decides a verdict.
        return value.rstrip()


class SolutionIn(Schema):
    code: Annotated[str, Field(max_length=MAX_CODE_LENGTH)] = ""
    programmingLanguage: LanguageId = None


class PuzzleUpdate(Schema):
    """Every field is optional: what is absent keeps its stored value."""

    title: Title | None = None
    statement: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    constraints: Annotated[str, Field(min_length=1, max_length=256)] | None = None
    validators: Annotated[list[ValidatorIn], Field(max_length=MAX_VALIDATORS)] | None = None
    difficulty: Difficulty | None = None
    visibility: Visibility | None = None
    solution: SolutionIn | None = None
    tags: Annotated[list[Tag], Field(max_length=8)] | None = None
    moderationFeedback: Annotated[str, Field(max_length=2048)] | None = None
