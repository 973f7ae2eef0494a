"""What each importable / exportable kind of record provides to the file import and export.

An import reads every row twice: first `clean` + `duplicates` + `check_batch` for the
report (nothing written), then `clean` + `write` inside one transaction (or `write_many`,
a batch at a time, where rows can be inserted together: candidates). `clean` turns the
template's output (the service's arguments as text) into typed arguments with the same
rules the services apply; the service checks them again when writing, so a rule missed
here still refuses the whole import instead of saving a bad row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.models import OrgUnit

Problems = list[tuple[str, str]]
BATCH = 500
# A unique key the check passed was taken by another write before this one committed.
RACED = gettext_lazy(
    "A record of this file was added by someone else meanwhile: check the file again."
)


class RowRefused(Exception):
    """A batch writer's service refused row `row` (`cause`: its ValidationError, DomainError
    or PermissionDenied); the whole import is undone and the report names the row."""

    def __init__(self, row: int, cause: Exception) -> None:
        super().__init__(row)
        self.row, self.cause = row, cause


def written_detail(importer: object) -> dict[str, Any]:
    """What a kind adds to the import's one audit event (the ids it created), if anything."""
    detail = getattr(importer, "audit_detail", None)
    return dict(detail()) if callable(detail) else {}


_LIST_SPLIT = re.compile(r"[,，;；、|]")


@dataclass
class ImportContext:
    """Who imports, and the unit rows go to when they name none."""

    actor: Actor
    unit: OrgUnit | None = None


@dataclass(frozen=True)
class BatchProblem:
    row: int
    problems: Problems
    level: str = "error"


class Importer(Protocol):
    """The stateful checker and writer of one import run."""

    def clean(self, args: dict[str, Any]) -> tuple[Any, Problems]:
        """Typed arguments for the service, or the problems (field, message)."""

    def duplicates(self, row: int, cleaned: Any) -> Problems:
        """Problems of `cleaned` repeating an earlier row of the same file."""

    def check_batch(self, batch: list[tuple[int, Any]]) -> list[BatchProblem]:
        """Problems of a batch of cleaned rows against the database (one query per check)."""

    def write(self, cleaned: Any) -> int:
        """Write one row through the services; the number of records created."""


@dataclass
class ExportSource:
    """What an export reads: the default columns, the row count (for the audit) and rows."""

    columns: list[str]
    count: int
    rows: Iterator[dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """One kind of record: the service arguments a template may fill, caps and API scopes."""

    key: str
    label: str | Promise
    targets: dict[str, bool]  # argument → required
    manage_cap: Cap
    view_cap: Cap
    read_scope: str
    write_scope: str
    importer: Any  # Callable[[ImportContext], Importer]
    exporter: Any  # Callable[[Actor, QuerySet[OrgUnit] | None], ExportSource]
    export_columns: list[str] = field(default_factory=list)


def messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def field_problems(exc: ValidationError, default: str = "") -> Problems:
    """(field, message) pairs of a Django ValidationError, per field when it has them."""
    if hasattr(exc, "error_dict"):
        return [(name, str(m)) for name, errs in exc.message_dict.items() for m in errs]
    return [(default, m) for m in messages(exc)]


def text(value: Any) -> str:
    """A template's value as stripped text (None → "")."""
    return "" if value is None else str(value).strip()


def text_list(value: Any) -> list[str]:
    """A list from a list, or from text split on commas (also Chinese ， ； 、)."""
    items = value if isinstance(value, list) else _LIST_SPLIT.split(text(value))
    return [t for t in (text(i) for i in items) if t]


def units_by_key(units: QuerySet[OrgUnit]) -> dict[str, OrgUnit]:
    """The units a row may name, by code and by id (as text)."""
    found: dict[str, OrgUnit] = {}
    for unit in units:
        found[unit.code] = unit
        found[str(unit.pk)] = unit
    return found
