"""Django admin registrations: read-only views for support, no candidate content.

Sessions, answers, recordings and events change only through the candidate flow and the
upload services (state machines with audit). The admin shows states and ids to help with
support, never answer texts, file names or media (three-role separation, F-03).
"""

from django.contrib import admin

from mianshi.common.admin import ReadOnlyAdmin
from mianshi.interviews.models import (
    Answer,
    Chunk,
    Consent,
    InterviewSession,
    Recording,
    SessionEvent,
)


@admin.register(InterviewSession)
class InterviewSessionAdmin(ReadOnlyAdmin):
    list_display = [
        *("id", "invitation", "org_unit", "state", "current_position", "phase"),
        *("last_seen_at", "last_data_at", "flagged"),
    ]
    list_filter = ("state", "flagged")
    exclude = ("client_state", "device_check", "user_agent")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = [
        *("id", "session", "position", "answer_type", "status", "attempt"),
        *("reported_ms", "measured_ms", "quality_status"),
    ]
    list_filter = ("status", "answer_type", "quality_status")
    exclude = ("text", "choice", "file_path", "file_name_enc")


@admin.register(Recording)
class RecordingAdmin(ReadOnlyAdmin):
    list_display = [
        *("id", "answer", "attempt", "segment", "mode", "status", "offset", "length"),
        *("chunk_count", "is_current", "created_at", "last_chunk_at"),
    ]
    list_filter = ("status", "mode", "is_current")
    exclude = ("storage_path",)


@admin.register(Chunk)
class ChunkAdmin(ReadOnlyAdmin):
    list_display = ("recording", "offset", "length", "created_at")
    exclude = ("storage_name",)


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("session", "kind", "granted", "notice_version", "language", "at")
    list_filter = ("kind", "granted", "notice_version")


@admin.register(SessionEvent)
class SessionEventAdmin(ReadOnlyAdmin):
    list_display = ("session", "answer", "kind", "offset_ms", "client_at", "at")
    list_filter = ("kind",)
    exclude = ("detail",)
