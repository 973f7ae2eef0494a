"""The candidate's interview (F-40–F-50): session, consents, answers, tus recordings.

A session belongs to one invitation. Each template question gets one `Answer` slot; every
recorded attempt (and every segment of an attempt interrupted by a reload) is a
`Recording`, which is also the tus upload resource: its chunks are stored one object each
through the storage API until the upload completes and is assembled, verified and stored
as one encrypted file.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.jobs.models import AnswerType


class SessionState(models.TextChoices):
    """What the live board shows (F-50)."""

    NOT_STARTED = "not_started", _("Not started")
    GUIDE = "guide", _("In the guided start")
    ANSWERING = "answering", _("Answering")
    UPLOADING = "uploading", _("Uploading")
    DONE = "done", _("Completed")


class Phase(models.TextChoices):
    """Where the candidate is within the current question."""

    READY = "ready", _("Ready to start")
    PREP = "prep", _("Preparing")
    ANSWER = "answer", _("Answering")
    REVIEW = "review", _("Reviewing")


class InterviewSession(models.Model):
    """One candidate's run through one invitation's questions, resumable after a reload."""

    invitation = models.OneToOneField(
        "invitations.Invitation",
        on_delete=models.CASCADE,
        related_name="session",
        verbose_name=_("invitation"),
    )
    application = models.ForeignKey(
        "candidates.Application",
        on_delete=models.CASCADE,
        related_name="interview_sessions",
        verbose_name=_("application"),
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="interview_sessions",
        verbose_name=_("organisation unit"),
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=SessionState.choices,
        default=SessionState.NOT_STARTED,
        db_index=True,
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    # Index into the invitation's questions; equal to their count once all are answered.
    current_position = models.PositiveSmallIntegerField(_("current question"), default=0)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.READY)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    device_check = models.JSONField(_("device check"), default=dict, blank=True)
    # What the browser last told us: pending chunks, online, camera state (for the board).
    client_state = models.JSONField(default=dict, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_data_at = models.DateTimeField(_("last data received"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set when a recording failed its checks: HR sees it and can re-invite in one click.
    flagged = models.BooleanField(_("needs attention"), default=False, db_index=True)
    flag_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("interview session")
        verbose_name_plural = _("interview sessions")

    def __str__(self) -> str:
        return f"{self.invitation_id} · {self.state}"


class ConsentKind(models.TextChoices):
    RECORDING = "recording", _("Recording of my answers")
    AI_ANALYSIS = "ai_analysis", _("Automated (AI) analysis of my answers")
    BIOMETRIC = "biometric", _("Processing of biometric data (face and voice)")


class Consent(models.Model):
    """A consent given (or refused) with the exact notice version and its hash (F-41)."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=12, choices=ConsentKind.choices)
    granted = models.BooleanField(_("granted"))
    notice_version = models.CharField(_("notice version"), max_length=40)
    notice_sha256 = models.CharField(_("notice hash"), max_length=64)
    language = models.CharField(_("language"), max_length=10)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.session_id} · {self.kind} · {self.granted}"


