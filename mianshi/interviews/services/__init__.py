"""Writes of the interviews app (services), exported by name for the other apps."""

from mianshi.interviews.services.answers import (
    answer_accepts_upload,
    answer_next,
    answer_record,
    answer_start,
)
from mianshi.interviews.services.events import EventInput, session_events_record
from mianshi.interviews.services.maintenance import uploads_maintain
from mianshi.interviews.services.quality import answer_quality_check, issue_label
from mianshi.interviews.services.recordings import (
    UploadError,
    recording_append,
    recording_create,
    recording_open,
    recording_terminate,
    uploads_purge,
)
from mianshi.interviews.services.sessions import (
    ConsentInput,
    session_consent,
    session_device_check,
    session_finish,
    session_heartbeat,
    session_open,
    session_visit,
)
from mianshi.interviews.services.submissions import (
    answer_choice_submit,
    answer_file_max_bytes,
    answer_file_submit,
    answer_text_submit,
)
from mianshi.interviews.services.takes import ReportedRecording, answer_finish, answer_retake
from mianshi.interviews.services.verification import (
    answer_settle,
    recording_verify,
    recordings_report,
    session_flag,
)

__all__ = [
    "ConsentInput",
    "EventInput",
    "ReportedRecording",
    "UploadError",
    "answer_accepts_upload",
    "answer_choice_submit",
    "answer_file_max_bytes",
    "answer_file_submit",
    "answer_finish",
    "answer_next",
    "answer_quality_check",
    "answer_record",
    "answer_retake",
    "answer_settle",
    "answer_start",
    "answer_text_submit",
    "issue_label",
    "recording_append",
    "recording_create",
    "recording_open",
    "recording_terminate",
    "recording_verify",
    "recordings_report",
    "session_consent",
    "session_device_check",
    "session_events_record",
    "session_finish",
    "session_flag",
    "session_heartbeat",
    "session_open",
    "session_visit",
    "uploads_maintain",
    "uploads_purge",
]
