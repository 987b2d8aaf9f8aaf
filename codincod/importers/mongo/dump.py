"""mongodump folders: ``<collection>.bson`` (documents one after another, each starting with
its length) and ``<collection>.metadata.json``. Read as a stream, in constant memory; written
the same way."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, BinaryIO

import bson
from bson.codec_options import CodecOptions

READING: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True, tzinfo=UTC)
_LENGTH = struct.Struct("<i")
_SMALLEST = 5  # an empty document: its length and its closing zero


class Corrupt(Exception):
    """A ``.bson`` file that stops making sense at ``offset``."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"corrupt at byte {offset}: {reason}")
        self.offset, self.reason = offset, reason


@dataclass(frozen=True)
class Counted:
    documents: int
    corrupt: Corrupt | None  # where counting had to stop, if it did


def collections(folder: Path) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.bson"))


def count(path: Path) -> Counted:
    """How many documents the file holds, from their length prefixes alone (no decoding):
    a count independent of the import's own."""
    size, offset, documents = path.stat().st_size, 0, 0
    with path.open("rb") as stream:
        while offset < size:
            head = stream.read(4)
            length = _LENGTH.unpack(head)[0] if len(head) == 4 else -1
            if length < _SMALLEST or offset + length > size:
                return Counted(documents, Corrupt(offset, "a document length past the file"))
            stream.seek(length - 4, 1)
            offset += length
            documents += 1
    return Counted(documents, None)


def documents(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(offset, document)`` for each document; ``Corrupt`` where one cannot be read (the
    ones before it have been given)."""
    with path.open("rb") as stream:
        yield from _read(stream)


def _read(stream: BinaryIO) -> Iterator[tuple[int, dict[str, Any]]]:
    offset = 0
    while head := stream.read(4):
        length = _LENGTH.unpack(head)[0] if len(head) == 4 else -1
        body = stream.read(length - 4) if length >= _SMALLEST else b""
        if length < _SMALLEST or len(body) != length - 4:
            raise Corrupt(offset, "a document length past the file")
        try:
            document = bson.decode(head + body, READING)
        except Exception as error:  # bson raises several kinds for bad bytes
            raise Corrupt(offset, str(error)[:200]) from None
        yield offset, document
        offset += length


class Writer:
    """One collection written as mongodump does."""

    def __init__(self, folder: Path, collection: str, indexes: list[dict[str, Any]]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.collection = collection
        self.path = folder / f"{collection}.bson"
        self._stream = self.path.open("wb")
        self.written = 0
        metadata = {
            "indexes": [{"v": 2, "key": {"_id": 1}, "name": "_id_"}, *indexes],
            "uuid": "",
            "collectionName": collection,
            "type": "collection",
        }
        (folder / f"{collection}.metadata.json").write_text(json.dumps(metadata))

    def write(self, document: dict[str, Any]) -> None:
        self._stream.write(bson.encode(document))
        self.written += 1

    def close(self) -> None:
        self._stream.close()
