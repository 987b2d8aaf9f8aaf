"""Shared pieces of every Tortoise model: the 24-hex primary key and UTC timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model

from codincod.ids import new_id
from codincod.timeutil import utcnow


def id_field() -> fields.CharField[str]:
    return fields.CharField(primary_key=True, max_length=24, default=new_id)


def created_at_field() -> fields.DatetimeField[datetime]:
    # A default rather than auto_now_add, so imports can keep their original timestamps.
    return fields.DatetimeField(default=utcnow)


class Entity(Model):
    """A row with an ObjectId-style id and creation/update times."""

    id = id_field()
    created_at = created_at_field()
    updated_at = fields.DatetimeField(default=utcnow)

    class Meta:
        abstract = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if "updated_at" not in kwargs:  # a new row: changed when it was made, not a tick later
            self.updated_at = self.created_at

    async def save(self, *args: Any, **kwargs: Any) -> None:
        # Touch updated_at on every change of a stored row; a new row keeps what it was given.
        if self._saved_in_db:
            self.updated_at = utcnow()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "updated_at" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "updated_at"]
        await super().save(*args, **kwargs)
