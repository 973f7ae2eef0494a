"""What reading a score sheet gives back (`ScoreRow`, `RowError`, `Sheet`) and the two ways a
reader stops: `Refused` for the sheet as a whole, `Bad` for one cell (the row goes on).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ScoreRow:
    """One candidate's written-exam result: the application (`key`) and the sheet line."""

    key: int
    line: int
    score: Decimal | None
    absent: bool
    discipline: str


@dataclass(frozen=True)
class RowError:
    """One problem: the line in the file (0: the file as a whole), the column as headed there."""

    line: int
    column: str
    message: str


@dataclass
class Sheet:
    """What a sheet holds: rows only when there are no errors."""

    rows: list[ScoreRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


class Refused(Exception):
    """The sheet as a whole cannot be read: its errors replace any row's."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message)
        self.errors = [RowError(line, "", message)]


class Bad(Exception):
    """One cell's problem, raised by the pure cell readers."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = name, message
