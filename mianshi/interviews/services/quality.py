"""The server-side quality gate of a completed answer (F-45), run by `interviews.check_answer`.

It reuses the engine as `interview_analysis.pipeline` does: probe, the audio track decoded
once for levels and SNR, frames sampled for face visibility, a covered camera and blur, and
`quality.assess` for the verdict. Frames are observed one at a time (streaming), so a long
answer never holds its frames in memory. Without the candidate's biometric consent no face
is searched for: only lighting and sharpness are measured and the report says so.

A FAIL flags the session, so HR can send a re-record invitation in one click.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interview_analysis import media, quality, vision
from interview_analysis.backends.faces import (
    BaseFaceAnalyzer,
    FaceBox,
    FrameObservation,
    default_face_analyzer,
    summarise,
)
from interview_analysis.errors import MediaError
from interview_analysis.types import IntegritySignal, MediaInfo, QualityReport, VideoFeatures
from mianshi.common.crypto import DecryptionError
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import (
    Answer,
    AnswerStatus,
    Consent,
    ConsentKind,
    QualityStatus,
    Recording,
    RecordingStatus,
)
from mianshi.interviews.services.recordings import RecordingUnavailable, recording_open
from mianshi.interviews.services.verification import session_flag
from mianshi.jobs.models import AnswerType

logger = logging.getLogger(__name__)

FRAME_EVERY_S = 0.5  # as the analysis pipeline samples
MAX_FRAMES = 600  # long answers are sampled more sparsely, not at a higher cost
FRAME_MAX_WIDTH = 640

# The engine's issue codes, in the candidate's and HR's language.
ISSUE_LABELS = {
    "no_audio": gettext_lazy("The recording has no sound."),
    "silent": gettext_lazy("No speech can be heard."),
    "too_quiet": gettext_lazy("The voice is too quiet."),
    "low_snr": gettext_lazy("Background noise is loud compared with the voice."),
    "clipping": gettext_lazy("The voice is distorted (too loud)."),
    "too_short": gettext_lazy("The recording is too short."),
    "low_fps": gettext_lazy("The video frame rate is low."),
    "low_resolution": gettext_lazy("The video resolution is low."),
    "camera_covered": gettext_lazy("The camera is covered or too dark."),
    "no_face": gettext_lazy("The face is not visible."),
    "blurred": gettext_lazy("The picture is blurred."),
    "unreadable": gettext_lazy("The recording could not be read."),
}


def issue_label(code: str) -> str:
    """The translated text of a quality issue code (the code itself when unknown)."""
    return str(ISSUE_LABELS.get(code, code))


class LightOnlyAnalyzer(BaseFaceAnalyzer):
    """Lighting and sharpness per frame, never a face search (no biometric consent)."""

    name = "light-only"

    def find_faces(self, rgb: np.ndarray, gray: np.ndarray) -> tuple[list[FaceBox], bool | None]:
        return [], None


@dataclass
class _Collected:
    """Audio, frame observations and stream facts gathered over an answer's segments."""

    infos: list[MediaInfo] = field(default_factory=list)
    audio: list[np.ndarray] = field(default_factory=list)
    observations: list[FrameObservation] = field(default_factory=list)
    elapsed_s: float = 0.0


def _every_s(duration_s: float) -> float:
    return max(FRAME_EVERY_S, duration_s / MAX_FRAMES)


def _observe(
    path: Any, info: MediaInfo, analyzer: BaseFaceAnalyzer, start: float
) -> Iterator[FrameObservation]:
    every = _every_s(info.duration_s)
    for t, rgb in media.iter_frames(path, every_s=every, max_width=FRAME_MAX_WIDTH):
        yield analyzer.observe_frame(rgb, start + t)


