"""Written-exam score sheets: real .xlsx and .csv files in, every score or every error out.

Each bad sheet must come back with rows == [] (nothing is imported) and each error with the
line a person finds in the file and the column as it is headed there.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from mianshi.recruitment import scoresheet
from mianshi.recruitment.scoresheet import RowError, ScoreRow, parse_scores, template_xlsx

Rows = list[list[Any]]
HEADER: list[Any] = ["准考证号", "身份证号", "姓名", "笔试成绩", "缺考", "违纪"]
TICKETS = {"2026010101": 1, "2026010102": 2, "0012026": 3}
IDS = {"11010519900101123X": 1, "330106199001011234": 2}
KNOWN = {**TICKETS, **IDS}
NAMES = {1: "张三", 2: "阿依古丽·买买提", 3: "李四"}
TITLE = "2026年XX事业单位公开招聘笔试成绩"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def xlsx(rows: Rows) -> bytes:
    """A real workbook, one list per spreadsheet row from row 1."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def patched(data: bytes, pattern: bytes, new: bytes) -> bytes:
    """The workbook with its sheet XML edited, to write what Excel or an exam centre's
    exporter writes and openpyxl does not (17-digit floats, a wrong <dimension>)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, count = re.subn(pattern, new, body)
                assert count == 1
            target.writestr(item, body)
    return out.getvalue()


def csv_file(rows: Rows, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def parse(data: bytes, filename: str = "成绩.xlsx", **options: Any) -> scoresheet.Sheet:
    return parse_scores(data, filename=filename, known=KNOWN, names=NAMES, **options)


def one_row(cells: dict[str, Any], *, header: list[str] = HEADER) -> scoresheet.Sheet:
    """A sheet with a good row on line 2 and the row under test on line 3."""
    good = ["2026010102", "", "阿依古丽·买买提", 66, "", ""]
    return parse(xlsx([header, good, [cells.get(name) for name in header]]))


def only_error(sheet: scoresheet.Sheet) -> RowError:
    assert sheet.rows == [] and not sheet.ok
    assert len(sheet.errors) == 1, sheet.errors
    return sheet.errors[0]


# --- happy paths -------------------------------------------------------------------------

GOOD: Rows = [
    ["2026010101", "", "张三", 78.5, "否", ""],
    ["", "33010619900101123 4", "阿依古丽 • 买买提", "", "是", ""],
    ["0012026", "", "李 四", "９１．２５分", "", "取消成绩"],
]
EXPECTED = [
    ScoreRow(key=1, line=2, score=Decimal("78.5"), absent=False, discipline=""),
    ScoreRow(key=2, line=3, score=None, absent=True, discipline=""),
    ScoreRow(key=3, line=4, score=Decimal("91.25"), absent=False, discipline="取消成绩"),
]


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("成绩.xlsx", xlsx),
        ("成绩.csv", csv_file),
        ("成绩.CSV", lambda rows: csv_file(rows, "utf-8")),
        ("成绩.csv", lambda rows: csv_file(rows, "gb18030")),
        ("成绩.csv", lambda rows: csv_file(rows, "utf-8", delimiter="\t")),
        ("成绩.csv", lambda rows: csv_file(rows, "utf-16", delimiter="\t")),
    ],
)
def test_a_good_sheet_gives_every_row_by_ticket_or_id_number(filename: str, build: Any) -> None:
    sheet = parse(build([HEADER, *GOOD]), filename)
    assert sheet.ok and sheet.errors == []
    assert sheet.rows == EXPECTED


def test_a_sheet_keyed_by_id_numbers_alone_with_english_headings() -> None:
    rows: Rows = [
        ["ID number", "Name", "Score (points)", "Absent", "Discipline"],
        ["11010519900101123x", "张三", "59.99", "N", "是"],
        [" 330106 1990 0101 1234 ", "", 0, "", "0"],
    ]
    sheet = parse(csv_file(rows, "gb18030"), "scores.csv")
    assert sheet.rows == [
        ScoreRow(key=1, line=2, score=Decimal("59.99"), absent=False, discipline="是"),
        ScoreRow(key=2, line=3, score=Decimal(0), absent=False, discipline="0"),
    ]


@pytest.mark.parametrize("build", [xlsx, csv_file])
def test_the_header_is_found_under_a_title_row(build: Any) -> None:
    rows: Rows = [
        [TITLE],
        ["考试日期：2026年11月8日"],
        ["序号", "*准考证号", "考生姓名", "总分（分）"],
    ]
    rows += [[1, "2026010101", "张三", 80], [], [2, "2026010102", "", 70.5]]
    sheet = parse(build(rows), "成绩." + ("xlsx" if build is xlsx else "csv"))
    assert [(r.line, r.key, r.score) for r in sheet.rows] == [
        (4, 1, Decimal(80)), (6, 2, Decimal("70.5")),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("78.5", "78.5"),
        ("0.30000000000000004", "0.3"),  # 0.1 + 0.2 in binary
        ("85.300000000000011", "85.3"),  # a formula's sum as Excel writes it (17 digits)
        ("72.450000000000003", "72.45"),
        ("59.99", "59.99"),
        ("60", "60"),
        ("1E2", "100"),
        ("7.85E1", "78.5"),
    ],
)
def test_an_excel_number_arrives_as_the_decimal_that_was_typed(stored: str, expected: str) -> None:
    data = xlsx([["准考证号", "成绩"], ["2026010101", 12345.678]])
    sheet = parse(patched(data, rb"<v>12345.678</v>", f"<v>{stored}</v>".encode()))
    assert sheet.ok, sheet.errors
    assert str(sheet.rows[0].score) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (78.5, "78.5"),
        (100, "100"),
        ("78.50", "78.50"),
        ("78.500", "78.50"),
        (" 85 分", "85"),
        ("-0", "0"),
        (".5", "0.5"),
    ],
)
def test_a_score_cell_reads_as_a_decimal(value: Any, expected: str) -> None:
    sheet = one_row({"准考证号": "2026010101", "笔试成绩": value})
    assert sheet.ok, sheet.errors
    assert str(sheet.rows[1].score) == expected


def test_a_workbook_with_a_wrong_dimension_is_read_to_its_last_row() -> None:
    rows: Rows = [["准考证号", "成绩"], ["2026010101", 80], ["2026010102", 70]]
    data = patched(xlsx(rows), rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:A1"/>')
    assert [(r.line, r.score) for r in parse(data).rows] == [(2, 80), (3, 70)]


@pytest.mark.parametrize(
    ("absent", "score", "expected"),
    [
        ("是", None, True), ("Y", None, True), ("yes", None, True), (1, None, True),
        ("✓", None, True), ("√", None, True), (True, None, True), (None, "缺考", True),
        ("是", "缺考", True), ("否", 80, False), ("n", 80, False), (0, 80, False),
        (False, 80, False), ("", 80, False),
    ],
)  # fmt: skip
def test_absence_is_read_from_the_absent_column_or_the_score_cell(
    absent: Any, score: Any, expected: bool
) -> None:
    sheet = one_row({"准考证号": "2026010101", "缺考": absent, "笔试成绩": score})
    assert sheet.ok, sheet.errors
    assert sheet.rows[1].absent is expected
    assert sheet.rows[1].score == (None if expected else Decimal(80))


@pytest.mark.parametrize(
    ("mark", "kept"),
    [
        ("取消成绩", "取消成绩"),
        ("0", "0"),
        (0, "0"),
        ("是", "是"),
        ("无", ""),
        ("否", ""),
        ("", ""),
    ],
)
def test_a_misconduct_mark_is_kept_as_written_and_the_score_still_counts(
    mark: Any, kept: str
) -> None:
    sheet = one_row({"准考证号": "2026010101", "笔试成绩": 40, "违纪": mark})
    assert sheet.rows[1] == ScoreRow(1, 3, Decimal(40), False, kept)


@pytest.mark.parametrize(
    "written",
    [
        "阿依古丽·买买提",
        "阿依古丽・买买提",
        "阿依古丽．买买提",
        "阿依古丽 . 买买提",
        "\u3000阿依古丽•买买提 ",
    ],
)
def test_a_name_matches_whatever_space_or_middle_dot_the_ime_typed(written: str) -> None:
    rows: Rows = [["准考证号", "姓名　", "成绩"], ["2026010102", written, 75]]
    assert parse(xlsx(rows)).ok


@pytest.mark.parametrize("written", ['="0012026"', "'0012026", " 001 2026 "])
def test_a_ticket_kept_as_text_by_an_exporter_trick_keeps_its_leading_zeros(written: str) -> None:
    data = f"准考证号,成绩\n{written},88\n".encode("gb18030")
    assert parse(data, "成绩.csv").rows == [ScoreRow(3, 2, Decimal(88), False, "")]


# --- one bad row: its line, its column, its message --------------------------------------

T1 = {"准考证号": "2026010101"}
ROW_ERRORS = [
    ({"准考证号": "2026019999", "笔试成绩": 80}, "准考证号",
     "No application has the ticket number 2026019999."),
    ({"身份证号": "110105199001019999", "笔试成绩": 80}, "身份证号",
     "No application has this ID number."),
    ({"身份证号": 110105199001011230.0, "笔试成绩": 80}, "身份证号",
     "The ID number was stored as a number and lost digits: format the column as text."),
    ({"准考证号": "2026010101", "身份证号": "330106199001011234", "笔试成绩": 80}, "身份证号",
     "The ticket number and the ID number belong to different candidates."),
    ({"姓名": "张三", "笔试成绩": 80}, "准考证号", "Neither a ticket number nor an ID number."),
    ({**T1, "姓名": "张四", "笔试成绩": 80}, "姓名",
     "The name “张四” does not match the application (张三)."),
    ({**T1, "笔试成绩": "abc"}, "笔试成绩", "The score “abc” is not a number."),
    ({**T1, "笔试成绩": "1e2"}, "笔试成绩", "The score “1e2” is not a number."),
    ({**T1, "笔试成绩": True}, "笔试成绩", "The score “True” is not a number."),
    ({**T1, "笔试成绩": "#DIV/0!"}, "笔试成绩", "The score “#DIV/0!” is not a number."),
    ({**T1, "笔试成绩": "78,5"}, "笔试成绩",
     "Write the score “78,5” with a decimal point, not a comma."),
    ({**T1, "笔试成绩": "７８，５分"}, "笔试成绩",
     "Write the score “78,5分” with a decimal point, not a comma."),
    ({**T1, "笔试成绩": 100.5}, "笔试成绩", "The score 100.5 is outside the range 0 to 100."),
    ({**T1, "笔试成绩": "-1"}, "笔试成绩", "The score -1 is outside the range 0 to 100."),
    ({**T1, "笔试成绩": 78.555}, "笔试成绩", "The score 78.555 has more than two decimal places."),
    ({**T1, "笔试成绩": 80, "缺考": "是"}, "笔试成绩",
     "Marked absent, yet the score is 80: keep one."),
    ({**T1, "笔试成绩": "缺考", "缺考": "否"}, "笔试成绩",
     "The score reads 缺考 but the absent column says 否."),
    ({**T1, "缺考": "否"}, "笔试成绩", "No score, and not marked absent."),
    ({**T1, "违纪": "取消成绩"}, "笔试成绩", "No score, and not marked absent."),
    ({**T1, "笔试成绩": 80, "缺考": "×"}, "缺考", "Write 是 or 否 in the absent column, not “×”."),
    ({**T1, "笔试成绩": 80, "违纪": "x" * 201}, "违纪",
     "The misconduct note is longer than 200 characters."),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "column", "message"), ROW_ERRORS)
def test_each_kind_of_bad_row_is_reported_with_its_line_and_column(
    cells: dict[str, Any], column: str, message: str
) -> None:
    assert only_error(one_row(cells)) == RowError(3, column, message)


def test_a_row_reports_all_its_problems_at_once() -> None:
    sheet = one_row({"准考证号": "2026019999", "笔试成绩": 120, "缺考": "maybe"})
    assert sheet.rows == []
    assert [(e.line, e.column) for e in sheet.errors] == [
        (3, "准考证号"), (3, "笔试成绩"), (3, "缺考"),
    ]  # fmt: skip


def test_a_candidate_twice_is_reported_on_both_lines_even_by_ticket_and_id() -> None:
    rows: Rows = [HEADER, ["2026010101", "", "", 80], ["2026010102", "", "", 70]]
    rows += [["", "11010519900101123X", "", 81]]
    sheet = parse(xlsx(rows))
    message = "The same candidate appears on lines 2, 4."
    assert sheet.rows == []
    assert sheet.errors == [RowError(2, "准考证号", message), RowError(4, "准考证号", message)]


def test_a_comma_that_splits_a_csv_cell_is_caught_not_read_as_a_whole_number() -> None:
    data = "准考证号,姓名,成绩\n2026010101,张三,78,5\n".encode()
    assert only_error(parse(data, "成绩.csv")) == RowError(
        2, "D", "This cell is under no heading (a comma splits 78,5: write 78.5)."
    )


def test_a_decimal_comma_in_a_semicolon_csv_is_refused_clearly() -> None:
    data = csv_file([["准考证号", "成绩"], ["2026010101", "78,5"]], delimiter=";")
    error = only_error(parse(data, "成绩.csv"))
    assert (error.line, error.column) == (2, "成绩") and "decimal point" in error.message


# --- all or nothing ----------------------------------------------------------------------


def test_one_bad_row_among_a_hundred_good_ones_imports_nothing() -> None:
    known = {f"T{n:04d}": n for n in range(101)}
    rows: list[list[Any]] = [
        ["准考证号", "成绩"],
        *([f"T{n:04d}", 60 + n % 40] for n in range(101)),
    ]
    rows[57][1] = 101
    good = parse_scores(xlsx([*rows[:57], *rows[58:]]), filename="a.xlsx", known=known)
    assert len(good.rows) == 100 and good.ok
    sheet = parse_scores(xlsx(rows), filename="a.xlsx", known=known)
    assert sheet.rows == []
    assert sheet.errors == [RowError(58, "成绩", "The score 101 is outside the range 0 to 100.")]


def test_the_row_guard_stops_reading_with_one_error() -> None:
    rows: Rows = [["准考证号", "成绩"], *([f"T{n}", 60] for n in range(5))]
    known = {f"T{n}": n for n in range(5)}
    assert len(parse_scores(xlsx(rows), filename="a.xlsx", known=known, max_rows=5).rows) == 5
    rows += [["nobody", "bad"], ["nobody", "bad"]]
    sheet = parse_scores(xlsx(rows), filename="a.xlsx", known=known, max_rows=5)
    assert sheet.rows == []
    assert sheet.errors == [
        RowError(0, "", "The sheet has more than 5 rows of scores: split it into parts.")
    ]


def test_max_score_is_a_parameter() -> None:
    rows: Rows = [["准考证号", "成绩"], ["2026010101", 120], ["2026010102", 150]]
    assert [r.score for r in parse(xlsx(rows), max_score=Decimal(150)).rows] == [120, 150]
    rows[2][1] = 150.5
    error = only_error(parse(xlsx(rows), max_score=Decimal(150)))
    assert error.message == "The score 150.5 is outside the range 0 to 150."
    assert len(parse(xlsx(rows)).errors) == 2  # both are over the default 100


# --- files that are not a score sheet ----------------------------------------------------

NOISE = random.Random(15).randbytes(4096)
EXCEL_DAMAGED = "The Excel file cannot be read: it is damaged or not an .xlsx workbook."
NO_HEADER = (
    "No header row in the first 10 rows: one row must name the ticket-number "
    "(or ID-number) column and the score column."
)
FILES = [
    (NOISE, "成绩.xlsx", 0, EXCEL_DAMAGED),
    (b"PK\x03\x04" + NOISE, "成绩.xlsx", 0, EXCEL_DAMAGED),
    (xlsx([HEADER])[:2000], "成绩.xlsx", 0, EXCEL_DAMAGED),  # cut off in transit
    (NOISE, "成绩.csv", 0, "This is not a CSV text file."),
    (b"%PDF-1.7\n" + NOISE, "成绩.pdf", 0,
     "Upload the score sheet as an Excel workbook (.xlsx) or a CSV file."),
    (xlsx([HEADER]), "成绩", 0,
     "Upload the score sheet as an Excel workbook (.xlsx) or a CSV file."),
    (b"", "成绩.csv", 0, "The file is empty."),
    (b" \r\n\n", "成绩.xlsx", 0, "The file is empty."),
    ("准考证号,姓名,成绩\r\n".encode("gb18030"), "成绩.csv", 0,
     "The sheet has no scores under its header."),
    (xlsx([HEADER, [], [None, None, " "]]), "成绩.xlsx", 0,
     "The sheet has no scores under its header."),
    (csv_file([[TITLE]] * 10 + [["准考证号", "成绩"], ["2026010101", 80]]), "成绩.csv", 0,
     NO_HEADER),
    (xlsx([["序号", "准考证号"], [1, "2026010101"]]), "成绩.xlsx", 0, NO_HEADER),
    (xlsx([[TITLE], ["姓名", "成绩"]]), "成绩.xlsx", 2,
     "The header has no ticket-number or ID-number column (准考证号 / 身份证号)."),
    (csv_file([["准考证号", "姓名", "缺考"]]), "成绩.csv", 1,
     "The header has no score column (笔试成绩)."),
    (csv_file([["准考证号", "笔试成绩", "总分"]]), "成绩.csv", 1,
     "The columns “笔试成绩” and “总分” mean the same: keep one."),
]  # fmt: skip


@pytest.mark.parametrize(("data", "filename", "line", "message"), FILES)
def test_a_file_that_is_not_a_score_sheet_is_one_clear_error(
    data: bytes, filename: str, line: int, message: str
) -> None:
    assert only_error(parse(data, filename)) == RowError(line, "", message)


def test_a_zip_that_unpacks_too_large_is_refused_before_it_is_opened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scoresheet, "MAX_XLSX_UNPACKED", 1000)
    error = only_error(parse(xlsx([HEADER, ["2026010101", "", "", 80]])))
    assert error == RowError(0, "", "The Excel file is too large once unpacked.")


def test_a_gbk_csv_that_is_not_valid_gbk_either_is_refused() -> None:
    data = "准考证号,成绩\n".encode() + b"\x81\x20,80\n"  # a GBK lead byte cut short
    assert only_error(parse(data, "成绩.csv")).message.startswith("The CSV file is neither")


# --- the template HR hands the exam centre -----------------------------------------------


def test_the_template_filled_in_by_the_exam_centre_reads_back() -> None:
    data = template_xlsx(rows=[("2026010101", "张三"), ("0012026", "李四"), ("=1+1", "=CMD()")])
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["准考证号", "姓名", "笔试成绩", "缺考", "违纪"]
    assert [c.value for c in sheet["A"]][1:] == ["2026010101", "0012026", "=1+1"]
    assert sheet["A4"].data_type == "s" and sheet["B4"].data_type == "s"  # text, not formulas
    sheet["C2"], sheet["C3"], sheet["E3"], sheet["D4"] = 88.5, "72", "取消成绩", "是"
    out = io.BytesIO()
    book.save(out)
    known = {"2026010101": 1, "0012026": 3, "=1+1": 9}
    result = parse_scores(out.getvalue(), filename="返回.xlsx", known=known, names=NAMES)
    assert result.ok, result.errors
    assert result.rows == [
        ScoreRow(1, 2, Decimal("88.5"), False, ""),
        ScoreRow(3, 3, Decimal(72), False, "取消成绩"),
        ScoreRow(9, 4, None, True, ""),
    ]


def test_an_empty_template_still_opens() -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx(rows=[]))).active
    assert sheet is not None and sheet.max_row == 1
