"""Imports cannot be made to use memory beyond their limits (review L5): an upload is read
up to the size limit and no further, and a workbook is measured UNPACKED (its zip
directory) before openpyxl loads it, so a small zip bomb of shared strings is refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from mianshi.jobs.transfer import files


def workbook_with_shared_strings(megabytes: int) -> bytes:
    """A real workbook whose sharedStrings part unpacks to `megabytes` MB (zipped: ~KB)."""
    plain = files.write_xlsx(["text"], [{"text": "题目"}], "bank")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                dst.writestr(item, src.read(item.filename), zipfile.ZIP_DEFLATED)
        with dst.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(megabytes):
                part.write(b"<si><t>a</t></si>" * (1024 * 1024 // 17))
            part.write(b"</sst>")
    return out.getvalue()


def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_it_is_loaded(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(files, "MAX_XLSX_UNPACKED", 2 * 1024 * 1024)
    bomb = workbook_with_shared_strings(3)
    assert len(bomb) < 100_000  # small on the wire
    assert files.detect_format("bank.xlsx", bomb) == "xlsx"
    with pytest.raises(ValidationError) as refused:
        files.read_rows("xlsx", bomb)
    assert "MB" in refused.value.message_dict["file"][0]
    fine = files.write_xlsx(["text"], [{"text": "题目"}], "bank")
    assert files.read_rows("xlsx", fine)[0][1] == {"text": "题目"}


def test_an_upload_is_read_only_up_to_the_limit(tmp_path: Path, settings: Any) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = TemporaryUploadedFile("bank.csv", "text/csv", 0, "utf-8")
    upload.write(b"text\n" + b"x" * (files.MAX_IMPORT_BYTES + 1024 * 1024))
    upload.seek(0)
    content = files.read_limited(upload)
    assert len(content) == files.MAX_IMPORT_BYTES + 1 and upload.tell() == len(content)
    with pytest.raises(ValidationError):
        files.detect_format("bank.csv", content)
    upload.close()
