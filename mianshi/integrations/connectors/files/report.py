"""The per-row report of a file import: what HR reads before (and instead of) an import.

A file of 100,000 rows with a wrong column has 100,000 errors; listing them all would make a
report no one reads and a response of megabytes. The report keeps the first MAX_LISTED
problems in file order and counts the rest, so the person fixes the pattern and retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_LISTED = 1000


@dataclass(frozen=True)
class RowProblem:
    """One problem: the row (0 = the file as a whole), the target field ("" = the row) and a
    translated message; `level` "error" blocks the import, "warning" does not."""

    row: int
    field: str
    message: str
    level: str = "error"


@dataclass
class ImportReport:
    """Counts and the listed problems of one check or import (nothing written unless ok)."""

    kind: str
    rows: int = 0
    error_count: int = 0
    warning_count: int = 0
    created: int = 0
    committed: bool = False
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> bool:
        return self.error_count + self.warning_count > len(self.problems)

    def add(self, row: int, problems: list[tuple[str, str]], *, level: str = "error") -> None:
        """Count and (within the cap) list `problems` of `row`: (field, message) pairs."""
        for name, message in problems:
            if level == "error":
                self.error_count += 1
            else:
                self.warning_count += 1
            if len(self.problems) < MAX_LISTED:
                self.problems.append(RowProblem(row, name, str(message), level))

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.level == "warning"]
