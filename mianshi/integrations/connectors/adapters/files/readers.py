"""Streaming readers of uploaded files: CSV, Excel (XLSX) and XML, one record at a time.

An import of 100,000 rows must not hold the file in memory, and it reads the file twice
(validate everything, then write), so each reader takes a rewindable binary file and yields
`SourceRow`s: the row number a person finds in the file, and the cells as text keyed by the
column (or child element) name. Every value is text; the mapping template's transforms turn
it into numbers and dates, the same for all three formats. A file the reader cannot trust (an
unknown encoding, an XML DTD, a zip bomb) is refused as a whole with `FileRefused`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from mianshi.common.errors import DomainError

FORMATS = ("csv", "xlsx", "xml")
SNIFF_BYTES = 64 * 1024
# An XLSX is a zip: more than this uncompressed is refused before openpyxl opens it (a
# 100,000 × 12 sheet is ~60 MB of XML; a zip bomb is gigabytes).
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
DELIMITERS = ",;\t|"


class FileRefused(DomainError):
    """The file as a whole cannot be read safely: nothing in it is imported."""

    status = 422
    code = "file_refused"


@dataclass(frozen=True)
class SourceRow:
    """One record: its number in the file (spreadsheet row, or XML record ordinal) and cells.

    `overflow` marks a row with more filled cells than the header has columns: the cells
    beyond the header have no name a template could read, so the row is reported."""

    number: int
    data: dict[str, Any]
    overflow: bool = False


@dataclass(frozen=True)
class ReadOptions:
    """How to read: the CSV encoding ("auto" detects UTF-8 with or without BOM, else GBK),
    the XLSX sheet (default the first) and the XML record element's local name
    (empty: the kind's name, as the export writes it)."""

    encoding: str = "auto"
    sheet: str = ""
    record: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def read_records(
    fmt: str, source: IO[bytes], options: ReadOptions | None = None
) -> Iterator[SourceRow]:
    """The records of `source` in format `fmt`, read from its start."""
    options = options or ReadOptions()
    source.seek(0)
    if fmt == "csv":
        return read_csv(source, encoding=options.encoding)
    if fmt == "xlsx":
        return read_xlsx(source, sheet=options.sheet)
    if fmt == "xml":
        from mianshi.integrations.connectors.adapters.files.xmlread import read_xml

        return read_xml(source, record=options.record or "record")
    raise FileRefused(_("Unknown file format: choose CSV, Excel (XLSX) or XML."))


# --- CSV ---------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """UTF-8 (a BOM, or bytes that decode), else GB18030 — the superset of GBK that Excel
    on Chinese Windows uses for "CSV" — since the sample is not UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _encoding(source: IO[bytes], wanted: str) -> str:
    if wanted != "auto":
        try:
            return codecs.lookup(wanted).name
        except LookupError as exc:
            raise FileRefused(_("Unknown text encoding.")) from exc
    head = source.read(SNIFF_BYTES)
    source.seek(0)
    return detect_encoding(head)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lstrip("\ufeff") for c in cells]
    filled = [n for n in names if n]
    if not filled:
        raise FileRefused(_("The first row must name the columns."))
    if len(set(filled)) != len(filled):
        dup = next(n for n in filled if filled.count(n) > 1)
        raise FileRefused(_("The column “%(name)s” appears twice in the header.") % {"name": dup})
    return names


def _row(number: int, names: list[str], cells: list[Any]) -> SourceRow | None:
    """A SourceRow, or None for an empty row (Excel leaves many at the end)."""
    texts = [_text(c) for c in cells]
    if not any(texts):
        return None
    data = {n: (texts[i] if i < len(texts) else "") for i, n in enumerate(names) if n}
    overflow = any(texts[len(names) :]) or any(
        t for n, t in zip(names, texts, strict=False) if not n
    )
    return SourceRow(number=number, data=data, overflow=overflow)


def read_csv(source: IO[bytes], *, encoding: str = "auto") -> Iterator[SourceRow]:
    """Rows of a CSV file (delimiter detected from the header: , ; tab or |)."""
    text = io.TextIOWrapper(source, encoding=_encoding(source, encoding), newline="")
    try:
        yield from _csv_rows(text)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _("The file is not text in UTF-8 or GBK: save it again as “CSV UTF-8”.")
        ) from exc
    except csv.Error as exc:
        raise FileRefused(_("The CSV file is malformed.")) from exc
    finally:
        text.detach()  # the caller owns `source` and reads it again


def _csv_rows(text: io.TextIOWrapper) -> Iterator[SourceRow]:
    first = text.readline()
    reader = csv.reader(io.StringIO(first), delimiter=_delimiter(first))
    names = _header(next(reader, []))
    rows = csv.reader(text, delimiter=_delimiter(first))
    for number, cells in enumerate(rows, start=2):
        row = _row(number, names, cells)
        if row is not None:
            yield row


# --- XLSX --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: 13812345678.0 (Excel stores phone numbers as floats) → 13812345678;
    a date without time → 2026-12-06."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _refuse_bomb(source: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("This is not an Excel (XLSX) file.")) from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise FileRefused(_("The Excel file is too large once unpacked."))
    source.seek(0)


def read_xlsx(source: IO[bytes], *, sheet: str = "") -> Iterator[SourceRow]:
    """Rows of one sheet (the first unless named), streamed by openpyxl's read-only mode."""
    from openpyxl import load_workbook

    _refuse_bomb(source)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileRefused(_("The Excel file cannot be opened.")) from exc
    try:
        if sheet and sheet not in book.sheetnames:
            raise FileRefused(_("The Excel file has no sheet “%(name)s”.") % {"name": sheet})
        yield from _sheet_rows(book[sheet] if sheet else book.worksheets[0])
    finally:
        book.close()


def _sheet_rows(worksheet: Any) -> Iterator[SourceRow]:
    rows = worksheet.iter_rows(values_only=True)
    try:
        names = _header([_text(c) for c in next(rows, ())])
        for number, cells in enumerate(rows, start=2):
            row = _row(number, names, list(cells))
            if row is not None:
                yield row
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet part, found only while reading it
        raise FileRefused(_("The Excel file cannot be read (it may be damaged).")) from exc
