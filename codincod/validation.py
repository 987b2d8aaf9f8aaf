"""Turning untrusted input into typed values, with the rule-breaking reported as InvalidInput.

Request schemas are pydantic models. Unknown keys are ignored (the frontend's zod schemas strip
them too, and it sends whole cached objects back), so an extra key can never set a field that
the schema does not name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from codincod.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, frozen=True)


def _path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    # pydantic prefixes custom ValueError messages; people should read only ours.
    return message.removeprefix("Value error, ")


def issues(error: ValidationError) -> list[dict[str, Any]]:
    return [
        {"path": _path(item["loc"]), "message": _message(item), "code": item["type"]}
        for item in error.errors(include_url=False, include_input=False)
    ]


def parse(model: type[M], data: Any) -> M:
    """Validate ``data`` against ``model`` or raise InvalidInput naming every broken rule."""
    if not isinstance(data, dict):
        raise InvalidInput("Request body must be a JSON object", title="Validation Error")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = issues(error)
        first = details[0]
        label = f"{first['path']}: {first['message']}" if first["path"] else first["message"]
        raise InvalidInput(label, title="Validation Error", details=details) from error
