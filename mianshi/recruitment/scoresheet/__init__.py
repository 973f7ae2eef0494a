"""Written-exam (笔试) scores from the exam centre's sheet: all or nothing, every error listed.

The exam centre returns the sheet HR gave it (`template_xlsx`) or its own export: Excel, or a
CSV that Excel on Chinese Windows saves as GBK. A half-imported sheet would rank candidates
against missing scores, so `parse_scores` reads every row, reports each problem with its line
and column, and hands back rows only when there is none. Pure: bytes in, dataclasses out; the
service that stores the scores (and audits the import) calls it.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from mianshi.common.crypto import normalise_id_number

T = TypeVar("T")

HEADER_SEARCH = 10  # the header may sit under a title and a date line
# An .xlsx is a zip: 50,000 rows of five columns unpack to ~15 MB of XML; a zip bomb of
# shared strings (which openpyxl loads whole, even read-only) to gigabytes.
MAX_XLSX_UNPACKED = 128 * 1024 * 1024
MAX_DISCIPLINE = 200
CENT = Decimal("0.01")
SHOWN = 40  # characters of a bad cell quoted back in a message

TICKET, ID_NUMBER, NAME, SCORE, ABSENT, DISCIPLINE = (
    "ticket", "id_number", "name", "score", "absent", "discipline",
)  # fmt: skip
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
YES = frozenset({"是", "y", "yes", "1", "✓", "✔", "√", "true", "缺考"})
NO = frozenset({"否", "n", "no", "0", "false"})
NO_DISCIPLINE = frozenset({"否", "无", "n", "no", "-", "/", "—"})
ABSENT_WORD = "缺考"
_SPACE = re.compile(r"\s")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙", "·"))
TEMPLATE_HEADER = ("准考证号", "姓名", "笔试成绩", "缺考", "违纪")


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


class _Refused(Exception):
    """The sheet as a whole cannot be read: its errors replace any row's."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message)
        self.errors = [RowError(line, "", message)]


class _Bad(Exception):
    """One cell's problem, raised by the pure cell readers."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = name, message


# --- files -------------------------------------------------------------------------------


def _table(data: bytes, filename: str) -> Iterator[list[Any]]:
    """The rows of the first sheet (Excel) or of the CSV, as cell values."""
    if not data.strip():
        raise _Refused(_("The file is empty."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        return _xlsx_rows(data)
    if extension == "csv":
        return _csv_rows(data)
    raise _Refused(_("Upload the score sheet as an Excel workbook (.xlsx) or a CSV file."))


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    book = _open_book(data)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # exporters write wrong <dimension>s: read what is there
        yield from (list(cells) for cells in sheet.iter_rows(values_only=True))
    except Exception as exc:  # a damaged sheet part shows only while it is read
        raise _Refused(_damaged()) from exc
    finally:
        book.close()


def _damaged() -> str:
    return _("The Excel file cannot be read: it is damaged or not an .xlsx workbook.")


def _open_book(data: bytes) -> Any:
    """The workbook, read-only, once its zip directory shows it is not a zip bomb."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _Refused(_damaged()) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise _Refused(_("The Excel file is too large once unpacked."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _Refused(_damaged()) from exc


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    head = text[:65536].splitlines()[:HEADER_SEARCH]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise _Refused(_("The CSV file is malformed.")) from exc


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — the superset of the GBK that exam centres'
    Excel saves — and UTF-16 when Excel's "Unicode text" BOM says so."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        raise _Refused(_("This is not a CSV text file."))
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _Refused(_("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8”."))


# --- the header --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
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
        return next((get_column_letter(n) for n, value in beyond if _fold(value)), "")

    def key_title(self) -> str:
        return self.titles.get(TICKET) or self.titles.get(ID_NUMBER, "")


def _header_key(value: Any) -> str:
    """'笔试成绩（分）', ' *Ticket_Number ' → '笔试成绩', 'ticketnumber'."""
    text = unicodedata.normalize("NFKC", str(value or "")).lower()
    text = re.sub(r"\(.*\)$", "", text.strip())
    return re.sub(r"[\s_\-*]", "", text)


def _recognise(line: int, cells: list[Any]) -> _Columns:
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    for position, value in enumerate(cells):
        name = _FIELD_OF.get(_header_key(value))
        if name is None:
            continue
        title = str(value).strip()
        if name in index:
            message = _("The columns “%(first)s” and “%(second)s” mean the same: keep one.")
            raise _Refused(message % {"first": titles[name], "second": title}, line=line)
        index[name], titles[name] = position, title
    width = max((i + 1 for i, value in enumerate(cells) if _fold(value)), default=0)
    return _Columns(line, index, titles, width)


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> _Columns:
    """The first of the first rows naming two known columns; it must hold a key and a score."""
    for line, cells in rows:
        columns = _recognise(line, cells)
        if len(columns.index) >= 2:
            _require(columns)
            return columns
        if line >= HEADER_SEARCH:
            break
    raise _Refused(
        _(
            "No header row in the first %(n)s rows: one row must name the ticket-number "
            "(or ID-number) column and the score column."
        )
        % {"n": HEADER_SEARCH}
    )