def _collect(answer: Answer, recordings: list[Recording], analyzer: BaseFaceAnalyzer) -> _Collected:
    got = _Collected()
    video = answer.answer_type == AnswerType.VIDEO
    for recording in recordings:
        with recording_open(recording=recording) as path:
            info = media.probe(path)
            got.infos.append(info)
            got.audio.append(media.load_audio(path) if info.has_audio else np.zeros(0, np.float32))
            if video and info.has_video:
                got.observations.extend(_observe(path, info, analyzer, got.elapsed_s))
        got.elapsed_s += info.duration_s
    return got


def _combined(infos: list[MediaInfo]) -> MediaInfo:
    """One MediaInfo for all segments: durations add up, the weakest picture counts."""
    total = sum(i.duration_s for i in infos)
    videos = [i for i in infos if i.has_video]
    fps = sum(i.fps * i.duration_s for i in videos) / max(1e-9, sum(i.duration_s for i in videos))
    return replace(
        infos[0],
        duration_s=round(total, 3),
        has_audio=all(i.has_audio for i in infos),
        has_video=bool(videos) and len(videos) == len(infos),
        width=min((i.width for i in videos), default=0),
        height=min((i.height for i in videos), default=0),
        fps=round(fps, 3) if videos else 0.0,
        video_frames=sum(i.video_frames for i in infos),
    )


def _step(observations: list[FrameObservation]) -> float:
    times = [o.t for o in observations]
    return float(np.median(np.diff(times))) if len(times) > 1 else FRAME_EVERY_S


def _assess(
    answer: Answer, recordings: list[Recording], biometric: bool
) -> tuple[QualityReport, VideoFeatures | None, list[IntegritySignal], str]:
    analyzer = default_face_analyzer() if biometric else LightOnlyAnalyzer()
    got = _collect(answer, recordings, analyzer)
    info = _combined(got.infos)
    audio = np.concatenate(got.audio) if got.audio else np.zeros(0, np.float32)
    video = summarise(got.observations) if got.observations else None
    signals = vision.integrity_signals(got.observations, _step(got.observations))
    thresholds = quality.Thresholds()
    if not biometric:
        # No face search was made: "no face" would be an artefact, not a finding.
        thresholds = replace(thresholds, min_face_ratio=0.0)
        signals = [s for s in signals if s.code == "camera_covered"]
    report = quality.assess(info, audio, video, thresholds=thresholds)
    return report, video, signals, analyzer.name


