"""Identifiers never reach the database in plaintext; key rotation re-encrypts everything."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.conftest import KEY_1, KEY_2
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate
from mianshi.candidates.tests.test_resumes import PDF, stored_files
from mianshi.common.crypto import key_id_of

pytestmark = pytest.mark.django_db(transaction=True)

IDENT = "11010519491231002X"
PHONE = "13812345678"
EMAIL = "zhangsan.secret@example.com"


def _sqlite_bytes(tmp_path: Path) -> bytes:
    """The database file(s) as stored: checkpoint and read the WAL too, or back up :memory:."""
    connection.ensure_connection()
    raw = connection.connection
    name = str(connection.settings_dict["NAME"])
    if "memory" in name or not Path(name).exists():
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        raw.backup(target)
        target.close()
        return copy.read_bytes()
    raw.execute("PRAGMA wal_checkpoint(FULL)")
    wal = Path(name + "-wal")
    return Path(name).read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.app_label in {"candidates", "compliance"}
    ]
    with connection.cursor() as cursor:
        rows = []
        for table in tables:
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
            rows += [r[0] for r in cursor.fetchall()]
    return "\n".join(rows)


def test_identifiers_never_stored_in_plaintext(
    world: Any, org: Any, login: Any, tmp_path: Path
) -> None:
    client = login(world.hr_sh)
    response = client.post(
        "/candidates/new/",
        {
            "org_unit": org.sh.pk,
            "name": "张三",
            "id_number": IDENT.lower(),
            "phone": "+86 " + PHONE,
            "email": EMAIL,
            "source": "other",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    make_application(world.hr_sh, candidate, world.job_sh_sales)
    client.post(f"/candidates/{candidate.pk}/notes/", {"body": "面试安排"})
    assert candidate.id_number == IDENT and candidate.phone == PHONE
    dump = _dump()
    assert "张三" in dump  # the dump really holds the candidate rows
    for secret in (IDENT, IDENT.lower(), PHONE, EMAIL):
        assert secret not in dump
    if connection.vendor == "sqlite":
        blob = _sqlite_bytes(tmp_path)
        assert "张三".encode() in blob
        for secret in (IDENT, PHONE, EMAIL):
            assert secret.encode() not in blob
            assert secret.encode("utf-16-le") not in blob
    # Exact search still finds the person through the blind index.
    page = client.get("/candidates/", {"q": "138-1234-5678"}).content.decode()
    assert f"/candidates/{candidate.pk}/" in page


def test_key_rotation_reencrypts_rows_and_files(
    world: Any, org: Any, login: Any, settings: Any
) -> None:
    hr = world.hr_sh
    people = [
        make_candidate(hr, org.sh, name=f"人{i}", id_number=id_number(), email=f"p{i}@x.cn")
        for i in range(5)
    ]
    login(hr).post(
        f"/candidates/{people[0].pk}/resume/upload/", {"resume": SimpleUploadedFile("cv.pdf", PDF)}
    )
    plain = {c.pk: (c.id_number, c.phone, c.email) for c in Candidate.objects.all()}
    settings.ENCRYPTION_KEYS = [KEY_2, KEY_1]
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [KEY_2]  # the old key is gone
    for c in Candidate.objects.all():
        assert c.phone_enc.startswith("v1:k2:") and c.id_number_enc.startswith("v1:k2:")
        assert (c.id_number, c.phone, c.email) == plain[c.pk]
    [stored] = stored_files()
    assert key_id_of(stored.read_bytes()) == "k2"
    assert login(hr).get(f"/candidates/{people[0].pk}/resume/").content == PDF
    # Idempotent: a second run has nothing to do.
    from mianshi.candidates.services import encryption_rotate

    report = encryption_rotate()
    assert (report.rows, report.files) == (0, 0)


def test_reindex_after_blind_index_key_change(
    world: Any, org: Any, settings: Any, api_for: Any
) -> None:
    make_candidate(world.hr_sh, org.sh, phone=PHONE)
    settings.BLIND_INDEX_KEY = "a-brand-new-blind-index-key-123456"
    client = api_for(world.hr_sh)
    assert client.get("/candidates/", q=PHONE).json()["count"] == 0
    call_command("rotate_encryption_keys", "--reindex", stdout=io.StringIO())
    assert client.get("/candidates/", q=PHONE).json()["count"] == 1
