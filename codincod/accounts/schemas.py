"""What a username, email and password must look like (the frontend checks the same rules)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from codincod.ids import is_valid_id
from codincod.validation import Schema

USERNAME_MIN, USERNAME_MAX = 3, 20
PASSWORD_MIN = 14
EMAIL_MAX = 320
_USERNAME = re.compile(r"^[a-zA-Z0-9_-]+$")
USERNAME_PATTERN = r"^[a-zA-Z0-9_-]{3,20}$"  # what _USERNAME and the lengths allow, at once
_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
)


def check_username(value: str) -> str:
    value = value.strip()
    if len(value) < USERNAME_MIN:
        raise ValueError("Username must be at least 3 characters long")
    if len(value) > USERNAME_MAX:
        raise ValueError("Username must be at most 20 characters long")
    if not _USERNAME.fullmatch(value):
        raise ValueError("Username can only contain letters, numbers, hyphens, and underscores")
    return value


def is_valid_username(value: str) -> bool:
    """A name as it is stored: what a body's field may pad with spaces, an address may not."""
    try:
        if check_username(value) != value:
            return False
    except ValueError:
        return False
    return True


def check_email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > EMAIL_MAX or not _EMAIL.fullmatch(value):
        raise ValueError("Invalid email address")
    return value


def check_password(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        raise ValueError("Password must be at least 14 characters long")
    if len(value) > 4096:
        raise ValueError("Password must be at most 4096 characters long")
    return value


def check_object_id(value: str) -> str:
    if not is_valid_id(value):
        raise ValueError("Invalid ObjectId")
    return value.lower()


# The checks above give the messages; the JSON schema states the same rules for the OpenAPI
# document (surrounding spaces are allowed: they are stripped).
Username = Annotated[
    str,
    AfterValidator(check_username),
    Field(json_schema_extra={"pattern": r"^\s*" + USERNAME_PATTERN[1:-1] + r"\s*$"}),
]
Email = Annotated[
    str,
    AfterValidator(check_email),
    Field(
        json_schema_extra={
            "pattern": r"^\s*" + _EMAIL.pattern[1:-1] + r"\s*$",
            "maxLength": EMAIL_MAX,
        }
    ),
]
Password = Annotated[
    str,
    AfterValidator(check_password),
    Field(json_schema_extra={"minLength": PASSWORD_MIN, "maxLength": 4096}),
]
OBJECT_ID_PATTERN = r"^[0-9a-fA-F]{24}$"
ObjectId = Annotated[
    str, AfterValidator(check_object_id), Field(json_schema_extra={"pattern": OBJECT_ID_PATTERN})
]
Role = Literal["user", "moderator"]


class Registration(Schema):
    username: Username
    email: Email
    password: Password


class Credentials(Schema):
    # Any non-empty password may be tried; only the check against the hash decides.
    identifier: Annotated[str, Field(min_length=1, max_length=EMAIL_MAX)]
    password: Annotated[str, Field(min_length=1, max_length=4096)]
    # "read": a read-only session (dashboards, scripts, ``codincod console --readonly``).
    scope: Literal["full", "read"] = "full"
