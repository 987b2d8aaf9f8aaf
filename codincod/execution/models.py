from __future__ import annotations

from tortoise import fields

from codincod.modelbase import Entity


class ProgrammingLanguage(Entity):
    language = fields.CharField(max_length=64, db_index=True)
    version = fields.CharField(max_length=64)
    aliases: fields.Field[list[str]] = fields.JSONField(default=list)
    runtime = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "programming_languages"
        unique_together = (("language", "version"),)
