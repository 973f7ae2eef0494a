"""Pagination with bounded inputs, for every list endpoint of the API.

Ninja's paginations accept any page number, limit or offset; a huge one overflows the
database's 64-bit LIMIT/OFFSET and answers 500. Bounds turn such input into a 422.
"""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, PageNumberPagination

MAX_PAGE = 1_000_000_000
MAX_PAGE_SIZE = 100
DB_ID_MAX = 2**63 - 1  # the largest id a BigAutoField can hold


class BoundedPageNumberPagination(PageNumberPagination):
    """PageNumberPagination whose page and page_size cannot overflow the query."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """LimitOffsetPagination whose limit and offset cannot overflow the query."""

    class Input(Schema):
        limit: int = Field(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_PAGE * MAX_PAGE_SIZE)


# Ids in request bodies and paths: anything larger cannot exist and would overflow the query.
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


class PageLinks:
    """Previous/next for a page object of the HR lists (mixed into their dataclasses)."""

    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