def _require(columns: _Columns) -> None:
    if TICKET not in columns.index and ID_NUMBER not in columns.index:
        raise _Refused(
            _("The header has no ticket-number or ID-number column (准考证号 / 身份证号)."),
            line=columns.line,
        )
    if SCORE not in columns.index:
        raise _Refused(_("The header has no score column (笔试成绩)."), line=columns.line)


# --- cells -------------------------------------------------------------------------------


def _fold(value: Any) -> str:
    """A cell as text the way any IME typed it: full-width folded (NFKC), outer spaces gone,
    Excel's 2026010101.0 read as 2026010101."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def _shown(value: Any) -> str:
    text = _fold(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _ticket(value: Any) -> str:
    """Exports keep leading zeros as ="0123" or '0123: both read as 0123."""
    text = _SPACE.sub("", _fold(value)).removeprefix("'")
    return text[2:-1] if text.startswith('="') and text.endswith('"') else text


def _id_number(value: Any) -> str:
    if isinstance(value, float):  # Excel keeps 15 digits of an 18-digit number
        message = _(
            "The ID number was stored as a number and lost digits: format the column as text."
        )
        raise _Bad(ID_NUMBER, message)
    return normalise_id_number(_fold(value).removeprefix("'"))


def _name(value: Any) -> str:
    """Names compared without spaces and with any middle dot (阿依古丽·买买提) as one."""
    return _SPACE.sub("", _fold(value)).translate(_NAME_DOTS)


def _score(value: Any, max_score: Decimal) -> tuple[Decimal | None, bool]:
    """The score in a cell (None when blank), and whether the cell reads 缺考 instead."""
    if isinstance(value, bool):
        raise _Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float):
        return _checked(_from_excel(value), max_score), False
    text = _SPACE.sub("", _fold(value))
    if not text or text == ABSENT_WORD:
        return None, text == ABSENT_WORD
    return _checked(_from_text(text), max_score), False


def _from_excel(value: float) -> Decimal:
    """Excel's binary float as the decimal typed: 78.5 → 78.5, 85.30000000000001 → 85.3."""
    if not math.isfinite(value):
        raise _Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int) or value.is_integer():
        return Decimal(int(value))
    return Decimal(repr(round(value, 9)))


def _from_text(text: str) -> Decimal:
    number = text.removesuffix("分")
    if "," in number:
        message = _("Write the score “%(value)s” with a decimal point, not a comma.")
        raise _Bad(SCORE, message % {"value": text[:SHOWN]})
    if not _NUMBER.fullmatch(number):
        raise _Bad(SCORE, _("The score “%(value)s” is not a number.") % {"value": _shown(text)})
    return Decimal(number)


def _checked(score: Decimal, max_score: Decimal) -> Decimal:
    if not 0 <= score <= max_score:
        message = _("The score %(score)s is outside the range 0 to %(max)s.")
        raise _Bad(SCORE, message % {"score": score, "max": max_score})
    if score != score.quantize(CENT):
        message = _("The score %(score)s has more than two decimal places.")
        raise _Bad(SCORE, message % {"score": score})
    # abs: "-0" is a zero, stored as 0; 78.500 is stored as 78.50.
    return abs(score) if int(score.as_tuple().exponent) >= -2 else abs(score.quantize(CENT))


def _absent_mark(value: Any) -> bool | None:
    """是/否, Y/N, 1/0, ✓ or √, TRUE/FALSE; None when blank."""
    text = _fold(value).lower()
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    message = _("Write 是 or 否 in the absent column, not “%(value)s”.")
    raise _Bad(ABSENT, message % {"value": _shown(value)})


def _discipline(value: Any) -> str:
    """The 违纪 note as written ("0" and "取消成绩" are penalties, kept); "" when none."""
    text = _fold(value)
    if len(text) > MAX_DISCIPLINE:
        message = _("The misconduct note is longer than %(n)s characters.")
        raise _Bad(DISCIPLINE, message % {"n": MAX_DISCIPLINE})
    return "" if text.lower() in NO_DISCIPLINE else text


def _presence(score: Decimal | None, absent: bool) -> None:
    if absent and score is not None:
        message = _("Marked absent, yet the score is %(score)s: keep one.")
        raise _Bad(SCORE, message % {"score": score})
    if not absent and score is None:
        raise _Bad(SCORE, _("No score, and not marked absent."))


def _attempt(problems: list[_Bad], read: Callable[..., T], *args: Any) -> T | None:
    """`read(*args)`, or None with its problem noted, so a row reports all its problems."""
    try:
        return read(*args)
    except _Bad as bad:
        problems.append(bad)
        return None


# --- rows --------------------------------------------------------------------------------


