"""A score sheet's bytes as rows of cell values: the first sheet of an .xlsx (refused before
it is opened when it would unpack too large) or a CSV in UTF-8, GBK/GB18030 or UTF-16 with
its delimiter guessed from the first lines. Everything else is one `Refused` error.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from mianshi.recruitment.scoresheet.results import Refused

HEADER_SEARCH = 10  # the header may sit under a title and a date line
# An .xlsx is a zip: 50,000 rows of five columns unpack to ~15 MB of XML; a zip bomb of
# shared strings (which openpyxl loads whole, even read-only) to gigabytes.
MAX_XLSX_UNPACKED = 128 * 1024 * 1024


def table(
    data: bytes, filename: str, *, max_unpacked: int = MAX_XLSX_UNPACKED
) -> Iterator[list[Any]]:
    """The rows of the first sheet (Excel) or of the CSV, as cell values."""
    if not data.strip():
        raise Refused(_("The file is empty."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        return _xlsx_rows(data, max_unpacked)
    if extension == "csv":
        return _csv_rows(data)
    raise Refused(_("Upload the score sheet as an Excel workbook (.xlsx) or a CSV file."))


def _xlsx_rows(data: bytes, max_unpacked: int) -> Iterator[list[Any]]:
    book = _open_book(data, max_unpacked)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # exporters write wrong <dimension>s: read what is there
        yield from (list(cells) for cells in sheet.iter_rows(values_only=True))
    except Exception as exc:  # a damaged sheet part shows only while it is read
        raise Refused(_damaged()) from exc
    finally:
        book.close()


def _damaged() -> str:
    return _("The Excel file cannot be read: it is damaged or not an .xlsx workbook.")


def _open_book(data: bytes, max_unpacked: int) -> Any:
    """The workbook, read-only, once its zip directory shows it is not a zip bomb."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise Refused(_damaged()) from exc
    if unpacked > max_unpacked:
        raise Refused(_("The Excel file is too large once unpacked."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise Refused(_damaged()) from exc


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    head = text[:65536].splitlines()[:HEADER_SEARCH]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise Refused(_("The CSV file is malformed.")) from exc


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — the superset of the GBK that exam centres'
    Excel saves — and UTF-16 when Excel's "Unicode text" BOM says so."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        raise Refused(_("This is not a CSV text file."))
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(_("The CSV file is neither UTF-8 nor GBK text: save it again as “CSV UTF-8”."))
