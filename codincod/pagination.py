"""The standard page query (``page``, ``pageSize``) and the page it yields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from pydantic import Field

from codincod.validation import Schema

T = TypeVar("T")
MAX_PAGE_SIZE = 100


class PageQuery(Schema):
    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    pageSize: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 10

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.pageSize


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int

    @property
    def total_pages(self) -> int:
        return -(-self.total // self.page_size)
