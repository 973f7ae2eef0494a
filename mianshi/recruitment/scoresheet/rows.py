"""The data rows, one by one: each cell read, the row matched to an application by ticket
or ID number (and its name checked), every problem collected, duplicates found at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mianshi.recruitment.scoresheet.cells import (
    ABSENT,
    DISCIPLINE,
    ID_NUMBER,
    NAME,
    SCORE,
    TICKET,
    attempt,
    check_presence,
    read_absent,
    read_discipline,
    read_id_number,
    read_name,
    read_score,
    read_ticket,
    shown,
)
from mianshi.recruitment.scoresheet.columns import Columns
from mianshi.recruitment.scoresheet.results import Bad, RowError, ScoreRow


@dataclass
class Reader:
    """Checks the data rows one by one, collecting every problem and the lines per candidate."""

    columns: Columns
    known: Mapping[str, int]
    names: Mapping[int, str]
    max_score: Decimal
    rows: list[ScoreRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seen: dict[int, list[int]] = field(default_factory=dict)

    def read(self, line: int, cells: list[Any]) -> None:
        problems: list[Bad] = []
        key = attempt(problems, self._key, cells)
        row = self._result(problems, line, cells, key)
        if key is not None:
            attempt(problems, self._check_name, cells, key)
            self.seen.setdefault(key, []).append(line)
        self.errors += [RowError(line, self.columns.titles[p.field], p.message) for p in problems]
        if stray := self.columns.stray(cells):
            message = _("This cell is under no heading (a comma splits 78,5: write 78.5).")
            self.errors.append(RowError(line, stray, message))
        elif row is not None and not problems:
            self.rows.append(row)

    def _result(
        self, problems: list[Bad], line: int, cells: list[Any], key: int | None
    ) -> ScoreRow | None:
        given = attempt(problems, read_score, self.columns.cell(cells, SCORE), self.max_score)
        mark = attempt(problems, read_absent, self.columns.cell(cells, ABSENT))
        discipline = attempt(problems, read_discipline, self.columns.cell(cells, DISCIPLINE))
        if given is None or any(p.field == ABSENT for p in problems):
            return None
        score, says_absent = given
        if mark is False and says_absent:
            problems.append(Bad(SCORE, _("The score reads 缺考 but the absent column says 否.")))
            return None
        absent = bool(mark) or says_absent
        attempt(problems, check_presence, score, absent)
        if problems or key is None:
            return None
        return ScoreRow(key, line, score, absent, discipline or "")

    def _key(self, cells: list[Any]) -> int:
        ticket = read_ticket(self.columns.cell(cells, TICKET))
        id_number = read_id_number(self.columns.cell(cells, ID_NUMBER))
        if not ticket and not id_number:
            name = TICKET if TICKET in self.columns.index else ID_NUMBER
            raise Bad(name, _("Neither a ticket number nor an ID number."))
        by_ticket = self.known.get(ticket) if ticket else None
        by_id = self.known.get(id_number) if id_number else None
        if ticket and by_ticket is None:
            message = _("No application has the ticket number %(ticket)s.")
            raise Bad(TICKET, message % {"ticket": shown(ticket)})
        if id_number and by_id is None:
            raise Bad(ID_NUMBER, _("No application has this ID number."))
        found = {key for key in (by_ticket, by_id) if key is not None}
        if len(found) > 1:
            message = _("The ticket number and the ID number belong to different candidates.")
            raise Bad(ID_NUMBER, message)
        return found.pop()

    def _check_name(self, cells: list[Any], key: int) -> None:
        given, expected = self.columns.cell(cells, NAME), self.names.get(key)
        folded = read_name(given)
        if expected is None or not folded or folded == read_name(expected):
            return
        message = _("The name “%(name)s” does not match the application (%(expected)s).")
        raise Bad(NAME, message % {"name": shown(given), "expected": expected})

    def duplicates(self) -> None:
        """Every line of a candidate who appears twice, each naming all the lines."""
        for lines in self.seen.values():
            if len(lines) > 1:
                message = _("The same candidate appears on lines %(lines)s.")
                shown = message % {"lines": ", ".join(map(str, lines))}
                self.errors += [RowError(line, self.columns.key_title(), shown) for line in lines]