class AnswerStatus(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    RECORDING = "recording", _("Being recorded")
    UPLOADING = "uploading", _("Uploading")
    VERIFYING = "verifying", _("Being checked")
    COMPLETE = "complete", _("Complete")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not required")


class QualityStatus(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    CHECKING = "checking", _("Being checked")
    OK = "ok", _("OK")
    WARN = "warn", _("Usable with warnings")
    FAIL = "fail", _("Failed")


class Answer(models.Model):
    """The candidate's answer slot for one question of the session's template version."""

    session = models.ForeignKey(
        InterviewSession,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("interview session"),
    )
    template_question = models.ForeignKey(
        "jobs.TemplateQuestion",
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PENDING
    )
    # 1 for the first try; each retake adds one (bounded by the question's max_retakes).
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    text = models.TextField(_("written answer"), blank=True)
    choice = models.JSONField(_("chosen options"), default=list, blank=True)
    file_path = models.CharField(max_length=255, blank=True, editable=False)
    file_name_enc = models.TextField(blank=True, editable=False)
    file_content_type = models.CharField(max_length=100, blank=True, editable=False)
    file_size = models.PositiveIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(_("answer started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("answer finished"), null=True, blank=True)
    # The browser's own measure of the recorded time, checked against the decoded file.
    reported_ms = models.PositiveIntegerField(_("reported duration (ms)"), null=True, blank=True)
    measured_ms = models.PositiveIntegerField(_("measured duration (ms)"), null=True, blank=True)
    quality_status = models.CharField(
        _("quality"), max_length=8, choices=QualityStatus.choices, default=QualityStatus.PENDING
    )
    quality = models.JSONField(_("quality report"), default=dict, blank=True)
    # When a worker took the check (PENDING → CHECKING): an old claim lost its worker.
    quality_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How often a worker took the check: one that never finishes is given up, not re-run.
    quality_claims = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["session", "position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="answer_unique_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.position} · {self.status}"


class RecordingMode(models.TextChoices):
    STREAM = "stream", _("Streamed while recording")
    WHOLE = "whole", _("Uploaded as one file after recording")


class RecordingStatus(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    COMPLETE = "complete", _("Upload complete")
    VERIFYING = "verifying", _("Being verified")
    VERIFIED = "verified", _("Verified")
    FAILED = "failed", _("Failed verification")
    TERMINATED = "terminated", _("Terminated")


class Recording(models.Model):
    """One tus upload: a recorded attempt (or a segment of one) of an answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        InterviewSession, on_delete=models.CASCADE, related_name="recordings"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="recordings")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    # A reload mid-answer ends a segment; recording goes on in the next one.
    segment = models.PositiveSmallIntegerField(_("segment"), default=0)
    mode = models.CharField(
        _("mode"), max_length=8, choices=RecordingMode.choices, default=RecordingMode.STREAM
    )
    content_type = models.CharField(max_length=100)
    length = models.BigIntegerField(_("declared length"), null=True, blank=True)
    # The most bytes this upload may hold: what its answer's time allows, less its other
    # segments (None: only UPLOAD_MAX_BYTES).
    byte_budget = models.BigIntegerField(null=True, blank=True, editable=False)
    offset = models.BigIntegerField(_("bytes received"), default=0)
    chunk_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RecordingStatus.choices,
        default=RecordingStatus.UPLOADING,
        db_index=True,
    )
    expires_at = models.DateTimeField(_("upload expires"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_chunk_at = models.DateTimeField(null=True, blank=True)
    # When a worker took the verification (COMPLETE → VERIFYING), and how often one did: a
    # claim is given back only when it is old, and a verification that never finishes is
    # given up after a few claims instead of being re-run for ever.
    verify_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    verify_claims = models.PositiveSmallIntegerField(default=0, editable=False)
    # The stored, encrypted file (the seekable remux of the upload; media_info keeps the
    # upload's own hash) and what verification measured of it.
    storage_path = models.CharField(max_length=255, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    reported_ms = models.PositiveIntegerField(null=True, blank=True)
    # The browser ended this segment by a reload or a closed tab: its unflushed tail is
    # lost, so it may be shorter than reported.
    interrupted = models.BooleanField(_("interrupted"), default=False)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    media_info = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    is_current = models.BooleanField(_("counts for the answer"), default=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return f"{self.answer_id} a{self.attempt}s{self.segment} · {self.status}"


class Chunk(models.Model):
    """One acknowledged PATCH body, stored as its own object until assembly."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    offset = models.BigIntegerField()
    length = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recording", "offset"]
        constraints = [
            # The database, not only the handler, refuses a second chunk at one offset.
            models.UniqueConstraint(fields=["recording", "offset"], name="chunk_unique_offset"),
        ]

    def __str__(self) -> str:
        return f"{self.recording_id}@{self.offset}+{self.length}"


class EventKind(models.TextChoices):
    """Things the browser reports, time-stamped (F-46 integrity signals and marks)."""

    TAB_HIDDEN = "tab_hidden", _("Switched away from the tab")
    WINDOW_BLUR = "window_blur", _("Left the window")
    FULLSCREEN_EXIT = "fullscreen_exit", _("Left full screen")
    PASTE = "paste", _("Pasted text")
    MARK = "mark", _("Marked a moment")
    OFFLINE = "offline", _("Network lost")
    ONLINE = "online", _("Network back")
    RESUMED = "resumed", _("Came back after leaving the page")
    DEVICE_PROBLEM = "device_problem", _("Device problem")


INTEGRITY_KINDS = frozenset(
    {EventKind.TAB_HIDDEN, EventKind.WINDOW_BLUR, EventKind.FULLSCREEN_EXIT, EventKind.PASTE}
)


class SessionEvent(models.Model):
    """One browser-reported event, with the answer it happened in and when (F-46)."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="events")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    # Milliseconds into the answer's recording (None outside an answer).
    offset_ms = models.PositiveIntegerField(null=True, blank=True)
    client_at = models.DateTimeField(_("time in the browser"), null=True, blank=True)
    at = models.DateTimeField(_("received"), auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("session event")
        verbose_name_plural = _("session events")
        indexes = [models.Index(fields=["session", "kind"], name="event_session_kind")]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.kind}"
