"""Key rotation of everything sealed (review H2): rotate, remove the old key, nothing is lost.

Every kind of sealed material is made the way the product makes it (the upload service for
chunks, the sealing of verification for recordings, the file-answer service, invitations),
on a local folder and on an S3 protocol server (moto on loopback). After
`rotate_encryption_keys` the old key is removed from the settings and every recording must
still play through the HR view, the chunks still assemble, answer files still download,
invitation tokens still decrypt and candidates' identifiers and résumés still read.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from mianshi.candidates.models import Candidate
from mianshi.common.crypto import key_id_of
from mianshi.interviews.models import Answer, Chunk, Recording, RecordingStatus
from mianshi.interviews.services import answer_file_submit, answer_start
from mianshi.interviews.services.storage import chunk_store, recording_name, seal_file
from mianshi.interviews.services.verification import assemble
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import BoardWorld, Started, recording_row
from mianshi.invitations.services.common import invitation_token
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template

pytestmark = pytest.mark.django_db
K1 = "k1:" + base64.b64encode(b"1" * 32).decode()  # the key of interview_settings
K2 = "k2:" + base64.b64encode(b"2" * 32).decode()
# Two full 4 MiB blocks and a short last one: the re-seal must keep every block in place.
MEDIA = bytes(range(251)) * (9 * 1024 * 1024 // 251)
PDF = b"%PDF-1.4\n% portfolio\n" + b"x" * 3000


@pytest.fixture(params=["local", "s3"])
def where(request: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The storage under test: the local folder, or an S3 protocol server on loopback."""
    if request.param == "local":
        yield "local"
        return
    request.getfixturevalue("bucket")
    yield "s3"


@dataclass
class Sealed:
    """One of each sealed kind, with the plaintext it must still give back."""

    video: Started
    filed: Started
    recording: Recording
    upload: Recording
    chunks: list[bytes]
    answer: Answer


def verified_recording(started: Started) -> Recording:
    """Sealed exactly as verification seals it, then marked verified."""
    recording = recording_row(started, 3, offset=len(MEDIA), length=len(MEDIA))
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "answer.webm"
        plain.write_bytes(MEDIA)
        name = recording_name(recording.session_id, recording.answer_id, recording.pk)
        stored, sha, _ = seal_file(recording.pk, plain, name)
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.VERIFIED, storage_path=stored, sha256=sha, duration_ms=60_000
    )
    recording.refresh_from_db()
    return recording


def in_flight_upload(started: Started, pieces: list[bytes]) -> Recording:
    """An upload still receiving chunks: each stored by the upload side's own sealing."""
    total = sum(len(p) for p in pieces)
    upload = recording_row(started, 3, segment=1, offset=total, length=total)
    offset = 0
    for piece in pieces:
        name = chunk_store(upload.pk, offset, piece)
        Chunk.objects.create(recording=upload, offset=offset, length=len(piece), storage_name=name)
        offset += len(piece)
    return upload


def file_answer(bw: BoardWorld) -> tuple[Started, Answer]:
    unit = bw.job.org_unit
    question = make_question(unit, bw.hr_sh, text="请上传你的作品集。", answer_type="file")
    template = make_template(unit, [question], bw.hr_sh, name="作品集")
    job_update(actor=bw.hr_sh, job=bw.job, data={"interview_template": template})
    started = bw.invite("李四")
    bw.guide(started)
    answer_start(session=started.session, position=1)
    answer_file_submit(
        session=started.session, position=1, upload=io.BytesIO(PDF), filename="作品集.pdf",
        size=len(PDF),
    )  # fmt: skip
    return started, started.answer(1)


def everything_sealed(bw: BoardWorld) -> Sealed:
    video = bw.invite("张三")
    bw.recording_video(video)
    recording = verified_recording(video)
    chunks = [b"\x1a\x45\xdf\xa3" + b"a" * 3000, b"b" * 2000]
    upload = in_flight_upload(video, chunks)
    filed, answer = file_answer(bw)
    return Sealed(video, filed, recording, upload, chunks, answer)


def assert_all_readable(bw: BoardWorld, sealed: Sealed, login: Any) -> None:
    """Every sealed thing gives back its plaintext through the product's own paths."""
    client = login(bw.hr_sh)
    played = client.get(f"/interviews/recordings/{sealed.recording.pk}/")
    assert played.status_code == 200 and b"".join(played.streaming_content) == MEDIA
    upload = Recording.objects.get(pk=sealed.upload.pk)
    target = io.BytesIO()
    assemble(upload, target)
    assert target.getvalue() == b"".join(sealed.chunks)
    got = client.get(f"/interviews/answers/{sealed.answer.pk}/file/")
    assert got.status_code == 200 and got.content == PDF
    assert "filename" in got["Content-Disposition"] and ".pdf" in got["Content-Disposition"]
    for started in (sealed.video, sealed.filed):
        started.invitation.refresh_from_db()
        assert invitation_token(started.invitation) == started.token
    for candidate in Candidate.objects.all():
        assert candidate.email.endswith("@example.com")