def _biometric_allowed(session_id: int) -> bool:
    """The latest biometric consent of the session; none given means no face analysis."""
    latest = (
        Consent.objects.filter(session_id=session_id, kind=ConsentKind.BIOMETRIC)
        .order_by("-at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(latest)


def _status(report: QualityReport) -> str:
    if report.verdict == "needs_rerecord":
        return QualityStatus.FAIL
    return QualityStatus.WARN if report.issues else QualityStatus.OK


def _document(
    report: QualityReport, video: VideoFeatures | None, signals: list[IntegritySignal],
    face: str, segments: int,
) -> dict[str, Any]:  # fmt: skip
    issues = [
        {"code": i.code, "severity": i.severity, "value": i.value, "threshold": i.threshold,
         "message": issue_label(i.code)}
        for i in report.issues
    ]  # fmt: skip
    return {
        "verdict": report.verdict, "issues": issues, "fps": report.fps,
        "width": report.width, "height": report.height,
        "audio_level_dbfs": report.audio_level_dbfs, "snr_db": report.snr_db,
        "speech_ratio": report.speech_ratio, "duration_s": report.duration_s,
        "face_visible_ratio": video.face_present_ratio if video and face == "done" else None,
        "dark_ratio": video.dark_ratio if video else None,
        "blur": video.blur if video else None,
        "frames_analysed": video.frames_analysed if video else 0,
        "face_analysis": face, "segments": segments,
        "integrity": [{"code": s.code, "start": s.start, "end": s.end} for s in signals],
        "checked_at": timezone.now().isoformat(),
    }  # fmt: skip


def _unreadable(segments: int) -> dict[str, Any]:
    issue = {"code": "unreadable", "severity": "fail", "value": None, "threshold": None,
             "message": issue_label("unreadable")}  # fmt: skip
    return {"verdict": "needs_rerecord", "issues": [issue], "face_analysis": "none",
            "segments": segments, "checked_at": timezone.now().isoformat()}  # fmt: skip


def _claim(answer_id: int) -> datetime | None:
    """PENDING → CHECKING in one conditional UPDATE: the claim's time, or None when another
    worker has it (or it was checked already). Stale claims go back to PENDING in
    `uploads_maintain`."""
    now = timezone.now()
    won = Answer.objects.filter(
        pk=answer_id, status=AnswerStatus.COMPLETE, quality_status=QualityStatus.PENDING
    ).update(quality_status=QualityStatus.CHECKING, quality_claimed_at=now)
    return now if won else None


def _claimed(answer_id: int, claimed_at: datetime | None) -> QuerySet[Answer]:
    """The answer while this worker's claim still holds."""
    return Answer.objects.filter(
        pk=answer_id, quality_status=QualityStatus.CHECKING, quality_claimed_at=claimed_at
    )


def answer_quality_check(*, answer_id: int) -> str:
    """Measure a COMPLETE answer's recordings and store the verdict (idempotent claim)."""
    claimed_at = _claim(answer_id)
    if claimed_at is None:
        return "not_claimed"
    answer = Answer.objects.select_related("session").get(pk=answer_id)
    recordings = list(
        Recording.objects.filter(
            answer=answer, attempt=answer.attempt, is_current=True, status=RecordingStatus.VERIFIED
        ).order_by("segment", "created_at")
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return _check(answer, recordings)
    except Exception:
        # Give the claim back so a retry can take it again.
        _claimed(answer_id, claimed_at).update(
            quality_status=QualityStatus.PENDING, quality_claimed_at=None
        )
        raise


def _check(answer: Answer, recordings: list[Recording]) -> str:
    if not recordings:
        return _store(answer, QualityStatus.FAIL, _unreadable(0), "unreadable")
    biometric = _biometric_allowed(answer.session_id)
    try:
        report, video, signals, engine = _assess(answer, recordings, biometric)
    except (MediaError, DecryptionError, RecordingUnavailable) as exc:
        logger.warning("answer %s: recordings unreadable for the quality check: %s", answer.pk, exc)
        return _store(answer, QualityStatus.FAIL, _unreadable(len(recordings)), "unreadable")
    face = "done" if biometric else "skipped_no_consent"
    if answer.answer_type != AnswerType.VIDEO:
        face = "not_video"
    document = {**_document(report, video, signals, face, len(recordings)), "engine": engine}
    return _store(answer, _status(report), document, report.verdict)


@transaction.atomic
def _store(answer: Answer, status: str, document: dict[str, Any], verdict: str) -> str:
    stored = _claimed(answer.pk, answer.quality_claimed_at).update(
        quality_status=status, quality=document
    )
    if not stored:
        return "lost_claim"
    if status == QualityStatus.FAIL:
        codes = [i["code"] for i in document["issues"] if i["severity"] == "fail"]
        reason = _("Question %(n)s needs a re-recording: %(issues)s") % {
            "n": answer.position, "issues": "、".join(issue_label(c) for c in codes),
        }  # fmt: skip
        session_flag(session_id=answer.session_id, reason=reason)
    audit_record(
        actor="system", action="answer.quality_check", obj=answer,
        org_unit_id=answer.session.org_unit_id,
        detail={"status": status, "issues": len(document["issues"])},
    )  # fmt: skip
    if status != QualityStatus.FAIL and answer.answer_type in (AnswerType.VIDEO, AnswerType.AUDIO):
        # Imported here: the analysis app builds on this module (no import cycle).
        from mianshi.analysis.services import analysis_enqueue

        analysis_enqueue(answer=answer)  # skips itself without AI consent; biometric read there
    return status
