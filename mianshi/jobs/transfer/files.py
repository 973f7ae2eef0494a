"""Reading and writing the three interchange formats; knows files, not questions or models."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# A workbook is a zip: 5 MB of text-heavy XLSX unpacks to some 20–40 MB, a zip bomb of shared
# strings (which openpyxl loads whole, even read-only) to gigabytes.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
MAX_ROWS = 5000
FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Row = tuple[int, dict[str, str]]  # (spreadsheet row number, cells by header)


@dataclass
class ExportFile:
    """A finished download."""

    content: bytes
    content_type: str
    filename: str


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def read_limited(upload: Any) -> bytes:
    """An uploaded file's bytes, read up to one byte past the import limit and no further
    (`detect_format` then refuses a file that reached it)."""
    return bytes(upload.read(MAX_IMPORT_BYTES + 1))


def detect_format(filename: str, content: bytes) -> str:
    """'json', 'csv' or 'xlsx' from the name, cross-checked with the bytes; else refuse."""
    if len(content) > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise file_error(_("The file is larger than %(n)s MB.") % {"n": limit})
    if not content.strip():
        raise file_error(_("The file is empty."))
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FORMATS:
        raise file_error(_("Unsupported file type; upload a .json, .csv or .xlsx file."))
    if (ext == "xlsx") != content.startswith(b"PK"):
        raise file_error(
            _("The file content does not match its .%(ext)s extension.") % {"ext": ext}
        )
    return ext


def read_json(content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise file_error(
            _("The file is not valid JSON (%(error)s).") % {"error": str(exc)[:120]}
        ) from exc


def read_rows(fmt: str, content: bytes) -> list[Row]:
    """Data rows of a CSV or the first sheet of a workbook, keyed by the (lower-cased) header."""
    table = _csv_table(content) if fmt == "csv" else _xlsx_table(content)
    if not table or not any(table[0]):
        raise file_error(_("The file has no header row."))
    header = [h.strip().lower() for h in table[0]]
    rows = [
        (
            number,
            {h: (cells[i] if i < len(cells) else "").strip() for i, h in enumerate(header) if h},
        )
        for number, cells in enumerate(table[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    if len(rows) > MAX_ROWS:
        raise file_error(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    return rows


def _csv_table(content: bytes) -> list[list[str]]:
    # Excel in a Chinese locale saves CSV as GB18030, everything else as UTF-8 (maybe with BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise file_error(_("The CSV file is neither UTF-8 nor GB18030 text."))
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise file_error(
            _("The CSV file cannot be read (%(error)s).") % {"error": str(exc)[:120]}
        ) from exc


def _check_unpacked(content: bytes) -> None:
    """Refuse a workbook whose parts add up to more than MAX_XLSX_UNPACKED, from the zip
    directory alone (nothing is inflated)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        limit = MAX_XLSX_UNPACKED // (1024 * 1024)
        raise file_error(_("The workbook is larger than %(n)s MB when unpacked.") % {"n": limit})


def _xlsx_table(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        _check_unpacked(content)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise file_error(_("The file is not a valid Excel (.xlsx) workbook.")) from exc
    sheet = book.worksheets[0]
    table = [
        [_cell(v) for v in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
    ]
    book.close()
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 60 as 60.0
    return str(value)


def write_csv(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM so Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: list[dict[str, Any]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that merely starts with "=" is not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def parse_int(raw: str) -> int:
    """'60', '60.0' → 60; anything else raises ValueError."""
    value = float(raw.strip())
    if not value.is_integer():
        raise ValueError(raw)
    return int(value)


TRUE = {"1", "true", "yes", "y", "是", "对", "x", "✓"}
FALSE = {"0", "false", "no", "n", "否", "", "不"}


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(raw)