@dataclass
class _Reader:
    """Checks the data rows one by one, collecting every problem and the lines per candidate."""

    columns: _Columns
    known: Mapping[str, int]
    names: Mapping[int, str]
    max_score: Decimal
    rows: list[ScoreRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seen: dict[int, list[int]] = field(default_factory=dict)

    def read(self, line: int, cells: list[Any]) -> None:
        problems: list[_Bad] = []
        key = _attempt(problems, self._key, cells)
        row = self._result(problems, line, cells, key)
        if key is not None:
            _attempt(problems, self._check_name, cells, key)
            self.seen.setdefault(key, []).append(line)
        self.errors += [RowError(line, self.columns.titles[p.field], p.message) for p in problems]
        if stray := self.columns.stray(cells):
            message = _("This cell is under no heading (a comma splits 78,5: write 78.5).")
            self.errors.append(RowError(line, stray, message))
        elif row is not None and not problems:
            self.rows.append(row)

    def _result(
        self, problems: list[_Bad], line: int, cells: list[Any], key: int | None
    ) -> ScoreRow | None:
        given = _attempt(problems, _score, self.columns.cell(cells, SCORE), self.max_score)
        mark = _attempt(problems, _absent_mark, self.columns.cell(cells, ABSENT))
        discipline = _attempt(problems, _discipline, self.columns.cell(cells, DISCIPLINE))
        if given is None or any(p.field == ABSENT for p in problems):
            return None
        score, says_absent = given
        if mark is False and says_absent:
            problems.append(_Bad(SCORE, _("The score reads 缺考 but the absent column says 否.")))
            return None
        absent = bool(mark) or says_absent
        _attempt(problems, _presence, score, absent)
        if problems or key is None:
            return None
        return ScoreRow(key, line, score, absent, discipline or "")

    def _key(self, cells: list[Any]) -> int:
        ticket = _ticket(self.columns.cell(cells, TICKET))
        id_number = _id_number(self.columns.cell(cells, ID_NUMBER))
        if not ticket and not id_number:
            name = TICKET if TICKET in self.columns.index else ID_NUMBER
            raise _Bad(name, _("Neither a ticket number nor an ID number."))
        by_ticket = self.known.get(ticket) if ticket else None
        by_id = self.known.get(id_number) if id_number else None
        if ticket and by_ticket is None:
            message = _("No application has the ticket number %(ticket)s.")
            raise _Bad(TICKET, message % {"ticket": _shown(ticket)})
        if id_number and by_id is None:
            raise _Bad(ID_NUMBER, _("No application has this ID number."))
        found = {key for key in (by_ticket, by_id) if key is not None}
        if len(found) > 1:
            message = _("The ticket number and the ID number belong to different candidates.")
            raise _Bad(ID_NUMBER, message)
        return found.pop()

    def _check_name(self, cells: list[Any], key: int) -> None:
        given, expected = self.columns.cell(cells, NAME), self.names.get(key)
        folded = _name(given)
        if expected is None or not folded or folded == _name(expected):
            return
        message = _("The name “%(name)s” does not match the application (%(expected)s).")
        raise _Bad(NAME, message % {"name": _shown(given), "expected": expected})

    def duplicates(self) -> None:
        """Every line of a candidate who appears twice, each naming all the lines."""
        for lines in self.seen.values():
            if len(lines) > 1:
                message = _("The same candidate appears on lines %(lines)s.")
                shown = message % {"lines": ", ".join(map(str, lines))}
                self.errors += [RowError(line, self.columns.key_title(), shown) for line in lines]


def parse_scores(
    data: bytes,
    *,
    filename: str,
    known: Mapping[str, int],
    names: Mapping[int, str] | None = None,
    max_score: Decimal = Decimal(100),
    max_rows: int = 50_000,
) -> Sheet:
    """Every score of the sheet, or none and every problem with its line and column."""
    try:
        reader = _read(data, filename, known, names or {}, max_score, max_rows)
    except _Refused as refused:
        return Sheet(rows=[], errors=refused.errors)
    reader.duplicates()
    errors = sorted(reader.errors, key=lambda error: error.line)
    return Sheet(rows=[] if errors else reader.rows, errors=errors)


def _read(
    data: bytes,
    filename: str,
    known: Mapping[str, int],
    names: Mapping[int, str],
    max_score: Decimal,
    max_rows: int,
) -> _Reader:
    lines = enumerate(_table(data, filename), start=1)
    reader = _Reader(_find_header(lines), known, names, max_score)
    count = 0
    for line, cells in lines:
        if not any(_fold(cell) for cell in cells):
            continue
        count += 1
        if count > max_rows:
            message = _("The sheet has more than %(n)s rows of scores: split it into parts.")
            raise _Refused(message % {"n": f"{max_rows:,}"})
        reader.read(line, cells)
    if not count:
        raise _Refused(_("The sheet has no scores under its header."))
    return reader


def template_xlsx(*, rows: Sequence[tuple[str, str]]) -> bytes:
    """The sheet HR hands the exam centre: one line per (ticket, name) with the score, absent
    and misconduct columns to fill. The headings are Chinese on purpose: the exam centre is."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "笔试成绩"
    sheet.append(TEMPLATE_HEADER)
    for ticket, name in rows:
        sheet.append([ticket, name])
        for cell in sheet[sheet.max_row][:2]:
            # Text, never a formula or a number: keeps a ticket's leading zeros and a name "=…".
            cell.data_type, cell.number_format = "s", "@"
    choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"D2:D{max(len(rows), 1) + 1}")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
