"""Fixtures of the file import/export tests: valid keys, two branches with HR, open jobs.

The import job's model and tasks are imported here too: until connectors/models.py and
connectors/tasks.py import them (lead), this is what registers them in the test process."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.tests.factories import make_job
from mianshi.integrations.connectors.files import models as _job_models  # noqa: F401
from mianshi.integrations.connectors.files import tasks as _job_tasks  # noqa: F401
from mianshi.jobs.models import Job

KEY = "f1:" + base64.b64encode(b"f" * 32).decode()


@pytest.fixture(autouse=True)
def _keys_and_media(settings: Any, tmp_path: Path) -> None:
    settings.ENCRYPTION_KEYS = [KEY]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-files-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class FilesWorld:
    """HR of 上海 and of 深圳, an auditor-free world with one open job per branch."""

    hr_sh: User
    hr_sz: User
    job_sh: Job
    job_sz: Job


@pytest.fixture
def files_world(org: Any, make_user: Any) -> FilesWorld:
    return FilesWorld(
        hr_sh=make_user("hr_sh", Role.HR, org.sh),
        hr_sz=make_user("hr_sz", Role.HR, org.sz),
        job_sh=make_job(org.sh_sales, "销售代表"),
        job_sz=make_job(org.sz_sales, "销售经理"),
    )


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8") -> io.BytesIO:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return io.BytesIO(buffer.getvalue().encode(encoding))


def xlsx_bytes(rows: list[list[Any]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def xml_bytes(rows: list[list[str]], *, record: str = "candidate") -> io.BytesIO:
    from xml.sax.saxutils import escape

    header, *body = rows
    records = "".join(
        f"<{record}>"
        + "".join(f"<{h}>{escape(v)}</{h}>" for h, v in zip(header, r))
        + f"</{record}>"
        for r in body
    )
    return io.BytesIO(
        f'<?xml version="1.0" encoding="UTF-8"?><{record}s>{records}</{record}s>'.encode()
    )
