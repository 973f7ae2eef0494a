"""The header row: found among the first rows, each heading matched to a field through the
aliases exam centres write, and required to name a key (ticket or ID number) and the score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mianshi.recruitment.scoresheet.cells import (
    ABSENT,
    DISCIPLINE,
    ID_NUMBER,
    NAME,
    SCORE,
    TICKET,
    fold,
)
from mianshi.recruitment.scoresheet.reading import HEADER_SEARCH
from mianshi.recruitment.scoresheet.results import Refused

# Header texts as exam centres write them, compared after `_header_key` folding.
ALIASES: dict[str, tuple[str, ...]] = {
    TICKET: ("准考证号", "准考证", "准考证号码", "考号", "考生号", "ticket", "ticketnumber"),
    ID_NUMBER: ("身份证号", "身份证号码", "身份证", "证件号码", "证件号", "idnumber", "idcard"),
    NAME: ("姓名", "考生姓名", "name"),
    SCORE: ("笔试成绩", "成绩", "总分", "笔试总成绩", "笔试分数", "score", "writtenscore"),
    ABSENT: ("缺考", "是否缺考", "absent"),
    DISCIPLINE: ("违纪", "违纪情况", "是否违纪", "discipline", "misconduct"),
}
_FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Columns:
    """Where each recognised column is, and its heading as written (for messages)."""

    line: int
    index: dict[str, int]
    titles: dict[str, str]
    width: int  # cells past the last heading belong to no column

    def cell(self, cells: list[Any], name: str) -> Any:
        position = self.index.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    def stray(self, cells: list[Any]) -> str:
        """The letter of the first filled cell under no heading ("" when none): in a CSV,
        78,5 is split into 78 and a stray 5."""
        from openpyxl.utils import get_column_letter

        beyond = enumerate(cells[self.width :], start=self.width + 1)
        return next((get_column_letter(n) for n, value in beyond if fold(value)), "")

    def key_title(self) -> str:
        return self.titles.get(TICKET) or self.titles.get(ID_NUMBER, "")


def _header_key(value: Any) -> str:
    """'笔试成绩（分）', ' *Ticket_Number ' → '笔试成绩', 'ticketnumber'."""
    text = unicodedata.normalize("NFKC", str(value or "")).lower()
    text = re.sub(r"\(.*\)$", "", text.strip())
    return re.sub(r"[\s_\-*]", "", text)


def _recognise(line: int, cells: list[Any]) -> Columns:
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    for position, value in enumerate(cells):
        name = _FIELD_OF.get(_header_key(value))
        if name is None:
            continue
        title = str(value).strip()
        if name in index:
            message = _("The columns “%(first)s” and “%(second)s” mean the same: keep one.")
            raise Refused(message % {"first": titles[name], "second": title}, line=line)
        index[name], titles[name] = position, title
    width = max((i + 1 for i, value in enumerate(cells) if fold(value)), default=0)
    return Columns(line, index, titles, width)


def find_header(rows: Iterator[tuple[int, list[Any]]]) -> Columns:
    """The first of the first rows naming two known columns; it must hold a key and a score."""
    for line, cells in rows:
        columns = _recognise(line, cells)
        if len(columns.index) >= 2:
            _require(columns)
            return columns
        if line >= HEADER_SEARCH:
            break
    raise Refused(
        _(
            "No header row in the first %(n)s rows: one row must name the ticket-number "
            "(or ID-number) column and the score column."
        )
        % {"n": HEADER_SEARCH}
    )


def _require(columns: Columns) -> None:
    if TICKET not in columns.index and ID_NUMBER not in columns.index:
        raise Refused(
            _("The header has no ticket-number or ID-number column (准考证号 / 身份证号)."),
            line=columns.line,
        )
    if SCORE not in columns.index:
        raise Refused(_("The header has no score column (笔试成绩)."), line=columns.line)
