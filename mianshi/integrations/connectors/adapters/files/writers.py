"""Streaming writers: CSV and XML as text chunks, XLSX through openpyxl's write-only mode.

An export of 100,000 rows is produced while it is sent: CSV and XML are generators a
StreamingHttpResponse drains; XLSX (a zip, written whole) goes through a temporary file
that openpyxl fills row by row, so memory stays flat for every format. A cell is text a
spreadsheet must never run: CSV cells starting like a formula get a leading apostrophe
(the rule of candidates' export), XLSX cells are typed as strings.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from mianshi.common.spreadsheet import formula_safe
from mianshi.integrations.connectors.adapters.files.xmlread import FIELD_TAG

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml; charset=utf-8",
}
# Characters XML 1.0 cannot carry at all (and openpyxl refuses): dropped from cells.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_NAME = re.compile(r"^[^\W\d][\w.-]*$")
CHUNK_ROWS = 500


def cell_text(value: Any) -> str:
    """A value as cell text, control characters dropped."""
    return "" if value is None else _CONTROL.sub("", str(value))


def csv_safe(value: Any) -> str:
    return formula_safe(cell_text(value))


def csv_stream(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """UTF-8 with a BOM (Excel then opens Chinese text correctly), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([csv_safe(c) for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_safe(row.get(c)) for c in columns])
        if n % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _element(name: str, value: Any) -> str:
    text = escape(cell_text(value))
    if _XML_NAME.match(name) and not name.lower().startswith("xml"):
        return f"<{name}>{text}</{name}>"
    return f"<{FIELD_TAG} name={quoteattr(cell_text(name))}>{text}</{FIELD_TAG}>"


def xml_stream(
    columns: list[str],
    rows: Iterable[dict[str, Any]],
    *,
    root: str = "records",
    record: str = "record",
) -> Iterator[str]:
    """`<records><record><name>…</name>…</record>…</records>`, readable by xmlread."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n']
    for n, row in enumerate(rows, start=1):
        cells = "".join(_element(c, row.get(c)) for c in columns)
        parts.append(f"<{record}>{cells}</{record}>\n")
        if n % CHUNK_ROWS == 0:
            yield "".join(parts)
            parts = []
    parts.append(f"</{root}>\n")
    yield "".join(parts)


def xlsx_file(
    columns: list[str], rows: Iterable[dict[str, Any]], *, title: str = "export"
) -> IO[bytes]:
    """A temporary file holding the workbook, rewound (deleted when closed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])

    def cells(values: Iterable[Any]) -> list[Any]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=cell_text(value))
            cell.data_type = "s"  # never a formula, whatever the text starts with
            out.append(cell)
        return out

    sheet.append(cells(columns))
    for row in rows:
        sheet.append(cells(row.get(c) for c in columns))
    target = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    book.save(target)
    target.seek(0)
    return target
