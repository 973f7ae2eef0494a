"""Seekable copies of recordings stored before verification remuxed them.

`manage.py remux_recordings` runs this over every verified recording whose media_info does
not say `remuxed` yet (stored by an earlier version): the same stream copy and checks as at
verification (services/remux.py), and one more — the copy must start where the original
does, because the transcript and evidence timestamps of its analysis refer to that clock.
The copy is sealed under a new, unique name (never the original's: S3 would overwrite it)
and swapped in with a conditional UPDATE (a recording replaced meanwhile is left alone, and
only the copy is deleted); the original object is deleted after the commit. A copy that
fails a check leaves the original and records `remuxed: false`, so it is not tried again.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from interview_analysis import media
from interview_analysis.types import MediaInfo, to_dict
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.interviews.services import remux, storage
from mianshi.interviews.services.recordings import recording_object_name, recording_open

logger = logging.getLogger(__name__)

# The copy's streams may start this much apart from the original's (one Opus frame is 20 ms).
START_TOLERANCE_S = 0.05


def recordings_not_remuxed() -> QuerySet[Recording]:
    """Verified recordings stored before verification made them seekable."""
    return Recording.objects.filter(status=RecordingStatus.VERIFIED).exclude(
        media_info__has_key="remuxed"
    )


def _same_start(original: Path, copy: Path) -> bool:
    before, after = remux.stream_spans(original), remux.stream_spans(copy)
    return before.keys() == after.keys() and all(
        abs(after[kind].start - span.start) <= START_TOLERANCE_S for kind, span in before.items()
    )


def _copy(recording: Recording, source: Path, target: Path) -> MediaInfo | None:
    copied = remux.seekable_copy(source, media.probe(source), target, label=str(recording.pk))
    if copied is not None and not _same_start(source, target):
        logger.warning("recording %s: the copy starts elsewhere; original kept", recording.pk)
        return None
    return copied


def _keep(recording: Recording) -> str:
    info = {**recording.media_info, "remuxed": False}
    Recording.objects.filter(pk=recording.pk, sha256=recording.sha256).update(media_info=info)
    return "kept"


@transaction.atomic
def _swap(recording: Recording, sealed: tuple[str, str, int], info: MediaInfo) -> str:
    stored, sha, size = sealed
    details: dict[str, Any] = {
        **recording.media_info, **to_dict(info), "bytes": size, "remuxed": True,
        "upload_sha256": recording.sha256, "upload_bytes": recording.media_info.get("bytes"),
    }  # fmt: skip
    won = Recording.objects.filter(
        pk=recording.pk, status=RecordingStatus.VERIFIED, sha256=recording.sha256,
        storage_path=recording.storage_path,
    ).update(storage_path=stored, sha256=sha, duration_ms=round(info.duration_s * 1000),
             media_info=details)  # fmt: skip
    if not won:
        transaction.on_commit(lambda: storage.objects_delete([stored]))
        return "changed"
    old = recording.storage_path
    transaction.on_commit(lambda: storage.objects_delete([old]))
    audit_record(
        actor="system", action="recording.remux", obj=recording,
        org_unit_id=recording.session.org_unit_id,
        detail={"from_sha256": recording.sha256, "sha256": sha, "bytes": size},
    )  # fmt: skip
    return "remuxed"


def recording_remux_stored(*, recording: Recording) -> str:
    """Replace one stored recording by its seekable copy: remuxed, kept or changed."""
    with (
        recording_open(recording=recording) as source,
        tempfile.TemporaryDirectory(prefix="mianshi-remux-") as work,
    ):
        target = Path(work) / f"copy{source.suffix}"
        copied = _copy(recording, source, target)
        if copied is None:
            return _keep(recording)
        sealed = storage.seal_file(recording.pk, target, recording_object_name(recording))
    return _swap(recording, sealed, copied)


def recordings_remux_stored(*, limit: int | None = None) -> dict[str, int]:
    """Remux every recording not remuxed yet (at most `limit`); counts per outcome. One that
    cannot be read is logged and counted as failed; the others go on."""
    counts = {"remuxed": 0, "kept": 0, "changed": 0, "failed": 0}
    pending = recordings_not_remuxed().select_related("session").order_by("created_at")
    for recording in pending[:limit] if limit else pending.iterator():
        try:
            counts[recording_remux_stored(recording=recording)] += 1
        except Exception:
            logger.exception("recording %s: could not be remuxed", recording.pk)
            counts["failed"] += 1
    return counts
