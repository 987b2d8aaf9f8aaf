from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ImportedBatch(Model):
    """The ids of a batch of rows a Mongo import wrote, and the run that wrote them. A later
    run writes its own batches, removes what an earlier run brought in that it did not write
    again (gone from the newer dump), then drops the earlier batches. Rows made here are never
    in a batch, so never touched."""

    id = fields.CharField(primary_key=True, max_length=64)  # "<run>:<table>:<n>"
    table_name = fields.CharField(max_length=32)
    run = fields.IntField()
    row_ids = fields.TextField()  # a JSON list

    class Meta:
        table = "imported_batches"