def stored_key_ids(sealed: Sealed) -> set[str]:
    """The key ids found in the stored objects themselves (not in any bookkeeping)."""
    recording = Recording.objects.get(pk=sealed.recording.pk)
    with default_storage.open(recording.storage_path, "rb") as stored:
        head = stored.read(64)
    kids = {key_id_of(head[len(b"MSREC1\n") + 4 :])}
    for name in Chunk.objects.values_list("storage_name", flat=True):
        with default_storage.open(name, "rb") as stored:
            kids.add(key_id_of(stored.read(64)))
    answer = Answer.objects.get(pk=sealed.answer.pk)
    with default_storage.open(answer.file_path, "rb") as stored:
        kids.add(key_id_of(stored.read(64)))
    kids.add(key_id_of(answer.file_name_enc))
    return kids


def test_rotation_reseals_every_kind_and_nothing_is_lost_when_the_old_key_goes(
    where: str, bw: BoardWorld, login: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sealed = everything_sealed(bw)
    assert stored_key_ids(sealed) == {"k1"}
    settings.ENCRYPTION_KEYS = [K2, K1]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_encryption_keys", stdout=out)
    report = out.getvalue()
    for line in (
        "interviews.recording: re-sealed 1, remaining 0",
        "interviews.chunk: re-sealed 2, remaining 0",
        "interviews.answer_file: re-sealed 1, remaining 0",
        "interviews.answer_file_name: re-sealed 1, remaining 0",
        "invitations.token: re-sealed 2, remaining 0",
    ):
        assert line in report, report
    settings.ENCRYPTION_KEYS = [K2]  # the old key is gone for good
    assert stored_key_ids(sealed) == {"k2"}
    assert_all_readable(bw, sealed, login)
    # The plaintext hash of the recording is that of the original: the same bytes re-sealed.
    recording = Recording.objects.get(pk=sealed.recording.pk)
    assert recording.sha256 == sealed.recording.sha256
    assert recording.storage_path != sealed.recording.storage_path  # never in place
    assert not default_storage.exists(sealed.recording.storage_path)
    # Idempotent: a second run re-seals nothing and succeeds.
    again = io.StringIO()
    call_command("rotate_encryption_keys", stdout=again)
    assert "interviews.recording: re-sealed 0, remaining 0" in again.getvalue()


def test_rotation_refuses_success_while_anything_stays_under_an_old_key(
    bw: BoardWorld, login: Any, settings: Any
) -> None:
    sealed = everything_sealed(bw)
    # An answer file damaged at rest cannot be re-sealed: it stays under k1 and is reported.
    answer = Answer.objects.get(pk=sealed.answer.pk)
    path = Path(settings.MEDIA_ROOT) / answer.file_path
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 0x01
    path.write_bytes(bytes(damaged))
    settings.ENCRYPTION_KEYS = [K2, K1]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rotate_encryption_keys", stdout=out)
    assert "interviews.answer_file: re-sealed 0, remaining 1" in out.getvalue(), out.getvalue()
    assert "interviews.recording: re-sealed 1, remaining 0" in out.getvalue()
    assert path.read_bytes() == bytes(damaged)  # left as it was, never deleted


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing may swallow it."""


def test_a_crash_in_the_middle_of_rotation_loses_nothing_and_a_rerun_finishes(
    where: str, bw: BoardWorld, login: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    sealed = everything_sealed(bw)
    settings.ENCRYPTION_KEYS = [K2, K1]
    storage_class = type(default_storage._wrapped)  # type: ignore[attr-defined]
    real_save, saves = storage_class.save, [0]

    def dies_on_the_third_save(self: Any, name: Any, content: Any, **kw: Any) -> Any:
        saves[0] += 1
        if saves[0] == 3:
            raise Crash
        return real_save(self, name, content, **kw)

    monkeypatch.setattr(storage_class, "save", dies_on_the_third_save)
    with pytest.raises(Crash), django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    monkeypatch.setattr(storage_class, "save", real_save)
    assert saves[0] == 3
    assert_all_readable(bw, sealed, login)  # half rotated: both keys still read everything
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [K2]
    assert stored_key_ids(sealed) == {"k2"}
    assert_all_readable(bw, sealed, login)


def test_candidates_identifiers_and_resumes_are_one_registered_kind(
    bw: BoardWorld, settings: Any
) -> None:
    started = bw.invite("王五")
    candidate = started.application.candidate
    settings.ENCRYPTION_KEYS = [K2, K1]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "candidates.candidate: re-sealed 1, remaining 0" in out.getvalue(), out.getvalue()
    settings.ENCRYPTION_KEYS = [K2]
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert candidate.email_enc.startswith("v1:k2:") and candidate.email.endswith("@example.com")
