from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ImportedRow(Model):
    """A row a Mongo import wrote, and the run that last wrote it. A later import removes what
    an earlier one brought in that the newer dump no longer has; rows made here are never
    touched."""

    id = fields.CharField(primary_key=True, max_length=64)  # "<table>:<row id>"
    table_name = fields.CharField(max_length=32)
    row_id = fields.CharField(max_length=24)
    run = fields.IntField()

    class Meta:
        table = "imported_rows"
        indexes = (("table_name", "run"),)
