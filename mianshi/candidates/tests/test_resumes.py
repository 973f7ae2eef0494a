"""Résumé upload: content and size checks, encrypted storage, authorised download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from mianshi.candidates.models import Candidate
from mianshi.candidates.tests.factories import make_candidate, phone

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% resume of 13812345678\n%%EOF\n"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>经历</w:document>")
    return buffer.getvalue()


def upload(client: Any, candidate: Candidate, name: str, data: bytes) -> Any:
    return client.post(
        f"/candidates/{candidate.pk}/resume/upload/",
        {"resume": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_pdf_stored_encrypted_and_downloaded_decrypted(world: Any, org: Any, login: Any) -> None:
    candidate = make_candidate(world.hr_sh, org.sh)
    client = login(world.hr_sh)
    upload(client, candidate, "张三.pdf", PDF)
    candidate.refresh_from_db()
    [path] = stored_files()
    raw = path.read_bytes()
    assert raw.startswith(b"v1:k1:") and b"13812345678" not in raw and b"%PDF" not in raw
    response = client.get(f"/candidates/{candidate.pk}/resume/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    "name,data",
    [
        ("cv.docx", docx_bytes()),
        ("cv.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100),
        ("cv.rtf", b"{\\rtf1 hello}"),
        ("cv.txt", "张三 简历\n销售经验五年".encode()),
    ],
)
def test_other_document_types_accepted(
    world: Any, org: Any, login: Any, name: str, data: bytes
) -> None:
    candidate = make_candidate(world.hr_sh, org.sh)
    upload(login(world.hr_sh), candidate, name, data)
    candidate.refresh_from_db()
    assert candidate.has_resume and candidate.resume_size == len(data)


@pytest.mark.parametrize(
    "name,data",
    [
        ("cv.pdf", b"MZ\x90\x00 windows executable"),  # lies about its type
        ("cv.docx", b"PK\x03\x04 not really a zip"),
        ("cv.png", b"\x89PNG\r\n\x1a\n\0\0\0"),
        ("empty.pdf", b""),
    ],
)
def test_non_documents_refused_nothing_stored(
    world: Any, org: Any, login: Any, name: str, data: bytes
) -> None:
    candidate = make_candidate(world.hr_sh, org.sh)
    response = upload(login(world.hr_sh), candidate, name, data)
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert not candidate.has_resume and stored_files() == []


def test_oversized_refused_on_create_nothing_saved(
    world: Any, org: Any, login: Any, settings: Any
) -> None:
    settings.RESUME_MAX_BYTES = 1000
    response = login(world.hr_sh).post(
        "/candidates/new/",
        {
            "org_unit": org.sh.pk,
            "name": "大文件",
            "phone": phone(),
            "source": "other",
            "resume": SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2000),
        },
    )
    assert response.status_code == 200
    assert "MB" in response.content.decode()
    assert Candidate.objects.count() == 0 and stored_files() == []


def test_api_upload_and_download(world: Any, org: Any, api_for: Any) -> None:
    candidate = make_candidate(world.hr_sh, org.sh)
    client = api_for(world.hr_sh)
    response = client.client.post(
        f"/api/candidates/{candidate.pk}/resume", {"file": SimpleUploadedFile("cv.pdf", PDF)}
    )
    assert response.status_code == 201 and response.json()["has_resume"] is True
    assert client.get(f"/candidates/{candidate.pk}/resume").content == PDF
    bad = client.client.post(
        f"/api/candidates/{candidate.pk}/resume",
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00")},
    )
    assert bad.status_code == 422
    # Out of scope: the other branch can neither read nor replace it.
    other = api_for(world.hr_sz)
    assert other.get(f"/candidates/{candidate.pk}/resume").status_code == 404
    assert (
        other.client.post(
            f"/api/candidates/{candidate.pk}/resume", {"file": SimpleUploadedFile("cv.pdf", PDF)}
        ).status_code
        == 404
    )
